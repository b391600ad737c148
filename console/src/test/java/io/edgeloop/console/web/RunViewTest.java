package io.edgeloop.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.console.clients.TrainingViews;
import io.edgeloop.console.clients.TrainingViews.Epoch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run page's learning curve and hyperparameters. */
class RunViewTest {
    @Test
    void theCurveIsTheLatestAttemptsAndTheSummaryNamesTheBestEpoch() {
        List<Epoch> epochs = List.of(
                epoch(1, 1, 0.9, 0.8),
                epoch(1, 2, 0.7, 0.6),
                epoch(2, 1, 0.8, 0.7),
                epoch(2, 2, 0.6, 0.5),
                epoch(2, 3, 0.5, 0.55));
        RunView view = RunView.of(run("RUNNING", null, Map.of("maxEpochs", 8)), epochs);
        assertTrue(view.live());
        assertTrue(view.curve().startsWith("{\"attempt\":2,\"epochs\":[{\"attempt\":2,"), view.curve());
        assertFalse(view.curve().contains("\"attempt\":1"), view.curve());
        assertEquals("3 epochs of attempt 2, lowest validation loss 0.5000 at epoch 2", view.curveSummary());
        assertEquals(List.of(new RunView.Param("maxEpochs", "8")), view.hyperparameters());
    }

    @Test
    void aRunWithoutEpochsSaysSoAndShowsTheRequestedSpecUntilItHasAnEffectiveOne() {
        Map<String, Object> requested = new LinkedHashMap<>();
        requested.put("hiddenUnits", List.of(8, 4));
        requested.put("augmentation", Map.of("noiseStd", 0.1));
        RunView queued = RunView.of(run("QUEUED", requested, null), List.of());
        assertTrue(queued.live());
        assertEquals("no epoch finished yet", queued.curveSummary());
        assertEquals("{\"attempt\":0,\"epochs\":[]}", queued.curve());
        assertEquals(
                List.of(
                        new RunView.Param("hiddenUnits", "[8, 4]"),
                        new RunView.Param("augmentation", "{noiseStd=0.1}")),
                queued.hyperparameters());
        RunView failed = RunView.of(run("FAILED", null, null), List.of());
        assertFalse(failed.live());
        assertEquals("no epochs recorded for this run", failed.curveSummary());
        assertEquals(List.of(), failed.hyperparameters());
    }

    private static Epoch epoch(int attempt, int epoch, double trainLoss, double validationLoss) {
        return new Epoch(attempt, epoch, null, epoch, 8, trainLoss, validationLoss, 0.5, 0.01, 0.2);
    }

    private static TrainingViews.Run run(String status, Map<String, Object> requested, Map<String, Object> spec) {
        return new TrainingViews.Run(
                "r1", "d", 1, "api", status, null, 8, null, null, null, null, null, "d", null, null, null, null, null,
                null, null, spec, requested, null);
    }
}
