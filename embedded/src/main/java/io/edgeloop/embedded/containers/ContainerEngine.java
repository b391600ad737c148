package io.edgeloop.embedded.containers;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** Whether a container engine answers, and if not, why: the container test layer skips saying so. */
public final class ContainerEngine {
    private static volatile Optional<String> unavailable;

    private ContainerEngine() {}

    /** Empty when Testcontainers reaches an engine; otherwise the reason, for a skip message. */
    public static synchronized Optional<String> unavailable() {
        if (unavailable == null) {
            try {
                DockerClientFactory.instance().client();
                unavailable = Optional.empty();
            } catch (RuntimeException | LinkageError e) {
                unavailable = Optional.of("no container engine reachable (" + e.getMessage()
                        + "); run deploy/containers/images.sh as root to install and start one");
            }
        }
        return unavailable;
    }

    /** A container's output so far, for failure messages; never throws (a container that never started has none). */
    static String logsOf(GenericContainer<?> container) {
        try {
            return container.getLogs();
        } catch (RuntimeException e) {
            return "(no logs: " + e.getMessage() + ")";
        }
    }
}
