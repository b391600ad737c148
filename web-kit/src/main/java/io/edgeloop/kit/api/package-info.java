/** REST error handling shared by the services: every error is an RFC 9457 {@code application/problem+json} body. */
package io.edgeloop.kit.api;
