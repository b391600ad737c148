/**
 * REST API: {@code /training-runs} (with server-sent progress events), {@code /distillations}, {@code /searches},
 * and the readiness check of the training engine.
 */
package io.edgeloop.training.api;
