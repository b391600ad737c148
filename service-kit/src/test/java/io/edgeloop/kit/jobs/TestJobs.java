package io.edgeloop.kit.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The test's job kind: its payload says what an attempt does ("ok", "fail-2" = fail twice then ok, "never", "bad"). */
@ApplicationScoped
public class TestJobs implements JobHandler {
    static final String KIND = "kit-test";

    final List<String> completed = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /** How many times {@code key} completed (fields of a client proxy are not the bean's: use methods). */
    long completions(String key) {
        return completed.stream().filter(key::equals).count();
    }

    /** Attempts seen for {@code key}, 0 when none. */
    int attemptsOf(String key) {
        AtomicInteger n = attempts.get(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job) {
        int attempt =
                attempts.computeIfAbsent(job.key(), k -> new AtomicInteger()).incrementAndGet();
        String what = new String(job.payload(), java.nio.charset.StandardCharsets.UTF_8);
        switch (what) {
            case "never" -> throw new IllegalStateException("peer unavailable");
            case "bad" -> throw new PermanentJobFailure("input can never work");
            default -> {
                if (what.startsWith("fail-") && attempt <= Integer.parseInt(what.substring(5))) {
                    throw new IllegalStateException("transient failure " + attempt);
                }
            }
        }
        completed.add(job.key());
    }
}
