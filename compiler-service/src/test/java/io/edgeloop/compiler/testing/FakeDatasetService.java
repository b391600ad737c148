package io.edgeloop.compiler.testing;

import io.edgeloop.testsupport.InMemoryDatasetService;
import io.quarkus.grpc.GrpcService;

/** The shared in-memory double of the data service's DatasetService: snapshots the tests put. */
@GrpcService
public class FakeDatasetService extends InMemoryDatasetService {}
