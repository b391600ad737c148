package io.edgeloop.monitoring.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {
    private record Settings(
            double threshold,
            double alpha,
            int minSamples,
            int bufferSize,
            int referenceSampleSize,
            Telemetry telemetry,
            Drift drift)
            implements MonitoringConfig {
        Settings(double threshold, double alpha, int minSamples, int bufferSize, int referenceSampleSize) {
            this(threshold, alpha, minSamples, bufferSize, referenceSampleSize, batches(64, 2, Duration.ofSeconds(30)));
        }

        Settings(
                double threshold,
                double alpha,
                int minSamples,
                int bufferSize,
                int referenceSampleSize,
                Telemetry telemetry) {
            this(threshold, alpha, minSamples, bufferSize, referenceSampleSize, telemetry, DriftSettings.DEFAULTS);
        }

        @Override
        public Duration datasetTimeout() {
            return Duration.ofSeconds(120);
        }

        @Override
        public int datasetRetries() {
            return 5;
        }

        @Override
        public Performance performance() {
            return PerformanceSettings.DEFAULTS;
        }

        @Override
        public ActiveLearning activeLearning() {
            return () -> false;
        }

        @Override
        public DriftHistory driftHistory() {
            return HistorySettings.DEFAULTS;
        }
    }

    private record HistorySettings(Duration minInterval, Duration retention, int maxRows, Duration trimInterval)
            implements MonitoringConfig.DriftHistory {
        static final HistorySettings DEFAULTS =
                new HistorySettings(Duration.ofMinutes(1), Duration.ofDays(30), 10_000, Duration.ofHours(1));
    }

    /** {@code base} with other drift history settings. */
    private record WithHistory(Settings base, DriftHistory driftHistory) implements MonitoringConfig {
        public double threshold() {
            return base.threshold();
        }

        public double alpha() {
            return base.alpha();
        }

        public int minSamples() {
            return base.minSamples();
        }

        public int bufferSize() {
            return base.bufferSize();
        }

        public int referenceSampleSize() {
            return base.referenceSampleSize();
        }

        public Duration datasetTimeout() {
            return base.datasetTimeout();
        }

        public int datasetRetries() {
            return base.datasetRetries();
        }

        public Drift drift() {
            return base.drift();
        }

        public Telemetry telemetry() {
            return base.telemetry();
        }

        public Performance performance() {
            return base.performance();
        }

        public ActiveLearning activeLearning() {
            return base.activeLearning();
        }
    }

    @Test
    void driftHistorySettingsAreChecked() {
        Settings base = new Settings(0.25, 0.001, 300, 2000, 2000);
        assertEquals(List.of(), ConfigCheck.problems(new WithHistory(base, HistorySettings.DEFAULTS)));
        assertEquals(
                List.of(),
                ConfigCheck.problems(new WithHistory(
                        base, new HistorySettings(Duration.ZERO, Duration.ofDays(1), 1, Duration.ofMinutes(1)))),
                "a min-interval of 0 records every evaluation");
        assertEquals(
                List.of(),
                ConfigCheck.problems(new WithHistory(
                        base, new HistorySettings(Duration.ofMinutes(1), Duration.ofDays(1), 1, Duration.ZERO))),
                "a trim-interval of 0 turns the periodic trim off");
        List<String> problems = ConfigCheck.problems(new WithHistory(
                base, new HistorySettings(Duration.ofSeconds(-1), Duration.ZERO, 0, Duration.ofSeconds(-1))));
        assertEquals(4, problems.size(), problems.toString());
        for (String key : List.of(
                "drift-history.min-interval",
                "drift-history.retention",
                "drift-history.max-rows",
                "drift-history.trim-interval")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " in " + problems);
        }
    }

    private record PerformanceSettings(
            int minLabelled,
            double margin,
            double alpha,
            Duration retention,
            Duration trimInterval,
            int confidenceWindow,
            Duration registryTimeout)
            implements MonitoringConfig.Performance {
        @Override
        public boolean labelledSamples() {
            return true;
        }

        static final PerformanceSettings DEFAULTS = new PerformanceSettings(
                100, 0.05, 0.01, Duration.ofDays(30), Duration.ofHours(1), 200, Duration.ofSeconds(10));
    }

    /** {@code base} with other performance settings. */
    private record WithPerformance(Settings base, Performance performance) implements MonitoringConfig {
        public double threshold() {
            return base.threshold();
        }

        public double alpha() {
            return base.alpha();
        }

        public int minSamples() {
            return base.minSamples();
        }

        public int bufferSize() {
            return base.bufferSize();
        }

        public int referenceSampleSize() {
            return base.referenceSampleSize();
        }

        public Duration datasetTimeout() {
            return base.datasetTimeout();
        }

        public int datasetRetries() {
            return base.datasetRetries();
        }

        public Drift drift() {
            return base.drift();
        }

        public Telemetry telemetry() {
            return base.telemetry();
        }

        public ActiveLearning activeLearning() {
            return base.activeLearning();
        }

        public DriftHistory driftHistory() {
            return base.driftHistory();
        }
    }

    @Test
    void performanceSettingsAreChecked() {
        Settings base = new Settings(0.25, 0.001, 300, 2000, 2000);
        assertEquals(List.of(), ConfigCheck.problems(base));
        assertEquals(
                List.of(),
                ConfigCheck.problems(new WithPerformance(
                        base,
                        new PerformanceSettings(
                                100, 0.05, 0.01, Duration.ofDays(30), Duration.ZERO, 200, Duration.ofSeconds(10)))),
                "a trim-interval of 0 turns the periodic trim off");
        List<String> problems = ConfigCheck.problems(new WithPerformance(
                base, new PerformanceSettings(0, 1.0, 0, Duration.ZERO, Duration.ofSeconds(-1), 1, Duration.ZERO)));
        assertEquals(7, problems.size(), problems.toString());
        for (String key : List.of(
                "performance.min-labelled",
                "performance.margin",
                "performance.alpha",
                "performance.retention",
                "performance.trim-interval",
                "performance.confidence-window",
                "performance.registry-timeout")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " in " + problems);
        }
    }

    private record DriftSettings(
            boolean includeSimulated,
            String method,
            int ksMaxRows,
            double featurePValue,
            double distanceThreshold,
            double share,
            boolean liveBaselineAfterDrift,
            int liveBaselineRows)
            implements MonitoringConfig.Drift {
        static final DriftSettings DEFAULTS = new DriftSettings(true, "ks-max", 1000, 0.05, 0.1, 0.5, true, 500);
    }

    @Test
    void driftRuleSettingsAreChecked() {
        assertEquals(
                List.of(),
                ConfigCheck.problems(new Settings(
                        0.25,
                        0.001,
                        300,
                        2000,
                        2000,
                        batches(64, 2, Duration.ofSeconds(30)),
                        new DriftSettings(true, "feature-share", 1000, 0.05, 0.1, 0.5, true, 300))));
        List<String> p = ConfigCheck.problems(new Settings(
                0.25,
                0.001,
                300,
                2000,
                2000,
                batches(64, 2, Duration.ofSeconds(30)),
                new DriftSettings(true, "evidently", 0, 1, 0, 0, true, 2001)));
        assertEquals(
                List.of(
                        "drift.live-baseline-rows must be in [min-samples, buffer-size] = [300, 2000], was 2001",
                        "drift.method must be ks-max or feature-share, was 'evidently'",
                        "drift.ks-max-rows must be >= 1, was 0",
                        "drift.feature-p-value must be in (0, 1), was 1.0",
                        "drift.distance-threshold must be > 0, was 0.0",
                        "drift.share must be in (0, 1], was 0.0"),
                p);
    }

    @Test
    void defaultsAreValid() {
        assertEquals(List.of(), ConfigCheck.problems(new Settings(0.25, 0.001, 300, 2000, 2000)));
    }

    @Test
    void everyBadSettingIsReported() {
        List<String> p = ConfigCheck.problems(new Settings(0, 1, 500, 400, 5));
        assertEquals(4, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("threshold"));
        assertTrue(p.get(1).startsWith("alpha"));
        assertTrue(p.get(2).startsWith("buffer-size must be >= min-samples"));
        assertTrue(p.get(3).startsWith("reference-sample-size"));
    }

    @Test
    void badTelemetryBatchSettingsAreReported() {
        List<String> p =
                ConfigCheck.problems(new Settings(0.25, 0.001, 300, 2000, 2000, batches(0, 17, Duration.ZERO)));
        assertEquals(
                List.of(
                        "telemetry.batch-size must be 1 to 1000, was 0",
                        "telemetry.committers must be 1 to 16, was 17",
                        "telemetry.timeout must be positive, was PT0S"),
                p);
    }

    private static MonitoringConfig.Telemetry batches(int size, int committers, Duration timeout) {
        return new MonitoringConfig.Telemetry() {
            @Override
            public int batchSize() {
                return size;
            }

            @Override
            public int committers() {
                return committers;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }
        };
    }
}
