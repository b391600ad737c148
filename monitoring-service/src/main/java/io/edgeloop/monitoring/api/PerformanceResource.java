package io.edgeloop.monitoring.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem;
import io.edgeloop.monitoring.domain.PerformanceCheck;
import io.edgeloop.monitoring.domain.PerformanceMetrics;
import io.edgeloop.monitoring.domain.PerformanceMonitor;
import io.edgeloop.monitoring.persistence.InferenceStore;
import io.edgeloop.monitoring.persistence.ModelStateEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /models/{name}/performance?version=&device=&since=&until=}: live accuracy, macro F1, per-class recall and
 * expected calibration error of a model version on its fed-back labels (default: the deployed version), optionally
 * of one device and a time window (by inference time, {@code since} inclusive, {@code until} exclusive), with the
 * version's performance drift verdict.
 */
@Path("/models/{name}/performance")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class PerformanceResource {
    @Inject
    PerformanceMonitor performance;

    /**
     * The performance of a version; figures are null without labelled inferences.
     *
     * @param testAccuracy the version's test accuracy from the registry, null when unknown
     * @param classLabels the version's classes, empty when the registry could not be read (recall then names classes
     *     {@code "#i"})
     * @param factsProblem why the registry's facts are missing, or null
     */
    public record PerformanceView(
            String modelName,
            int modelVersion,
            String deviceId,
            Instant since,
            Instant until,
            long labelledCount,
            long correctCount,
            Double accuracy,
            Double macroF1,
            Map<String, Double> perClassRecall,
            Double expectedCalibrationError,
            Double testAccuracy,
            List<String> classLabels,
            String factsProblem,
            DriftView drift) {}

    /**
     * The version's performance drift test (over all its labelled inferences).
     *
     * @param evaluated whether the test was made
     * @param drifted accuracy significantly below {@code baseline}
     * @param baseline test accuracy minus margin, null when unknown
     * @param pValue null when not evaluated
     * @param driftEventId the performance DriftDetected emitted for the version, or null
     */
    public record DriftView(
            boolean evaluated,
            boolean drifted,
            Double baseline,
            Double pValue,
            String reason,
            int minLabelled,
            double margin,
            double alpha,
            String driftEventId) {}

    @GET
    public PerformanceView performance(
            @PathParam("name") String name,
            @QueryParam("version") String versionParam,
            @QueryParam("device") String device,
            @QueryParam("since") String sinceParam,
            @QueryParam("until") String untilParam,
            @QueryParam("segment") String segment) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Integer version = version(versionParam, errors);
        String[] seg = segment(segment, errors);
        Instant since = instant("since", sinceParam, errors);
        Instant until = instant("until", untilParam, errors);
        if (device != null && (device.isBlank() || device.length() > 255)) {
            errors.add(new Problem.FieldError("device", "must be 1 to 255 characters"));
        }
        if (since != null && until != null && !until.isAfter(since)) {
            errors.add(new Problem.FieldError("until", "must be after since"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid query", errors);
        }
        int v = version != null ? version : deployedVersion(name);
        PerformanceMonitor.Performance p = performance.performance(new InferenceStore.Scope(
                name, v, device, since, until, seg == null ? null : seg[0], seg == null ? null : seg[1]));
        PerformanceMetrics m = p.metrics();
        PerformanceCheck.Verdict verdict = p.verdict();
        PerformanceCheck check = performance.check();
        return new PerformanceView(
                name,
                v,
                device,
                since,
                until,
                m.labelledCount(),
                m.correctCount(),
                finite(m.accuracy()),
                finite(m.macroF1()),
                m.perClassRecall(),
                finite(m.expectedCalibrationError()),
                p.facts() == null ? null : p.facts().testAccuracy(),
                p.facts() == null ? List.of() : p.facts().classLabels(),
                p.factsProblem(),
                new DriftView(
                        verdict.evaluated(),
                        verdict.drifted(),
                        finite(verdict.baseline()),
                        finite(verdict.pValue()),
                        verdict.reason(),
                        check.minLabelled(),
                        check.margin(),
                        check.alpha(),
                        p.alert() == null ? null : p.alert().eventId));
    }

    /**
     * One segment of the fleet: the devices whose label has {@code value}.
     *
     * @param accuracy null without labelled inferences
     */
    public record SegmentView(
            String value,
            long labelledCount,
            long correctCount,
            Double accuracy,
            Double macroF1,
            Map<String, Double> perClassRecall,
            Double expectedCalibrationError) {}

    /**
     * {@code GET /models/{name}/performance/segments?label=site[&version=]}: the version's live performance per value
     * of the devices' label {@code label} (as they report it with telemetry), worst accuracy first: where in the fleet
     * the model fails. 422 naming {@code label} or {@code version}.
     */
    @GET
    @Path("segments")
    public List<SegmentView> segments(
            @PathParam("name") String name,
            @QueryParam("label") String label,
            @QueryParam("version") String versionParam) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Integer version = version(versionParam, errors);
        if (label == null || !SEGMENT_KEY.matcher(label).matches()) {
            errors.add(new Problem.FieldError("label", "must be a device label key (1-63 of [A-Za-z0-9._/-])"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid query", errors);
        }
        int v = version != null ? version : deployedVersion(name);
        List<SegmentView> out = new ArrayList<>();
        performance
                .segments(name, v, label)
                .forEach((value, m) -> out.add(new SegmentView(
                        value,
                        m.labelledCount(),
                        m.correctCount(),
                        finite(m.accuracy()),
                        finite(m.macroF1()),
                        m.perClassRecall(),
                        finite(m.expectedCalibrationError()))));
        out.sort(java.util.Comparator.comparing(
                SegmentView::accuracy, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
        return out;
    }

    private static final java.util.regex.Pattern SEGMENT_KEY =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

    /** {@code key=value}, or null when absent; a malformed one is an error naming {@code segment}. */
    private static String[] segment(String segment, List<Problem.FieldError> errors) {
        if (segment == null) {
            return null;
        }
        int eq = segment.indexOf('=');
        if (eq < 1
                || eq == segment.length() - 1
                || segment.length() > 320
                || !SEGMENT_KEY.matcher(segment.substring(0, eq)).matches()) {
            errors.add(new Problem.FieldError("segment", "must be <label key>=<value>, e.g. site=north"));
            return null;
        }
        return new String[] {segment.substring(0, eq), segment.substring(eq + 1)};
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private int deployedVersion(String name) {
        ModelStateEntity state = QuarkusTransaction.requiringNew().call(() -> ModelStateEntity.findById(name));
        if (state == null) {
            throw ApiException.notFound(
                    "no deployment of model '" + name + "' has been seen; name a version with ?version=");
        }
        return state.modelVersion;
    }

    private static Integer version(String param, List<Problem.FieldError> errors) {
        if (param == null) {
            return null;
        }
        try {
            int v = Integer.parseInt(param.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new Problem.FieldError("version", "must be an integer >= 1, was '" + abbreviate(param) + "'"));
        return null;
    }

    private static Instant instant(String field, String param, List<Problem.FieldError> errors) {
        if (param == null) {
            return null;
        }
        try {
            return Instant.parse(param.trim());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(
                    field, "must be an ISO-8601 instant (2030-01-01T00:00:00Z), was '" + abbreviate(param) + "'"));
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
