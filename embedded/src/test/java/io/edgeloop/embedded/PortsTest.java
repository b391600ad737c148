package io.edgeloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ports.add(Ports.free());
        }
        assertEquals(50, ports.size(), "one JVM never hands out a port twice");
        java.nio.file.Path range = java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (java.nio.file.Files.isReadable(range)) {
            String low = java.nio.file.Files.readAllLines(range).get(0).trim().split("\\s+")[0];
            assertEquals(Integer.parseInt(low), Ports.ephemeralLow());
        }
        for (int port : ports) {
            if (Ports.ephemeralLow() >= 19_000) {
                assertTrue(port >= 10_000 && port < 19_000, "port " + port + " lies outside the ephemeral range");
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, s.getLocalPort());
            }
        }
    }
}
