package io.edgeloop.compiler.testing;

import io.edgeloop.proto.data.v1.CapturedPage;
import io.edgeloop.proto.data.v1.CapturedSample;
import io.edgeloop.proto.data.v1.ListCapturedRequest;
import io.edgeloop.proto.data.v1.RescoreRequest;
import io.edgeloop.proto.data.v1.RescoreResult;
import io.edgeloop.proto.data.v1.Rescored;
import io.edgeloop.proto.data.v1.SuggestionServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-memory double of data-service's SuggestionService: captured inputs the tests put, listed by sample id in pages
 * (leaving out those the asked version scored), re-scored in place by Rescore, every Rescore call recorded.
 */
@GrpcService
public class FakeSuggestionService extends SuggestionServiceGrpc.SuggestionServiceImplBase {
    private final Map<String, TreeMap<String, CapturedSample>> captured = new ConcurrentHashMap<>();
    private final List<RescoreRequest> rescores = new CopyOnWriteArrayList<>();
    private final List<String> labels = new CopyOnWriteArrayList<>();

    /** Puts captured inputs of {@code model} in {@code dataset} (replacing any before), with the data set's labels. */
    public void put(String dataset, String model, List<String> classLabels, List<CapturedSample> samples) {
        TreeMap<String, CapturedSample> m = new TreeMap<>();
        samples.forEach(s -> m.put(s.getSampleId(), s));
        captured.put(dataset + "/" + model, m);
        labels.clear();
        labels.addAll(classLabels);
    }

    /** The captured inputs of {@code model} in {@code dataset} as they are now, by sample id. */
    public synchronized List<CapturedSample> samples(String dataset, String model) {
        return List.copyOf(
                captured.getOrDefault(dataset + "/" + model, new TreeMap<>()).values());
    }

    /** Every Rescore call so far. */
    public List<RescoreRequest> rescores() {
        return List.copyOf(rescores);
    }

    @Override
    public synchronized void listCaptured(ListCapturedRequest request, StreamObserver<CapturedPage> response) {
        TreeMap<String, CapturedSample> m = captured.get(request.getDatasetName() + "/" + request.getModelName());
        if (m == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no dataset '" + request.getDatasetName() + "'")
                    .asRuntimeException());
            return;
        }
        int size = request.getPageSize() == 0 ? 256 : request.getPageSize();
        List<CapturedSample> page = new ArrayList<>();
        String next = "";
        for (CapturedSample s : m.tailMap(request.getAfterSampleId(), false).values()) {
            if (s.getScoredByVersion() == request.getNotScoredByVersion()) {
                continue;
            }
            if (page.size() == size) {
                next = page.get(size - 1).getSampleId();
                break;
            }
            page.add(s);
        }
        response.onNext(CapturedPage.newBuilder()
                .addAllSamples(page)
                .setNextSampleId(next)
                .addAllClassLabels(labels)
                .build());
        response.onCompleted();
    }

    @Override
    public synchronized void rescore(RescoreRequest request, StreamObserver<RescoreResult> response) {
        rescores.add(request);
        TreeMap<String, CapturedSample> m = captured.get(request.getDatasetName() + "/" + request.getModelName());
        int updated = 0;
        for (Rescored r : request.getPredictionsList()) {
            CapturedSample s = m == null ? null : m.get(r.getSampleId());
            if (s != null) {
                m.put(
                        r.getSampleId(),
                        s.toBuilder()
                                .setScoredByVersion(request.getModelVersion())
                                .setSuggestedLabel(r.getPredictedLabel())
                                .setConfidence(r.getConfidence())
                                .build());
                updated++;
            }
        }
        response.onNext(RescoreResult.newBuilder()
                .setUpdated(updated)
                .setSkipped(request.getPredictionsCount() - updated)
                .build());
        response.onCompleted();
    }
}
