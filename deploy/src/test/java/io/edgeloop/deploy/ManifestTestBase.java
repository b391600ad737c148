package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Host;
import io.edgeloop.deploy.StackModel.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the deployment-file checks share: the stack model read once (the Compose file, the Kubernetes base and every
 * service's own configuration) and helpers over its workloads, mounts and values. Checks: {@link
 * DeploymentManifestsTest} (apps, images, ports, addresses, probes), {@link KubernetesLayoutTest} (kustomization,
 * volumes, heaps, security context) and {@link DeploymentSecretsTest} (passwords, keys, logins, secret files).
 */
abstract class ManifestTestBase {
    static final Pattern SECRETISH = Pattern.compile("(?i)PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL");
    static final Pattern HTTP_URL = Pattern.compile("^https?://([^/:]+):(\\d+)(/.*)?$");
    static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^/:]+):(\\d+)/([^?;]+).*$");
    static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");
    static final Pattern META = Pattern.compile("-XX:MaxMetaspaceSize=(\\d+)([kKmMgG]?)");

    static StackModel stack;

    /** A file a container gets from a secret: where it sees it, the secret, and the file of `secrets init` it is. */
    record Mounted(String path, String secret, String file) {}

    @BeforeAll
    static void read() {
        stack = new StackModel(StackModel.home());
    }

    static List<Mounted> secretFiles(Workload w) {
        List<Mounted> out = new ArrayList<>();
        if (w.kind().equals("compose")) {
            Map<String, Object> defs = map(stack.compose.get("secrets"));
            for (Object s : list(w.spec().get("secrets"))) {
                String source = s instanceof Map<?, ?> m ? str(m.get("source")) : str(s);
                String target = str(at(s, "target"));
                String path = target == null
                        ? "/run/secrets/" + source
                        : target.startsWith("/") ? target : "/run/secrets/" + target;
                String file = str(at(defs.get(source), "file"));
                out.add(new Mounted(path, source, file == null ? null : file.replaceFirst("^\\./secrets/", "")));
            }
            return out;
        }
        Map<String, Object> volumes = new LinkedHashMap<>();
        list(at(w.spec(), "spec", "template", "spec", "volumes")).forEach(v -> volumes.put(str(at(v, "name")), v));
        for (Object mount : list(w.container().get("volumeMounts"))) {
            Object v = volumes.get(str(at(mount, "name")));
            String secret = str(at(v, "secret", "secretName"));
            if (secret == null) {
                continue;
            }
            Map<String, String> keys = generatedSecrets().getOrDefault(secret, Map.of());
            Map<String, String> shown = new LinkedHashMap<>(); // key -> path inside the volume
            List<Object> items = list(at(v, "secret", "items"));
            if (items.isEmpty()) {
                keys.keySet().forEach(k -> shown.put(k, k));
            } else {
                items.forEach(i -> shown.put(str(at(i, "key")), str(at(i, "path"))));
            }
            String path = str(at(mount, "mountPath"));
            String subPath = str(at(mount, "subPath"));
            shown.forEach((key, inVolume) -> {
                if (subPath == null) {
                    out.add(new Mounted(path + "/" + inVolume, secret, keys.get(key)));
                } else if (subPath.equals(inVolume)) {
                    out.add(new Mounted(path, secret, keys.get(key)));
                }
            });
        }
        return out;
    }

    /** The base's secretGenerator: Secret name -> key -> file under {@code secrets/} (as secrets init lays it out). */
    static Map<String, Map<String, String>> generatedSecrets() {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (Object g : list(stack.kustomization.get("secretGenerator"))) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (Object f : list(map(g).get("files"))) {
                String spec = String.valueOf(f);
                String file = spec.replaceFirst("^[^=]*=", "");
                String key = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : file.replaceFirst(".*/", "");
                keys.put(key, file.startsWith("secrets/") ? file.substring("secrets/".length()) : null);
            }
            all.put(str(map(g).get("name")), keys);
        }
        return all;
    }

    static Optional<Mounted> find(List<Mounted> mounted, String path) {
        return mounted.stream().filter(m -> m.path().equals(path)).findFirst();
    }

    /** Checks that variable {@code var} names a mounted secret file, {@code file} of secrets init when not null. */
    static void expectFile(List<String> problems, Workload w, List<Mounted> mounted, String var, String file) {
        String v = value(w, var);
        Optional<Mounted> m = v == null ? Optional.empty() : find(mounted, v);
        if (m.isEmpty()) {
            problems.add(w.label() + ": " + var + "=" + v + " must name a file mounted from a secret");
        } else if (file != null && !file.equals(m.get().file())) {
            problems.add(w.label() + ": " + var + "=" + v + " is " + m.get().file() + ", expected secrets/" + file);
        }
    }

    /** Whether {@code env} is a path naming a secret file or directory mounted into {@code w}, or its own credential. */
    static boolean namesAFile(Workload w, Env env) {
        String v = env.value();
        if (v == null || !v.startsWith("/")) {
            return false;
        }
        if (secretFiles(w).stream()
                .anyMatch(m -> matchesPath(v, m.path()) || m.path().startsWith(v + "/"))) {
            return true;
        }
        // an agent's own credential: on its writable volume, first copied from its mounted seed
        return v.equals(value(w, "EDGELOOP_AUTH_TOKEN_FILE"))
                && value(w, "DEVICE_CREDENTIAL_SEED") != null
                && onVolume(w, v, true);
    }

    /** {@code value} with Kubernetes' {@code $(VAR)} references read as any one path segment, against {@code path}. */
    static boolean matchesPath(String value, String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : value.split("\\$\\([A-Z0-9_]+\\)", -1)) {
            if (regex.length() > 0) {
                regex.append("[^/]+");
            }
            regex.append(Pattern.quote(part));
        }
        return path.matches(regex.toString());
    }

    static boolean onRevocationVolume(Workload w, String file, boolean writable) {
        if (w.kind().equals("compose")) {
            return volumeMounts(w).stream()
                    .anyMatch(v -> v[0].equals("revocations") && under(file, v[1]) && (!writable || v[2] == null));
        }
        return volumeMounts(w).stream()
                .anyMatch(v ->
                        "claim:edgeloop-revocations".equals(v[0]) && under(file, v[1]) && (!writable || v[2] == null));
    }

    /** Whether {@code file} is on a named volume (compose) or persistent claim (Kubernetes), writable if asked. */
    static boolean onVolume(Workload w, String file, boolean writable) {
        return volumeMounts(w).stream()
                .anyMatch(v -> v[0] != null
                        && under(file, v[1])
                        && (!writable || v[2] == null)
                        && (w.kind().equals("compose") || v[0].startsWith("claim:")));
    }

    /** {@code [volume, mount path, "ro" or null]} of {@code w}; Kubernetes claims as {@code claim:<name>}. */
    static List<String[]> volumeMounts(Workload w) {
        List<String[]> out = new ArrayList<>();
        if (w.kind().equals("compose")) {
            Set<String> named = map(stack.compose.get("volumes")).keySet();
            for (Object v : list(w.spec().get("volumes"))) {
                String[] parts = String.valueOf(v).split(":");
                if (parts.length >= 2 && named.contains(parts[0])) {
                    out.add(new String[] {parts[0], parts[1], parts.length > 2 && parts[2].contains("ro") ? "ro" : null
                    });
                }
            }
            return out;
        }
        Map<String, String> claims = new LinkedHashMap<>();
        for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
            String claim = str(at(v, "persistentVolumeClaim", "claimName"));
            if (claim != null) {
                claims.put(str(at(v, "name")), "claim:" + claim);
            }
        }
        for (Object t : list(at(w.spec(), "spec", "volumeClaimTemplates"))) {
            String name = str(at(t, "metadata", "name"));
            claims.put(name, "claim:" + name);
        }
        for (Object m : list(w.container().get("volumeMounts"))) {
            String claim = claims.get(str(at(m, "name")));
            if (claim != null) {
                out.add(new String[] {
                    claim, str(at(m, "mountPath")), Boolean.TRUE.equals(at(m, "readOnly")) ? "ro" : null
                });
            }
        }
        return out;
    }

    static String value(Workload w, String var) {
        Env e = w.env().get(var);
        return e == null ? null : e.value();
    }

    // ---- helpers

    /** One way of running the stack: its workloads and the host names they reach each other by. */
    record Deployment(String what, List<Workload> workloads, Map<String, Host> hosts) {}

    static List<Deployment> deployments() {
        return List.of(
                new Deployment("compose service", stack.composeWorkloads, stack.composeHosts),
                new Deployment("Kubernetes Service", stack.k8sWorkloads, stack.k8sHosts));
    }

    static List<Workload> all() {
        List<Workload> all = new ArrayList<>(stack.composeWorkloads);
        all.addAll(stack.k8sWorkloads);
        return all;
    }

    static List<Workload> workloads(List<Workload> from, App app) {
        return from.stream().filter(w -> app.image().equals(w.image())).toList();
    }

    static List<Object> concat(Object a, Object b) {
        List<Object> all = new ArrayList<>(list(a));
        all.addAll(list(b));
        return all;
    }

    /**
     * Whether a .gitignore (the repository's, or one in a directory above the file) names {@code file}, its name, or a
     * directory ({@code dir/}) it lies in. Enough for the patterns this repository uses; not git's full syntax.
     */
    static boolean gitignored(String file) {
        String[] parts = file.split("/");
        String dir = "";
        for (int i = 0; i < parts.length; i++) {
            Path ignore = stack.home.resolve(dir + ".gitignore");
            if (Files.exists(ignore) && ignores(StackModel.read(ignore), file.substring(dir.length()))) {
                return true;
            }
            dir = dir + parts[i] + "/";
        }
        return false;
    }

    static boolean ignores(String gitignore, String relative) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        return gitignore
                .lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .anyMatch(l -> {
                    String pattern = l.replaceFirst("^/", "");
                    if (pattern.endsWith("/")) {
                        return relative.startsWith(pattern) || !l.startsWith("/") && relative.contains("/" + pattern);
                    }
                    return pattern.equals(relative) || l.equals(name);
                });
    }

    static void assertNone(List<String> problems, String what) {
        assertTrue(
                problems.isEmpty(),
                () -> problems.size() + " " + what + " mismatch(es):\n  " + String.join("\n  ", problems));
    }

    static boolean under(String dir, String mount) {
        String m = mount.endsWith("/") ? mount : mount + "/";
        return dir.equals(mount) || dir.startsWith(m);
    }
}
