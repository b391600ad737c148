/** Small gRPC helpers shared by services, the agent and the tools. */
package io.edgeloop.common.grpc;
