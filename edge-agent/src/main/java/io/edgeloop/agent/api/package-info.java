/**
 * The agent's local REST API: single-sample inference per model, KServe v2 / Open Inference Protocol REST
 * ({@code /v2}, errors as {@code {"error": ...}}), status and simulator control, and the problem+json error mapping of
 * the non-KServe paths; readiness is UP once a model is loaded.
 */
package io.edgeloop.agent.api;
