package io.edgeloop.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers started later, by this JVM or a child process.
 *
 * <p>A port the kernel hands out for {@code bind(0)} lies in the ephemeral range, where every outgoing connection of
 * every process also takes its local port: between the probe and the server's own bind, a Kafka or JDBC client can
 * take it (seen in CI: a service's gRPC server lost its port, and Quarkus only logs that). Ports are therefore drawn
 * from {@code 10000-18999}, below the ephemeral range and the Quarkus test ports (19xxx, 29xxx), and never handed out
 * twice by one JVM. Where the system's ephemeral range starts below that band, the kernel's choice is used.
 */
public final class Ports {
    private static final int LOW = 10_000;
    private static final int HIGH = 19_000;
    private static final int TRIES = 200;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private Ports() {}

    /** A TCP port free on 127.0.0.1 at the time of the call, outside the ephemeral range where possible. */
    public static int free() {
        if (EPHEMERAL_LOW >= HIGH) {
            for (int i = 0; i < TRIES; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
                if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
                    return port;
                }
            }
        }
        return kernelChoice();
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChoice() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The first port of the kernel's ephemeral range (Linux); 32768, the common default, elsewhere. */
    static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (Files.isReadable(range)) {
                // read by line: Files.readString trusts the size procfs reports and returns only the first byte
                try (java.io.BufferedReader r = Files.newBufferedReader(range)) {
                    String line = r.readLine();
                    return line == null ? 32_768 : Integer.parseInt(line.trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: assume the default
        }
        return 32_768;
    }
}
