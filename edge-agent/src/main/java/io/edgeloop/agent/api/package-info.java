/**
 * The agent's local REST API (inference, status, simulator control) and its problem+json error mapping; readiness is
 * UP once a model is loaded.
 */
package io.edgeloop.agent.api;
