package io.edgeloop.data.api;

import io.edgeloop.data.domain.SampleCandidate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The distinct sources of an ingest's rows, summed up for the ingest log ({@code a, b, c (+2 more)}). */
final class Sources {
    /** Sources named in a summary, at most. */
    static final int SHOWN = 3;

    private final Set<String> shown = new LinkedHashSet<>();
    private final Set<String> more = new java.util.HashSet<>();

    /** Notes the sources of {@code candidates}. */
    synchronized void addAll(List<SampleCandidate> candidates) {
        for (SampleCandidate c : candidates) {
            String s = c == null ? null : c.source();
            if (s == null || s.isEmpty() || shown.contains(s)) {
                continue;
            }
            if (shown.size() < SHOWN) {
                shown.add(s);
            } else if (more.size() < 10_000) {
                more.add(s);
            }
        }
    }

    /** {@code a, b, c (+n more)}; null when no row named one. */
    synchronized String summary() {
        if (shown.isEmpty()) {
            return null;
        }
        return String.join(", ", shown) + (more.isEmpty() ? "" : " (+" + more.size() + " more)");
    }
}
