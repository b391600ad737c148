package io.edgeloop.monitoring.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {
    private record Settings(double threshold, double alpha, int minSamples, int bufferSize, int referenceSampleSize)
            implements MonitoringConfig {
        @Override
        public Duration datasetTimeout() {
            return Duration.ofSeconds(120);
        }

        @Override
        public int datasetRetries() {
            return 5;
        }

        @Override
        public Drift drift() {
            return () -> true;
        }
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
}
