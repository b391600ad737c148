package io.edgeloop.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A directory holding only the shell tools a device bundle's start script uses, linked from this machine, to be
 * the whole PATH of an agent started from the bundle: a device with no Java installed.
 */
final class ShellTools {
    /** What {@code bin/edgeloop-agent} runs besides its own runtime. */
    static final List<String> TOOLS = List.of("sh", "grep", "tr", "dirname", "mkdir");

    private ShellTools() {}

    /** Creates (or reuses) {@code <parent>/path-tools} with a link to each of {@link #TOOLS}; returns it. */
    static Path link(Path parent) throws IOException {
        Path dir = parent.resolve("path-tools");
        Files.createDirectories(dir);
        for (String tool : TOOLS) {
            Path link = dir.resolve(tool);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, locate(tool));
            }
        }
        return dir;
    }

    private static Path locate(String tool) {
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + tool + " in /usr/bin or /bin");
    }
}
