/**
 * In-memory gRPC test doubles of EdgeLoop's peer services, written once against the contracts in {@code proto}:
 * {@link io.edgeloop.testsupport.InMemoryArtifactService} (the registry's chunked, digest-verified artifact
 * transfer), {@link io.edgeloop.testsupport.InMemoryModelRegistry} (versions, idempotency keys, variants) and
 * {@link io.edgeloop.testsupport.InMemoryDatasetService} (snapshots streamed in batches from a pluggable source).
 * They answer with the status codes the real services use, record what they received and can be told to fail the
 * next calls ({@link io.edgeloop.testsupport.InjectedFaults}). They are plain {@code *ImplBase} subclasses: a Quarkus
 * test serves one through a thin {@code @GrpcService} subclass in its own test sources.
 */
package io.edgeloop.testsupport;
