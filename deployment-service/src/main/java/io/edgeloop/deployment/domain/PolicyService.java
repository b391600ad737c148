package io.edgeloop.deployment.domain;

import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.domain.InvalidPolicyException.FieldProblem;
import io.edgeloop.deployment.persistence.PolicyEntity;
import io.edgeloop.deployment.persistence.RolloutSettingsColumns;
import io.edgeloop.kit.input.FieldLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Deployment policies: REST policies ({@code deployment_policy}) and config-defined ones
 * ({@code edgeloop.deployment.rollout.models."<m>".*}). A model's policy is, in order: the REST policy named exactly
 * after it, the config policy named after it, then the longest matching pattern ({@code team-a-*} matches every model
 * whose name starts with {@code team-a-}; REST before config). Keys a policy omits take the configuration defaults.
 */
@ApplicationScoped
public class PolicyService {
    private static final Logger LOG = Logger.getLogger(PolicyService.class);
    /** A model name, or a prefix of one followed by {@code *} (a bare {@code *} matches every model). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*\\*?|\\*");
    /** Longest policy name and selector label name (the key columns). */
    static final int MAX_NAME = FieldLimits.ID;
    /** Longest selector label value (its column). */
    static final int MAX_LABEL_VALUE = FieldLimits.LABEL_VALUE;

    private static String abbreviate(String s) {
        return s == null || s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    @Inject
    DeploymentConfig config;

    @Inject
    Clock clock;

    /** The policy of {@code modelName}, if any matches. */
    @Transactional
    public Optional<Policy> resolve(String modelName) {
        PolicyEntity exact = PolicyEntity.findById(modelName);
        if (exact != null && !exact.name.endsWith("*")) {
            return Optional.of(toPolicy(exact));
        }
        DeploymentConfig.ModelRollout configured = config.rollout().models().get(modelName);
        if (configured != null && !modelName.endsWith("*")) {
            return Optional.of(fromConfig(modelName, configured));
        }
        return list().stream()
                .filter(p -> p.isPattern()
                        && modelName.startsWith(p.name().substring(0, p.name().length() - 1)))
                .max(Comparator.<Policy>comparingInt(p -> p.name().length())
                        .thenComparing(p -> "rest".equals(p.source())));
    }

    /** Every policy (REST ones shadow config ones of the same name), by name. */
    @Transactional
    public List<Policy> list() {
        Map<String, Policy> byName = new TreeMap<>();
        config.rollout().models().forEach((name, o) -> byName.put(name, fromConfig(name, o)));
        PolicyEntity.<PolicyEntity>listAll().forEach(e -> byName.put(e.name, toPolicy(e)));
        return List.copyOf(byName.values());
    }

    /** The policy named {@code name} (REST first, then config). */
    @Transactional
    public Optional<Policy> get(String name) {
        PolicyEntity e = PolicyEntity.findById(name);
        if (e != null) {
            return Optional.of(toPolicy(e));
        }
        DeploymentConfig.ModelRollout o = config.rollout().models().get(name);
        return o == null ? Optional.empty() : Optional.of(fromConfig(name, o));
    }

    /**
     * Creates or replaces a REST policy on behalf of {@code actor} (the authenticated subject, recorded with it).
     *
     * @throws InvalidPolicyException naming every invalid field
     */
    @Transactional
    public Policy put(String name, PolicySpec spec, String actor) {
        List<FieldProblem> problems = PolicyValidation.problems(name, spec);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        Instant now = clock.instant();
        PolicyEntity found = PolicyEntity.findById(name);
        PolicyEntity e = found == null ? new PolicyEntity() : found;
        if (found == null) {
            e.name = name;
            e.createdAt = now;
        }
        e.updatedAt = now;
        e.updatedBy = FleetService.truncate(actor, FieldLimits.ID);
        e.selector.clear();
        if (spec.selector() != null) {
            spec.selector().forEach((k, v) -> e.selector.put(k.trim(), v));
        }
        PolicySpec.Capabilities caps = spec.capabilities();
        if (caps != null) {
            putIf(e.selector, "architecture", caps.architecture());
            putIf(e.selector, "minRamMb", caps.minRamMb());
            putIf(e.selector, "minStorageMb", caps.minStorageMb());
            putIf(e.selector, "accelerator", caps.accelerator());
        }
        e.autoRollout = spec.autoRollout() == null || spec.autoRollout();
        PolicySpec.Rollout r = spec.rollout() == null
                ? new PolicySpec.Rollout(null, null, null, null, null, null, null, null, null, null)
                : spec.rollout();
        RolloutSettingsColumns c = new RolloutSettingsColumns();
        c.canaryPercent = r.canaryPercent();
        c.wavePercents = r.wavePercents() == null
                ? null
                : String.join(
                        ",", r.wavePercents().stream().map(String::valueOf).toList());
        c.soakMs = r.soakTimeMs();
        c.maxErrorRate = r.maxErrorRate();
        c.maxLatencyP99Us = r.maxLatencyP99Us();
        c.maxPredictionShift = r.maxPredictionShift();
        c.minInferences = r.minInferences();
        c.activationTimeoutMs = r.activationTimeoutMs();
        c.gateTimeoutMs = r.gateTimeoutMs();
        c.onNoTelemetry = r.onNoTelemetry();
        e.rollout = c;
        e.minAccuracy = spec.promotion() == null ? null : spec.promotion().minAccuracy();
        e.maxAccuracyDrop = spec.promotion() == null ? null : spec.promotion().maxAccuracyDrop();
        Policy p = toPolicy(e);
        List<String> effective = p.settings().problems();
        if (!effective.isEmpty()) {
            throw new InvalidPolicyException(effective.stream()
                    .map(m -> new FieldProblem("rollout", m + " (with the configuration defaults)"))
                    .toList());
        }
        e.persist();
        return p;
    }

    /**
     * Deletes a REST policy on behalf of {@code actor} (logged).
     *
     * @return false when there is no REST policy of that name
     */
    @Transactional
    public boolean delete(String name, String actor) {
        boolean deleted = PolicyEntity.deleteById(name);
        if (deleted) {
            LOG.infof("policy '%s' deleted by %s", name, actor);
        }
        return deleted;
    }

    private static void putIf(Map<String, String> selector, String capability, Object value) {
        if (value != null && !String.valueOf(value).isBlank()) {
            selector.put(WavePlan.CAPABILITY + capability, String.valueOf(value).trim());
        }
    }

    private Policy toPolicy(PolicyEntity e) {
        RolloutSettingsColumns stored = e.rollout == null ? new RolloutSettingsColumns() : e.rollout;
        RolloutSettings s = stored.settings(RolloutSettings.defaults(config.rollout()), e.selector)
                .withFinalWave();
        return new Policy(
                e.name,
                "rest",
                e.autoRollout,
                s,
                new Policy.Promotion(
                        e.minAccuracy == null ? config.promotion().minAccuracy() : e.minAccuracy,
                        e.maxAccuracyDrop == null ? config.promotion().maxAccuracyDrop() : e.maxAccuracyDrop),
                e.updatedAt,
                e.updatedBy);
    }

    private Policy fromConfig(String name, DeploymentConfig.ModelRollout o) {
        return new Policy(
                name,
                "config",
                o.autoRollout().orElse(true),
                RolloutSettings.resolve(config.rollout(), name),
                new Policy.Promotion(
                        o.minAccuracy().orElse(config.promotion().minAccuracy()),
                        o.maxAccuracyDrop().orElse(config.promotion().maxAccuracyDrop())),
                null,
                null);
    }

    /** Field checks of a REST policy. */
    static final class PolicyValidation {
        private PolicyValidation() {}

        static List<FieldProblem> problems(String name, PolicySpec spec) {
            List<FieldProblem> p = new ArrayList<>();
            if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
                p.add(new FieldProblem(
                        "name",
                        "must be a model name or a prefix pattern ending in '*' (letters, digits, . _ : -, at most "
                                + MAX_NAME + " characters), was '" + abbreviate(name) + "'"));
            }
            if (spec == null) {
                p.add(new FieldProblem("body", "a policy object is required"));
                return p;
            }
            if (spec.selector() != null) {
                spec.selector().forEach((k, v) -> {
                    if (k == null || k.isBlank() || k.length() > MAX_NAME) {
                        p.add(new FieldProblem("selector", "label names must be 1 to " + MAX_NAME + " characters"));
                    } else if (v != null && v.length() > MAX_LABEL_VALUE) {
                        p.add(new FieldProblem("selector." + k, "must be at most " + MAX_LABEL_VALUE + " characters"));
                    } else if (k.startsWith(WavePlan.CAPABILITY)) {
                        p.add(new FieldProblem("selector." + k, "capabilities go in \"capabilities\""));
                    } else if (v == null) {
                        p.add(new FieldProblem("selector." + k, "must not be null"));
                    }
                });
            }
            PolicySpec.Capabilities c = spec.capabilities();
            if (c != null) {
                if (c.minRamMb() != null && c.minRamMb() < 0) {
                    p.add(new FieldProblem("capabilities.minRamMb", "must not be negative, was " + c.minRamMb()));
                }
                if (c.minStorageMb() != null && c.minStorageMb() < 0) {
                    p.add(new FieldProblem(
                            "capabilities.minStorageMb", "must not be negative, was " + c.minStorageMb()));
                }
            }
            PolicySpec.Rollout r = spec.rollout();
            if (r != null) {
                range(p, "rollout.canaryPercent", r.canaryPercent(), 0, 100);
                if (r.wavePercents() != null) {
                    int prev = 0;
                    for (Integer w : r.wavePercents()) {
                        if (w == null || w < 1 || w > 100 || w <= prev) {
                            p.add(new FieldProblem(
                                    "rollout.wavePercents",
                                    "must be in 1..100 and strictly increasing, was " + r.wavePercents()));
                            break;
                        }
                        prev = w;
                    }
                }
                atLeast(p, "rollout.soakTimeMs", r.soakTimeMs(), 0);
                range(p, "rollout.maxErrorRate", r.maxErrorRate(), 0, 1);
                if (r.maxLatencyP99Us() != null && !(r.maxLatencyP99Us() > 0)) {
                    p.add(new FieldProblem("rollout.maxLatencyP99Us", "must be positive, was " + r.maxLatencyP99Us()));
                }
                range(p, "rollout.maxPredictionShift", r.maxPredictionShift(), 0, 1);
                atLeast(p, "rollout.minInferences", r.minInferences(), 0);
                atLeast(p, "rollout.activationTimeoutMs", r.activationTimeoutMs(), 1);
                atLeast(p, "rollout.gateTimeoutMs", r.gateTimeoutMs(), 0);
                if (r.onNoTelemetry() != null
                        && !List.of(RolloutSettings.NO_TELEMETRY_FAIL, RolloutSettings.NO_TELEMETRY_PASS)
                                .contains(r.onNoTelemetry())) {
                    p.add(new FieldProblem(
                            "rollout.onNoTelemetry",
                            "must be \"fail\" or \"pass\", was \"" + r.onNoTelemetry() + "\""));
                }
            }
            if (spec.promotion() != null) {
                range(p, "promotion.minAccuracy", spec.promotion().minAccuracy(), 0, 1);
                range(p, "promotion.maxAccuracyDrop", spec.promotion().maxAccuracyDrop(), 0, 1);
            }
            return p;
        }

        private static void range(List<FieldProblem> p, String field, Number v, double min, double max) {
            if (v != null && !(v.doubleValue() >= min && v.doubleValue() <= max)) {
                p.add(new FieldProblem(field, "must be in " + fmt(min) + ".." + fmt(max) + ", was " + v));
            }
        }

        private static void atLeast(List<FieldProblem> p, String field, Long v, long min) {
            if (v != null && v < min) {
                p.add(new FieldProblem(field, (min == 0 ? "must not be negative" : "must be positive") + ", was " + v));
            }
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }
}
