package io.edgeloop.console.web;

import io.edgeloop.console.events.EventFeed;
import io.edgeloop.console.events.LoopEvent;
import java.util.List;

/**
 * The overview's event stream part.
 *
 * @param live whether the console reads the event topics (the page's script then follows {@code /events/stream})
 * @param state how reading goes, in words
 * @param events the kept events, the latest to occur first
 * @param lastSeq the sequence number of the last event kept: the stream sends what comes after it
 * @param capacity at most this many rows are shown
 */
public record EventsView(boolean live, String state, List<LoopEvent> events, long lastSeq, int capacity) {
    /** The feed as the page shows it. */
    public static EventsView of(EventFeed feed) {
        long last = feed.lastSeq();
        List<LoopEvent> events = feed.recent();
        String state = switch (feed.state()) {
            case OFF -> "Live event stream off: " + feed.detail() + ".";
            case READING ->
                "Live: " + feed.detail() + " (the " + feed.capacity()
                        + " most recent kept, new ones appear at the top).";
            case FAILING -> "Reconnecting: " + feed.detail() + ".";
        };
        return new EventsView(feed.state() != EventFeed.State.OFF, state, events, last, feed.capacity());
    }
}
