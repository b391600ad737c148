/** Calling gRPC peers: which failures are transient, and retrying them with backoff. */
package io.edgeloop.kit.grpc;
