/**
 * Mergeable quantile sketches of model inputs (Apache DataSketches KLL): edge agents summarize each telemetry window
 * with them instead of shipping raw inputs, and monitoring merges them across windows and devices.
 */
package io.edgeloop.common.sketch;
