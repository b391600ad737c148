/** gRPC clients of data-service ({@code dataset}) and registry-service ({@code registry}), with retries. */
package io.edgeloop.training.grpc;
