package io.edgeloop.monitoring.grpc;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.monitoring.domain.Feedback;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.edgeloop.proto.telemetry.v1.FeedbackOutcome;
import io.edgeloop.proto.telemetry.v1.FeedbackResult;
import io.edgeloop.proto.telemetry.v1.FeedbackServiceGrpc;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackRequest;
import io.edgeloop.proto.telemetry.v1.SubmitFeedbackResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code edgeloop.telemetry.v1.FeedbackService}: ground truth for reported inferences, joined by inference id. For
 * devices ({@code device}: only their own inferences, others get {@code FORBIDDEN} results) and operators
 * ({@code release}). INVALID_ARGUMENT names every bad field; each item gets its outcome.
 */
@GrpcService
public class FeedbackGrpcService extends FeedbackServiceGrpc.FeedbackServiceImplBase {
    private static final Logger LOG = Logger.getLogger(FeedbackGrpcService.class);

    @Inject
    PerformanceMonitor performance;

    @Inject
    SecurityIdentity identity;

    @Override
    @Blocking
    @RolesAllowed({Roles.DEVICE, Roles.RELEASE})
    public void submit(SubmitFeedbackRequest request, StreamObserver<SubmitFeedbackResponse> response) {
        List<Feedback.Item> items = new ArrayList<>(request.getItemsCount());
        for (int i = 0; i < request.getItemsCount(); i++) {
            var f = request.getItems(i);
            items.add(new Feedback.Item(
                    f.getInferenceId(),
                    f.getLabel().isEmpty() ? null : f.getLabel(),
                    f.getClassIndex(),
                    "items[" + i + "]"));
        }
        List<String[]> problems =
                Feedback.problems(request.getModelName(), items, "inference_id", "label", "class_index");
        if (!problems.isEmpty()) {
            List<String> text = problems.stream().map(p -> p[0] + " " + p[1]).toList();
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("invalid feedback: " + String.join("; ", text))
                    .asRuntimeException());
            return;
        }
        String deviceOnly = Caller.isDevice(identity) ? Caller.subject(identity) : null;
        Feedback.Submission done;
        try {
            done = performance.submit(request.getModelName(), items, deviceOnly);
        } catch (PerformanceMonitor.FactsUnavailableException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "feedback for %s failed", request.getModelName());
            response.onError(Status.INTERNAL
                    .withDescription("feedback could not be stored")
                    .asRuntimeException());
            return;
        }
        SubmitFeedbackResponse.Builder b = SubmitFeedbackResponse.newBuilder();
        for (Feedback.Result r : done.results()) {
            b.addResults(FeedbackResult.newBuilder()
                    .setInferenceId(r.inferenceId())
                    .setOutcome(outcome(r.outcome()))
                    .setReason(r.reason() == null ? "" : r.reason())
                    .setDuplicate(r.duplicate()));
        }
        response.onNext(b.build());
        response.onCompleted();
    }

    private static FeedbackOutcome outcome(Feedback.Outcome o) {
        return switch (o) {
            case ACCEPTED -> FeedbackOutcome.FEEDBACK_OUTCOME_ACCEPTED;
            case UNKNOWN_INFERENCE -> FeedbackOutcome.FEEDBACK_OUTCOME_UNKNOWN_INFERENCE;
            case INVALID_LABEL -> FeedbackOutcome.FEEDBACK_OUTCOME_INVALID_LABEL;
            case FORBIDDEN -> FeedbackOutcome.FEEDBACK_OUTCOME_FORBIDDEN;
        };
    }
}
