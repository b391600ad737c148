/** REST read API of the fleet: devices (desired vs reported state) and deployments. Errors are problem+json. */
package io.edgeloop.deployment.api;
