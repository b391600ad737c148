/**
 * REST clients of the services' existing APIs (Quarkus REST client with Jackson) and the small view records the
 * console reads their JSON into; {@link io.edgeloop.console.clients.Upstream} turns the services' failures into the
 * console's problem+json answers.
 */
package io.edgeloop.console.clients;
