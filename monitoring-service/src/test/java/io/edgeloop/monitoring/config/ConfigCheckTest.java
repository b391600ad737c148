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
    }

    private record DriftSettings(
            boolean includeSimulated,
            String method,
            int ksMaxRows,
            double featurePValue,
            double distanceThreshold,
            double share)
            implements MonitoringConfig.Drift {
        static final DriftSettings DEFAULTS = new DriftSettings(true, "ks-max", 1000, 0.05, 0.1, 0.5);
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
                        new DriftSettings(true, "feature-share", 1000, 0.05, 0.1, 0.5))));
        List<String> p = ConfigCheck.problems(new Settings(
                0.25,
                0.001,
                300,
                2000,
                2000,
                batches(64, 2, Duration.ofSeconds(30)),
                new DriftSettings(true, "evidently", 0, 1, 0, 0)));
        assertEquals(
                List.of(
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
