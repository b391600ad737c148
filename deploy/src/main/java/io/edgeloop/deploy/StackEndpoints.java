package io.edgeloop.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a running stack's services answer, kept in {@code <work dir>/endpoints.properties} ({@code
 * <service>=http://host:port}) so that commands such as {@code edgeloop ops} find them.
 */
final class StackEndpoints {
    static final String FILE = "endpoints.properties";

    private StackEndpoints() {}

    /** Writes the services' base URLs. */
    static void write(Path workDir, Map<String, String> urls) throws IOException {
        Properties p = new Properties();
        p.putAll(new TreeMap<>(urls));
        try (Writer w = Files.newBufferedWriter(workDir.resolve(FILE))) {
            p.store(w, "base URLs of the stack's services (written by edgeloop up)");
        }
    }

    /** The services' base URLs, by service name, in name order. */
    static Map<String, String> read(Path workDir) {
        Path file = workDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FILE + " under " + workDir + ": is a stack running there?");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> urls = new LinkedHashMap<>();
        new TreeMap<>(p).forEach((k, v) -> urls.put((String) k, (String) v));
        return urls;
    }
}
