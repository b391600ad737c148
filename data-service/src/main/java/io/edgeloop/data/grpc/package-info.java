/** gRPC DatasetService: snapshot metadata and batched, ordered sample streams for training and compilation. */
package io.edgeloop.data.grpc;
