/** Health checks: readiness is UP once a model is loaded. */
package io.edgeloop.agent.health;
