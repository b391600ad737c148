package io.edgeloop.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The edge agent's device bundle as a device receives it: the {@code edgeloop-agent-*.tar.gz} the build made
 * (deploy/scripts/build-bundle.sh before the integration tests), unpacked into a directory of the test's.
 */
final class DeviceBundle {
    private DeviceBundle() {}

    /**
     * Unpacks the bundle built in {@code <home>/edge-agent/target} into {@code dir} with tar, as a user would.
     *
     * @return the bundle's root directory
     */
    static Path unpack(Path home, Path dir) throws IOException, InterruptedException {
        Path target = home.resolve("edge-agent/target");
        List<Path> archives;
        try (Stream<Path> files = Files.list(target)) {
            archives = files.filter(p -> p.getFileName().toString().matches("edgeloop-agent-.*\\.tar\\.gz"))
                    .toList();
        }
        if (archives.size() != 1) {
            throw new IllegalStateException("expected one device bundle in " + target + " (built by"
                    + " deploy/scripts/build-bundle.sh at pre-integration-test), found " + archives);
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archives.get(0).toString(), "-C", dir.toString())
                .redirectErrorStream(true)
                .start();
        if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException(
                    "tar failed: " + new String(tar.getInputStream().readAllBytes()));
        }
        return root(dir);
    }

    /** The bundle's root directory inside {@code dir}. */
    static Path root(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("nothing unpacked in " + dir));
        }
    }

    /** Removes {@code dir} and everything in it. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
