package io.edgeloop.console.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.common.Topics;
import io.edgeloop.console.events.LoopEvent.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Events as the overview shows them (links, words, trace) and the feed that keeps and streams them. */
class LoopEventsTest {
    private static final LoopEvents WITH_ZIPKIN =
            new LoopEvents(Optional.of("http://zipkin.test:9411/zipkin/traces/{traceId}"));

    @Test
    void eachEventLinksTheObjectsItIsAbout() {
        LoopEvent ready =
                WITH_ZIPKIN.of(Topics.DATA_READY, TestEvents.dataReady(0).toByteArray(), null, 0);
        assertEquals("DataReady", ready.type());
        assertEquals(List.of(new Link("data set motion", "/datasets/motion")), ready.links());
        assertEquals(
                "snapshot motion@v3 (drift): 80 train, 10 validation, 10 test samples of 3 classes", ready.summary());
        assertEquals("2026-12-07T03:00:00Z", ready.occurredAt());
        assertEquals("2026-12-07 03:00:00Z", ready.time());
        assertEquals("data-service", ready.producer());
        assertEquals(TestEvents.traceId(1), ready.traceId());
        assertEquals("http://zipkin.test:9411/zipkin/traces/" + TestEvents.traceId(1), ready.traceUrl());

        LoopEvent trained =
                WITH_ZIPKIN.of(Topics.MODEL_TRAINED, TestEvents.modelTrained(1).toByteArray(), null, 0);
        assertEquals(
                List.of(
                        new Link("model motion v3", "/models/motion?version=3"),
                        new Link("training run run-7", "/training/run-7"),
                        new Link("data set motion", "/datasets/motion")),
                trained.links());
        assertEquals("trained on motion@v3 in 12 epochs (mlp-16): test accuracy 95.5 %", trained.summary());

        LoopEvent optimized = WITH_ZIPKIN.of(
                Topics.MODEL_OPTIMIZED, TestEvents.modelOptimized(2).toByteArray(), null, 0);
        assertEquals(List.of(new Link("model motion v3", "/models/motion?version=3")), optimized.links());
        assertEquals("1 variants, recommended motion-v3-cpu-int8; float accuracy 96.0 %", optimized.summary());

        LoopEvent deployed =
                WITH_ZIPKIN.of(Topics.DEPLOYED, TestEvents.deployed(3).toByteArray(), null, 0);
        assertEquals(
                new Link("rollout r-1", "/fleet#rollout-r-1"), deployed.links().get(0));
        assertEquals("wave (wave 1 of 2): motion-v3-cpu-int8 on 2 of 3 devices", deployed.summary());

        LoopEvent drift = WITH_ZIPKIN.of(
                Topics.DRIFT_DETECTED,
                TestEvents.driftDetected(4, TestEvents.traceId(2)).toByteArray(),
                null,
                0);
        assertEquals(
                new Link("drift of motion", "/monitoring/motion"), drift.links().get(0));
        assertEquals(
                "score 0.3100 against threshold 0.2000 (ks-2sample-max+psi-deciles), 0 features, 300 rows from 1"
                        + " devices",
                drift.summary());
    }

    @Test
    void traceFromTheRecordHeaderWhenTheMetaHasNoneAndNoLinkWithoutATraceUi() {
        byte[] noTrace = TestEvents.driftDetected(0, "").toByteArray();
        String header = "00-" + TestEvents.traceId(9) + "-00f067aa0ba902b7-01";
        LoopEvent e = new LoopEvents(Optional.empty()).of(Topics.DRIFT_DETECTED, noTrace, header, 0);
        assertEquals(TestEvents.traceId(9), e.traceId());
        assertNull(e.traceUrl());
        LoopEvent none = WITH_ZIPKIN.of(Topics.DRIFT_DETECTED, noTrace, null, 0);
        assertEquals("", none.traceId());
        assertNull(none.traceUrl(), "no trace, no link");
    }

    @Test
    void namesThatAreNoNamesGetNoLink() {
        var odd = TestEvents.deployed(0).toBuilder().setRolloutId("r 1/../x").build();
        LoopEvent e = WITH_ZIPKIN.of(Topics.DEPLOYED, odd.toByteArray(), null, 0);
        assertEquals(new Link("rollout r 1/../x", null), e.links().get(0));
    }

    @Test
    void poisonRecordsAndOtherTopicsAreRefused() {
        assertThrows(RuntimeException.class, () -> WITH_ZIPKIN.of(Topics.DATA_READY, new byte[] {1, 2, 3}, null, 0));
        byte[] invalid =
                TestEvents.dataReady(0).toBuilder().setDatasetName("").build().toByteArray();
        assertThrows(RuntimeException.class, () -> WITH_ZIPKIN.of(Topics.DATA_READY, invalid, null, 0));
        assertFalse(LoopEvents.known("data-ready-dlq"));
        assertTrue(LoopEvents.known(Topics.SAMPLE_CAPTURED));
    }

    @Test
    void theFeedKeepsTheMostRecentOnceAndStreamsAfterASequenceNumber() {
        EventFeed feed = new EventFeed(3);
        List<LoopEvent> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(WITH_ZIPKIN.of(Topics.DATA_READY, TestEvents.dataReady(i).toByteArray(), null, 0));
        }
        // arrival order differs from occurrence order: the page shows the latest to occur first
        assertTrue(feed.add(events.get(1)));
        assertTrue(feed.add(events.get(0)));
        assertFalse(feed.add(events.get(0)), "an event id seen twice is kept once");
        assertTrue(feed.add(events.get(2)));
        assertEquals(3, feed.lastSeq());
        assertEquals(
                List.of(
                        events.get(2).eventId(),
                        events.get(1).eventId(),
                        events.get(0).eventId()),
                feed.recent().stream().map(LoopEvent::eventId).toList());

        List<LoopEvent> streamed = new ArrayList<>();
        var subscription = feed.stream(2).subscribe().with(streamed::add);
        assertEquals(List.of(3L), streamed.stream().map(LoopEvent::seq).toList(), "kept events after 2 first");
        assertTrue(feed.add(events.get(3)));
        assertEquals(List.of(3L, 4L), streamed.stream().map(LoopEvent::seq).toList(), "then the new one");
        assertEquals(3, feed.recent().size(), "the oldest dropped beyond the capacity");
        assertFalse(feed.recent().stream().anyMatch(e -> e.seq() == 1));
        assertEquals(1, feed.streams());
        subscription.cancel();
        assertEquals(0, feed.streams());

        // a number beyond the last one (the console restarted): every kept event
        List<LoopEvent> all = new ArrayList<>();
        feed.stream(99).subscribe().with(all::add);
        assertEquals(List.of(2L, 3L, 4L), all.stream().map(LoopEvent::seq).toList());
    }
}
