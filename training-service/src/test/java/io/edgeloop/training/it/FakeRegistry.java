package io.edgeloop.training.it;

import io.edgeloop.common.Hashing;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory state shared by the registry test doubles. */
final class FakeRegistry {
    /** Artifacts by sha256, verified on upload. */
    static final Map<String, byte[]> ARTIFACTS = new HashMap<>();
    /** Versions per model, in order. */
    static final Map<String, List<ModelVersion>> MODELS = new HashMap<>();

    static final Map<String, ModelVersion> BY_IDEMPOTENCY_KEY = new HashMap<>();
    /** Every RegisterVersion request received, including the ones answered UNAVAILABLE. */
    static final List<RegisterVersionRequest> REGISTER_REQUESTS = new ArrayList<>();
    /** RegisterVersion calls still to be answered UNAVAILABLE. */
    static final AtomicInteger FAIL_NEXT_REGISTER = new AtomicInteger();

    private FakeRegistry() {}

    static synchronized byte[] artifact(String sha256) {
        return ARTIFACTS.get(sha256);
    }

    static synchronized void store(byte[] content) {
        ARTIFACTS.put(Hashing.sha256Hex(content), content);
    }

    static synchronized List<RegisterVersionRequest> requestsForRun(String runId) {
        return REGISTER_REQUESTS.stream()
                .filter(r -> r.getLineage().getTrainingRunId().equals(runId))
                .toList();
    }
}
