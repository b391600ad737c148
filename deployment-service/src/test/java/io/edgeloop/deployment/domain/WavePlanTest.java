package io.edgeloop.deployment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WavePlanTest {
    private static List<Integer> sizes(int n, int canary, List<Integer> waves) {
        List<String> ids =
                IntStream.range(0, n).mapToObj(i -> String.format("d%02d", i)).toList();
        List<List<String>> plan = WavePlan.waves(ids, canary, waves);
        assertEquals(ids, plan.stream().flatMap(List::stream).toList(), "every device once, in order");
        return plan.stream().map(List::size).toList();
    }

    @Test
    void splitsIntoCanaryAndWideningWaves() {
        assertEquals(List.of(1, 1), sizes(2, 50, List.of(100)), "the demo: 2 devices, canary 50%");
        assertEquals(List.of(1, 4, 5), sizes(10, 10, List.of(50, 100)));
        assertEquals(List.of(1, 2), sizes(3, 10, List.of(100)), "a canary is at least one device");
        assertEquals(List.of(3), sizes(3, 100, List.of(100)), "canary 100% = one wave");
        assertEquals(List.of(2, 2), sizes(4, 0, List.of(50)), "no canary; 100 appended");
        assertEquals(List.of(1), sizes(1, 50, List.of(60, 100)), "waves adding nobody are dropped");
        assertEquals(List.of(), sizes(0, 50, List.of(100)));
    }

    @Test
    void selectorsMatchAllTheirLabels() {
        assertTrue(WavePlan.matches(Map.of(), Map.of("site", "a")), "empty selector = all devices");
        assertTrue(WavePlan.matches(Map.of("site", "a"), Map.of("site", "a", "line", "2")));
        assertFalse(WavePlan.matches(Map.of("site", "a", "line", "1"), Map.of("site", "a", "line", "2")));
        assertFalse(WavePlan.matches(Map.of("site", "a"), Map.of()));
    }

    @Test
    void capabilitySelectorsMatchTheDevice() {
        DeviceProfile pi = new DeviceProfile("aarch64", 1024, 64, List.of("npu"));
        Map<String, String> labels = Map.of("site", "a");
        assertTrue(WavePlan.matches(
                Map.of("site", "a", "capability.architecture", "arm64", "capability.minRamMb", "512"), labels, pi));
        assertTrue(WavePlan.matches(Map.of("capability.accelerator", "NPU"), labels, pi));
        assertFalse(WavePlan.matches(Map.of("capability.minRamMb", "2048"), labels, pi));
        assertFalse(WavePlan.matches(Map.of("capability.architecture", "amd64"), labels, pi));
        assertFalse(WavePlan.matches(Map.of("capability.minStorageMb", "128"), labels, pi));
        assertFalse(WavePlan.matches(Map.of("site", "b", "capability.minRamMb", "1"), labels, pi));
    }

    @Test
    void settingsValidationListsEveryProblem() {
        RolloutSettings bad = new RolloutSettings(
                120,
                List.of(50, 40),
                Duration.ofSeconds(-1),
                2,
                0,
                0.5,
                -1,
                Duration.ZERO,
                Duration.ZERO,
                "maybe",
                Map.of());
        List<String> problems = bad.problems();
        assertEquals(8, problems.size(), problems.toString());
        RolloutSettings ok = new RolloutSettings(
                50,
                List.of(100),
                Duration.ofSeconds(5),
                0.05,
                250_000,
                0.5,
                0,
                Duration.ofMinutes(5),
                Duration.ofMinutes(2),
                "fail",
                Map.of());
        assertEquals(List.of(), ok.problems());
        assertEquals(List.of(50, 100), RolloutSettings.parseWavePercents("50, 100"));
    }
}
