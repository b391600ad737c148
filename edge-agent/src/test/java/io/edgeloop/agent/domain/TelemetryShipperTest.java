package io.edgeloop.agent.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.proto.telemetry.v1.TelemetryAck;
import io.edgeloop.proto.telemetry.v1.TelemetryBatchResult;
import io.edgeloop.proto.telemetry.v1.TelemetryWindow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk telemetry queue: offline buffering, in-order delivery exactly once, restarts, torn writes, bound. */
class TelemetryShipperTest {
    private static final ModelDescriptor MODEL =
            new ModelDescriptor("dep-7", "vibration", 3, "v3-fp32", "a", "onnx", List.of(), 0, null);

    @TempDir
    Path dir;

    /** A stand-in of TelemetryService.Report that is down until {@link #up} is set; records what it received. */
    private static final class Monitoring implements TelemetryShipper.Sender {
        boolean up;
        /** When true, the next delivered window is received but its ack is lost. */
        boolean loseNextAck;

        final List<TelemetryWindow> received = new ArrayList<>();

        @Override
        public TelemetryAck send(TelemetryWindow window) {
            if (!up) {
                throw Status.UNAVAILABLE.withDescription("monitoring down").asRuntimeException();
            }
            received.add(window);
            if (loseNextAck) {
                loseNextAck = false;
                throw Status.DEADLINE_EXCEEDED.withDescription("ack lost").asRuntimeException();
            }
            return TelemetryAck.newBuilder().setAccepted(true).build();
        }
    }

    private static TelemetryAccumulator accumulator() {
        return new TelemetryAccumulator("edge-3", 4, 10, new Random(1), Clock.systemUTC());
    }

    /** One window of {@code n} inferences. */
    private static void infer(TelemetryAccumulator acc, int n) {
        for (int i = 0; i < n; i++) {
            acc.record(MODEL, new float[] {i, 2 * i}, "normal", 10);
        }
    }

    private static List<Long> counts(List<TelemetryWindow> windows) {
        return windows.stream().map(TelemetryWindow::getInferenceCount).toList();
    }

    @Test
    void windowsProducedOfflineAreDeliveredExactlyOnceInOrderAcrossARestart() throws IOException {
        Monitoring monitoring = new Monitoring();
        List<Long> acks = new ArrayList<>();

        TelemetrySpool spool = new TelemetrySpool(dir, 100);
        TelemetryAccumulator acc = accumulator();
        TelemetryShipper shipper = new TelemetryShipper(acc, spool);
        for (int w = 1; w <= 3; w++) {
            infer(acc, w);
            assertThrows(StatusRuntimeException.class, () -> shipper.ship(monitoring, a -> acks.add(1L)));
        }
        assertEquals(3, spool.size());
        // the agent stops with a window in progress: shutdown spools it
        infer(acc, 4);
        shipper.spoolClosedWindows();
        spool.close();

        // restart: a new process finds the four windows on disk, produces more while still offline
        TelemetrySpool reopened = new TelemetrySpool(dir, 100);
        assertEquals(4, reopened.size());
        TelemetryAccumulator acc2 = accumulator();
        TelemetryShipper shipper2 = new TelemetryShipper(acc2, reopened);
        infer(acc2, 5);
        assertThrows(StatusRuntimeException.class, () -> shipper2.ship(monitoring, a -> acks.add(1L)));
        assertTrue(monitoring.received.isEmpty());

        monitoring.up = true;
        assertEquals(5, shipper2.ship(monitoring, a -> acks.add(1L)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), counts(monitoring.received), "every window once, oldest first");
        assertEquals(
                5,
                new HashSet<>(monitoring.received.stream()
                                .map(TelemetryWindow::getWindowId)
                                .toList())
                        .size());
        assertTrue(
                monitoring.received.stream().allMatch(w -> w.getDeploymentId().equals("dep-7")));
        assertEquals(5, acks.size());
        assertEquals(0, reopened.size());

        // nothing is sent again, also not after another restart
        assertEquals(0, shipper2.ship(monitoring, a -> {}));
        reopened.close();
        TelemetrySpool again = new TelemetrySpool(dir, 100);
        assertEquals(0, again.size());
        assertEquals(1, segments().size(), "delivered segments are removed");
        again.close();
    }

    /**
     * A spool of several windows (after an outage) goes out in batches of the oldest, in order; a window the batch
     * refuses is dropped; a failed batch call leaves its windows spooled; the last window goes alone.
     */
    @Test
    void aBacklogIsDeliveredInBatchesOfTheOldest() throws IOException {
        Monitoring monitoring = new Monitoring();
        monitoring.up = true;
        TelemetrySpool spool = new TelemetrySpool(dir, 100);
        TelemetryAccumulator acc = accumulator();
        TelemetryShipper shipper = new TelemetryShipper(acc, spool);
        for (int n = 1; n <= 6; n++) {
            infer(acc, n);
            shipper.spoolClosedWindows();
        }
        List<List<Long>> calls = new ArrayList<>();
        boolean[] down = {true};
        TelemetryShipper.BatchSender batch = windows -> {
            if (down[0]) {
                throw Status.UNAVAILABLE.withDescription("monitoring down").asRuntimeException();
            }
            calls.add(counts(windows));
            List<TelemetryBatchResult> out = new ArrayList<>();
            for (TelemetryWindow w : windows) {
                TelemetryBatchResult.Builder r =
                        TelemetryBatchResult.newBuilder().setWindowId(w.getWindowId());
                out.add(
                        w.getInferenceCount() == 3
                                ? r.setRefused("window 3 is refused").build()
                                : r.setAck(monitoring.send(w)).build());
            }
            return out;
        };
        assertThrows(StatusRuntimeException.class, () -> shipper.ship(monitoring, batch, 2, a -> {}));
        assertEquals(6, spool.size(), "a failed batch leaves its windows spooled");
        down[0] = false;
        List<TelemetryAck> acks = new ArrayList<>();
        assertEquals(5, shipper.ship(monitoring, batch, 2, acks::add));
        assertEquals(List.of(List.of(1L, 2L), List.of(3L, 4L), List.of(5L, 6L)), calls);
        assertEquals(List.of(1L, 2L, 4L, 5L, 6L), counts(monitoring.received), "the refused window 3 is dropped");
        assertEquals(5, acks.size());
        assertEquals(1, shipper.dropped());
        assertEquals(0, spool.size());
        infer(acc, 7);
        assertEquals(1, shipper.ship(monitoring, batch, 2, acks::add));
        assertEquals(3, calls.size(), "one waiting window goes with Report, not in a batch");
        spool.close();
    }

    @Test
    void aWindowRefusedForGoodIsDroppedAndDoesNotHoldBackTheOthers() throws IOException {
        Monitoring monitoring = new Monitoring();
        monitoring.up = true;
        TelemetrySpool spool = new TelemetrySpool(dir, 100);
        TelemetryAccumulator acc = accumulator();
        TelemetryShipper shipper = new TelemetryShipper(acc, spool);
        for (int n = 1; n <= 3; n++) {
            infer(acc, n);
            shipper.spoolClosedWindows();
        }
        TelemetryShipper.Sender refusesTheSecond = w -> {
            if (w.getInferenceCount() == 2) {
                throw new TelemetryRejectedException("window_start is more than 5 minutes in the future", null);
            }
            return monitoring.send(w);
        };
        assertEquals(2, shipper.ship(refusesTheSecond, a -> {}));
        assertEquals(List.of(1L, 3L), counts(monitoring.received));
        assertEquals(1, shipper.dropped());
        assertEquals(0, spool.size(), "nothing is left to send again");
        spool.close();
    }

    @Test
    void aWindowWhoseAckWasLostIsResentWithTheSameIdAndNothingElseRepeats() throws IOException {
        Monitoring monitoring = new Monitoring();
        monitoring.up = true;
        TelemetrySpool spool = new TelemetrySpool(dir, 100);
        TelemetryAccumulator acc = accumulator();
        TelemetryShipper shipper = new TelemetryShipper(acc, spool);
        infer(acc, 1);
        shipper.spoolClosedWindows();
        infer(acc, 2);
        shipper.spoolClosedWindows();
        monitoring.loseNextAck = true;
        assertThrows(StatusRuntimeException.class, () -> shipper.ship(monitoring, a -> {}));
        spool.close();

        TelemetrySpool reopened = new TelemetrySpool(dir, 100);
        assertEquals(2, new TelemetryShipper(accumulator(), reopened).ship(monitoring, a -> {}));
        List<String> ids =
                monitoring.received.stream().map(TelemetryWindow::getWindowId).toList();
        assertEquals(List.of(1L, 1L, 2L), counts(monitoring.received));
        assertEquals(ids.get(0), ids.get(1), "the re-sent window keeps its id (the server dedupes on it)");
        reopened.close();
    }

    @Test
    void aTornRecordAtTheEndIsCutOffAndTheRestSurvives() throws IOException {
        TelemetrySpool spool = new TelemetrySpool(dir, 100);
        spool.append(window("w1", 1));
        spool.append(window("w2", 2));
        spool.close();
        // a crash in the middle of an append: a length header and half a body
        Path segment = segments().get(0);
        Files.write(segment, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 9, 9}, StandardOpenOption.APPEND);

        TelemetrySpool reopened = new TelemetrySpool(dir, 100);
        assertEquals(2, reopened.size());
        reopened.append(window("w3", 3));
        List<String> ids = new ArrayList<>();
        while (reopened.peek().isPresent()) {
            String id = reopened.peek().get().getWindowId();
            ids.add(id);
            assertTrue(reopened.acknowledge(id));
        }
        assertEquals(List.of("w1", "w2", "w3"), ids);
        reopened.close();
    }

    @Test
    void theSpoolIsBoundedAndOnlyTheOldestCanBeAcknowledged() throws IOException {
        TelemetrySpool spool = new TelemetrySpool(dir, 3);
        for (int i = 1; i <= 5; i++) {
            spool.append(window("w" + i, i));
        }
        assertEquals(3, spool.size());
        assertEquals(2, spool.droppedWindows());
        assertEquals("w3", spool.peek().orElseThrow().getWindowId());
        assertEquals(false, spool.acknowledge("w4"), "a stale or out-of-order ack removes nothing");
        assertTrue(spool.acknowledge("w3"));
        spool.close();

        TelemetrySpool reopened = new TelemetrySpool(dir, 3);
        assertEquals(2, reopened.size());
        assertEquals("w4", reopened.peek().orElseThrow().getWindowId());
        reopened.close();
    }

    private static TelemetryWindow window(String id, long count) {
        return TelemetryWindow.newBuilder()
                .setWindowId(id)
                .setDeviceId("edge-3")
                .setInferenceCount(count)
                .build();
    }

    private List<Path> segments() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "segment-*.log")) {
            s.forEach(files::add);
        }
        return files;
    }
}
