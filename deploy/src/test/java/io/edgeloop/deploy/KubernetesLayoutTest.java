package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;

import io.edgeloop.deploy.StackModel.App;
import io.edgeloop.deploy.StackModel.Env;
import io.edgeloop.deploy.StackModel.Workload;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files' layout: the kustomization lists every manifest and every reference resolves, file stores live
 * on volumes and stateful apps run once, heaps match Compose and fit the memory limits, pods run as non-root and
 * third-party images match Compose. Each test lists every mismatch with its file.
 */
class KubernetesLayoutTest extends ManifestTestBase {
    @Test
    void theKustomizationListsEveryManifestAndEveryReferenceResolves() throws IOException {
        List<String> problems = new ArrayList<>();
        Path base = stack.home.resolve(StackModel.K8S_BASE);
        Set<String> listed = new LinkedHashSet<>();
        list(stack.kustomization.get("resources")).forEach(r -> listed.add(String.valueOf(r)));
        for (String r : listed) {
            if (!Files.isRegularFile(base.resolve(r))) {
                problems.add(StackModel.K8S_BASE + "/kustomization.yaml: resource " + r + " does not exist");
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).toList()) {
                String rel = base.relativize(f).toString().replace(File.separatorChar, '/');
                if (!rel.equals("kustomization.yaml") && !listed.contains(rel)) {
                    problems.add(StackModel.K8S_BASE + "/" + rel + ": not listed in kustomization.yaml resources");
                }
            }
        }
        Set<String> configMaps = new LinkedHashSet<>();
        Set<String> secrets = new LinkedHashSet<>();
        for (Object g : list(stack.kustomization.get("configMapGenerator"))) {
            configMaps.add(str(map(g).get("name")));
            for (Object f : list(map(g).get("files"))) {
                String file = String.valueOf(f).replaceFirst("^[^=]*=", "");
                if (!Files.isRegularFile(base.resolve(file))) {
                    problems.add(StackModel.K8S_BASE + "/kustomization.yaml: configMapGenerator " + map(g).get("name")
                            + " reads " + file + ", which does not exist");
                }
            }
        }
        list(stack.kustomization.get("secretGenerator")).forEach(g -> secrets.add(str(map(g).get("name"))));
        stack.k8s("ConfigMap").forEach(d -> configMaps.add(str(at(d.getValue(), "metadata", "name"))));
        for (Workload w : stack.k8sWorkloads) {
            for (Object from : list(w.container().get("envFrom"))) {
                refers(problems, w, "ConfigMap", str(at(from, "configMapRef", "name")), configMaps);
                refers(problems, w, "Secret", str(at(from, "secretRef", "name")), secrets);
            }
            for (Env env : w.env().values()) {
                if (env.secretRef() != null) {
                    refers(problems, w, "Secret", env.secretRef().split("/")[0], secrets);
                }
            }
            for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
                refers(problems, w, "ConfigMap", str(at(v, "configMap", "name")), configMaps);
            }
            String serviceName = str(at(w.spec(), "spec", "serviceName"));
            if (serviceName != null && !stack.k8sHosts.containsKey(serviceName)) {
                problems.add(w.label() + ": serviceName " + serviceName + " is no Service");
            }
        }
        List<String> namespaces = stack.k8s("Namespace").stream()
                .map(d -> str(at(d.getValue(), "metadata", "name")))
                .toList();
        if (!namespaces.equals(List.of(String.valueOf(stack.kustomization.get("namespace"))))) {
            problems.add(StackModel.K8S_BASE + "/kustomization.yaml: namespace " + stack.kustomization.get("namespace")
                    + " but the Namespace resources are " + namespaces);
        }
        assertNone(problems, "kustomization");
    }

    static void refers(List<String> problems, Workload w, String kind, String name, Set<String> known) {
        if (name != null && !known.contains(name)) {
            problems.add(
                    w.label() + ": refers to " + kind + " " + name + ", which is neither a resource nor generated");
        }
    }

    @Test
    void fileStoresLiveOnVolumesAndStatefulAppsRunOnce() {
        List<String> problems = new ArrayList<>();
        for (Workload w : all()) {
            App app = stack.appOf(w.image());
            if (app == null) {
                continue;
            }
            for (String property : dirProperties(app)) {
                String var = StackModel.envName(property);
                Env env = w.env().get(var);
                String dir = env == null ? null : env.value();
                if (dir == null || !dir.startsWith("/")) {
                    problems.add(w.label() + ": " + var + " must be an absolute path (the image's working directory"
                            + " is not writable), found " + dir);
                } else if (w.kind().equals("compose")) {
                    if (app.module().equals("registry-service") && !onComposeVolume(w, dir)) {
                        problems.add(w.label() + ": " + var + "=" + dir + " is on no named volume");
                    }
                } else if (!onPersistentVolume(w, dir)) {
                    problems.add(w.label() + ": " + var + "=" + dir
                            + " is on no PersistentVolumeClaim / volumeClaimTemplate (ReadWriteOnce)");
                }
            }
        }
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            // a ReadWriteMany claim (the shared revocation list) may be mounted by two pods at once
            boolean claims = list(at(w.spec(), "spec", "template", "spec", "volumes")).stream()
                    .map(v -> str(at(v, "persistentVolumeClaim", "claimName")))
                    .anyMatch(c -> c != null && !claimModes(c).contains("ReadWriteMany"));
            if (w.kind().equals("Deployment") && claims) {
                if (!"1".equals(str(at(w.spec(), "spec", "replicas")))) {
                    problems.add(w.label() + ": replicas must be 1 (a ReadWriteOnce volume)");
                }
                if (!"Recreate".equals(str(at(w.spec(), "spec", "strategy", "type")))) {
                    problems.add(w.label() + ": strategy must be Recreate (a rolling update would run two pods)");
                }
            }
            if (app != null && app.module().equals("edge-agent")) {
                Env id = w.env().get("EDGELOOP_AGENT_DEVICE_ID");
                if (!w.kind().equals("StatefulSet") || id == null || !"metadata.name".equals(id.fieldRef())) {
                    problems.add(w.label() + ": agents must be a StatefulSet whose EDGELOOP_AGENT_DEVICE_ID is the pod"
                            + " name (fieldRef metadata.name)");
                }
            }
        }
        assertNone(problems, "volumes and replicas");
    }

    /** Directory properties with relative defaults (registry storage dir, agent model dir). */
    static List<String> dirProperties(App app) {
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(
                stack.home.resolve(app.module()).resolve("src/main/resources/application.properties"))) {
            props.load(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props.stringPropertyNames().stream()
                .filter(k -> !k.startsWith("%")
                        && k.endsWith("-dir")
                        && !props.getProperty(k).startsWith("/"))
                .sorted()
                .toList();
    }

    static boolean onComposeVolume(Workload w, String dir) {
        Set<String> named = map(stack.compose.get("volumes")).keySet();
        for (Object v : list(w.spec().get("volumes"))) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2 && named.contains(parts[0]) && under(dir, parts[1])) {
                return true;
            }
        }
        return false;
    }

    static boolean onPersistentVolume(Workload w, String dir) {
        Set<String> persistent = new LinkedHashSet<>();
        for (Object t : list(at(w.spec(), "spec", "volumeClaimTemplates"))) {
            if (list(at(t, "spec", "accessModes")).contains("ReadWriteOnce")) {
                persistent.add(str(at(t, "metadata", "name")));
            }
        }
        for (Object v : list(at(w.spec(), "spec", "template", "spec", "volumes"))) {
            String claim = str(at(v, "persistentVolumeClaim", "claimName"));
            boolean rwo = stack.k8s("PersistentVolumeClaim").stream()
                    .anyMatch(d -> claim != null
                            && claim.equals(str(at(d.getValue(), "metadata", "name")))
                            && list(at(d.getValue(), "spec", "accessModes")).contains("ReadWriteOnce"));
            if (rwo) {
                persistent.add(str(at(v, "name")));
            }
        }
        return list(w.container().get("volumeMounts")).stream()
                .anyMatch(m -> persistent.contains(str(at(m, "name"))) && under(dir, str(at(m, "mountPath"))));
    }

    /** The access modes of PersistentVolumeClaim {@code name} of the base. */
    static List<Object> claimModes(String name) {
        return stack.k8s("PersistentVolumeClaim").stream()
                .filter(d -> name.equals(str(at(d.getValue(), "metadata", "name"))))
                .flatMap(d -> list(at(d.getValue(), "spec", "accessModes")).stream())
                .toList();
    }

    @Test
    void heapsMatchComposeAndFitTheMemoryLimits() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.k8sWorkloads) {
            App app = stack.appOf(w.image());
            Map<String, Object> res = map(w.container().get("resources"));
            Long limit = bytes(str(at(res, "limits", "memory")));
            Long request = bytes(str(at(res, "requests", "memory")));
            if (limit == null || request == null || at(res, "requests", "cpu") == null) {
                problems.add(w.label() + ": needs resources.requests (cpu, memory) and limits.memory");
                continue;
            }
            if (request > limit) {
                problems.add(w.label() + ": memory request " + request + " is above the limit " + limit);
            }
            Optional<Long> heap = heap(w);
            if (app != null && heap.isEmpty()) {
                problems.add(w.label() + ": JAVA_OPTS sets no -Xmx");
                continue;
            }
            // beside the heap: the metaspace cap where JAVA_OPTS sets one, plus 128 MiB of native memory (ONNX
            // Runtime, code cache, stacks); else 384 MiB for an app, 256 MiB for Kafka/PostgreSQL/Zipkin
            Optional<Long> metaspace = option(w, META);
            long headroom = app != null && metaspace.isPresent()
                    ? metaspace.get() + (128L << 20)
                    : (app != null ? 384L : 256L) << 20;
            if (heap.isPresent() && limit < heap.get() + headroom) {
                problems.add(w.label() + ": memory limit " + (limit >> 20) + " MiB leaves less than " + (headroom >> 20)
                        + " MiB beside the " + (heap.get() >> 20) + " MiB heap");
            }
            if (app != null) {
                for (Workload c : workloads(stack.composeWorkloads, app)) {
                    Optional<Long> composeHeap = heap(c);
                    if (!composeHeap.equals(heap)) {
                        problems.add(w.label() + ": heap "
                                + heap.map(h -> (h >> 20) + " MiB").orElse("unset") + ", but " + c.label() + " uses "
                                + composeHeap.map(h -> (h >> 20) + " MiB").orElse("unset"));
                    }
                }
            }
        }
        assertNone(problems, "memory");
    }

    static Optional<Long> heap(Workload w) {
        return option(w, XMX);
    }

    /** The size an option of {@code JAVA_OPTS} (or {@code KAFKA_HEAP_OPTS}) sets, e.g. {@link #XMX}. */
    static Optional<Long> option(Workload w, Pattern option) {
        for (String var : List.of("JAVA_OPTS", "KAFKA_HEAP_OPTS")) {
            Env env = w.env().get(var);
            Matcher m = env == null || env.value() == null ? null : option.matcher(env.value());
            if (m != null && m.find()) {
                return Optional.of(Long.parseLong(m.group(1)) << shift(m.group(2)));
            }
        }
        return Optional.empty();
    }

    static int shift(String unit) {
        return switch (unit.toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
    }

    /** A Kubernetes memory quantity in bytes (Ki/Mi/Gi, k/M/G or plain), or null. */
    static Long bytes(String quantity) {
        if (quantity == null) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }

    @Test
    void podsRunAsNonRootAndThirdPartyImagesMatchCompose() {
        List<String> problems = new ArrayList<>();
        for (Workload w : stack.k8sWorkloads) {
            Map<String, Object> pod = map(at(w.spec(), "spec", "template", "spec", "securityContext"));
            Map<String, Object> ctr = map(w.container().get("securityContext"));
            Object nonRoot = ctr.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot"));
            Object user = ctr.getOrDefault("runAsUser", pod.get("runAsUser"));
            if (!Boolean.TRUE.equals(nonRoot)) {
                problems.add(w.label() + ": securityContext.runAsNonRoot must be true");
            }
            if (user == null || "0".equals(str(user))) {
                problems.add(w.label() + ": securityContext.runAsUser must be a non-root uid (images with a named"
                        + " USER cannot be verified otherwise)");
            } else if (stack.appOf(w.image()) != null && !str(user).equals(stack.imageUser)) {
                problems.add(w.label() + ": runAsUser " + user + ", but " + StackModel.DOCKERFILE + " runs as USER "
                        + stack.imageUser);
            }
            if (!Boolean.FALSE.equals(ctr.get("allowPrivilegeEscalation"))) {
                problems.add(w.label() + ": securityContext.allowPrivilegeEscalation must be false");
            }
            if (stack.appOf(w.image()) == null) {
                List<String> compose = stack.composeWorkloads.stream()
                        .filter(c -> w.image().equals(c.image()))
                        .map(Workload::fullImage)
                        .toList();
                if (!compose.contains(w.fullImage())) {
                    problems.add(w.label() + ": image " + w.fullImage() + ", but compose runs " + compose);
                }
            }
        }
        assertNone(problems, "pods");
    }

    // ---- auth and secrets (EdgeLoop issue 9: the apps refuse to start without their auth settings)
}
