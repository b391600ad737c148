/** REST API ({@code /training-runs}) and the readiness check of the training engine. */
package io.edgeloop.training.api;
