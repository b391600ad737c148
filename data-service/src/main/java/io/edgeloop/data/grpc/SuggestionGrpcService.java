package io.edgeloop.data.grpc;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.domain.SuggestionRescoring;
import io.edgeloop.data.persistence.SuggestionStore;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.proto.data.v1.CapturedPage;
import io.edgeloop.proto.data.v1.CapturedSample;
import io.edgeloop.proto.data.v1.ListCapturedRequest;
import io.edgeloop.proto.data.v1.RescoreRequest;
import io.edgeloop.proto.data.v1.RescoreResult;
import io.edgeloop.proto.data.v1.Rescored;
import io.edgeloop.proto.data.v1.SuggestionServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC {@code edgeloop.data.v1.SuggestionService}: active learning's captured inputs waiting for a label (role {@code
 * viewer}) and their suggestions re-scored by a newer production version ({@code ml}: compiler-service runs it).
 * Refusals are {@code NOT_FOUND} (unknown data set) or {@code INVALID_ARGUMENT} naming each field.
 */
@GrpcService
public class SuggestionGrpcService extends SuggestionServiceGrpc.SuggestionServiceImplBase {
    @Inject
    SuggestionRescoring rescoring;

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void listCaptured(ListCapturedRequest request, StreamObserver<CapturedPage> responseObserver) {
        SuggestionRescoring.Page page;
        try {
            page = rescoring.page(
                    request.getDatasetName(),
                    request.getModelName(),
                    request.getNotScoredByVersion(),
                    request.getAfterSampleId().isEmpty() ? null : request.getAfterSampleId(),
                    request.getPageSize());
        } catch (ApiException e) {
            responseObserver.onError(GrpcProblems.status(e));
            return;
        }
        CapturedPage.Builder out = CapturedPage.newBuilder().addAllClassLabels(page.classLabels());
        for (SuggestionStore.Captured c : page.samples()) {
            CapturedSample.Builder s = CapturedSample.newBuilder()
                    .setSampleId(c.sampleId())
                    .setScoredByVersion(c.scoredByVersion())
                    .setConfidence(c.confidence());
            for (float f : c.features()) {
                s.addFeatures(f);
            }
            if (c.suggestedLabel() != null) {
                s.setSuggestedLabel(c.suggestedLabel());
            }
            out.addSamples(s);
        }
        if (page.next() != null) {
            out.setNextSampleId(page.next());
        }
        responseObserver.onNext(out.build());
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ML)
    public void rescore(RescoreRequest request, StreamObserver<RescoreResult> responseObserver) {
        List<SuggestionRescoring.Prediction> predictions = new ArrayList<>(request.getPredictionsCount());
        for (int i = 0; i < request.getPredictionsCount(); i++) {
            Rescored r = request.getPredictions(i);
            predictions.add(new SuggestionRescoring.Prediction(
                    r.getSampleId(),
                    r.getPredictedLabel().isEmpty() ? null : r.getPredictedLabel(),
                    r.getConfidence(),
                    "predictions[" + i + "]"));
        }
        SuggestionRescoring.Outcome outcome;
        try {
            outcome = rescoring.rescore(
                    request.getDatasetName(), request.getModelName(), request.getModelVersion(), predictions);
        } catch (ApiException e) {
            responseObserver.onError(GrpcProblems.status(e));
            return;
        }
        responseObserver.onNext(RescoreResult.newBuilder()
                .setUpdated(outcome.updated())
                .setSkipped(outcome.skipped())
                .build());
        responseObserver.onCompleted();
    }
}
