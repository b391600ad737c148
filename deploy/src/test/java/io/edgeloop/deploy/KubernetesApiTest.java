package io.edgeloop.deploy;

import static io.edgeloop.deploy.StackModel.at;
import static io.edgeloop.deploy.StackModel.list;
import static io.edgeloop.deploy.StackModel.map;
import static io.edgeloop.deploy.StackModel.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes base against the Kubernetes API ({@link KubernetesApiValidator}): every manifest as committed, and
 * the whole base as {@code kubectl kustomize} renders it (where kubectl is installed), including the generated
 * ConfigMaps and Secrets. No cluster runs it here: this is what an API server would refuse before scheduling.
 */
class KubernetesApiTest {
    private static final ObjectMapper COPY = new ObjectMapper();
    private static StackModel stack;

    @BeforeAll
    static void read() {
        stack = new StackModel(StackModel.home());
    }

    @Test
    void everyManifestOfTheBaseIsAValidApiObject() {
        KubernetesApiValidator validator = new KubernetesApiValidator();
        stack.k8sDocs.forEach(d -> validator.add(d.getKey(), d.getValue()));
        assertNone(validator.problems(), "API");
        assertTrue(stack.k8sDocs.size() >= 30, "documents read: " + stack.k8sDocs.size());
    }

    /** Each broken copy of a real manifest is refused with the field named: the validator can fail. */
    @Test
    void whatAnApiServerWouldRefuseIsReported() {
        expect(
                "data-service.yaml",
                "Deployment",
                d -> container(d).put("imagePullPolice", "Always"),
                "field spec.template.spec.containers[0].imagePullPolice is not in the API schema");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(d.get("spec")).put("replicas", "2"),
                "does not match the API schema");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(at(d, "spec", "selector", "matchLabels")).put("app.kubernetes.io/name", "other"),
                "spec.selector {app.kubernetes.io/name=other} does not match spec.template.metadata.labels");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(map(container(d).get("readinessProbe")).get("httpGet")).put("port", "metrics"),
                "readinessProbe port metrics is not a named port of the container");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(map(container(d).get("resources")).get("limits")).put("memory", "lots"),
                "resources.limits.memory 'lots' is not a quantity");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(map(container(d).get("resources")).get("requests")).put("memory", "64Gi"),
                "resources.requests.memory 64Gi exceeds its limit");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(list(container(d).get("volumeMounts")).get(0)).put("name", "nowhere"),
                "volumeMount nowhere names no volume of the pod");
        expect(
                "data-service.yaml",
                "Deployment",
                d -> map(at(d, "metadata")).put("name", "Data_Service"),
                "metadata.name is not a DNS-1123 subdomain");
        expect(
                "data-service.yaml",
                "Service",
                d -> map(list(at(d, "spec", "ports")).get(0)).put("targetPort", "htp"),
                "targets htp, which no selected container declares");
        expect(
                "data-service.yaml",
                "Service",
                d -> map(at(d, "spec", "selector")).put("app.kubernetes.io/name", "nobody"),
                "selects no Deployment or StatefulSet pod");
    }

    /**
     * Where kubectl is installed (it embeds kustomize), renders the base as {@code kubectl apply -k} would, with
     * throw-away secrets from {@code secrets init}, and checks the result against the API, with generated names
     * substituted, every image tagged and every referenced Secret and ConfigMap present.
     */
    @Test
    void theRenderedBaseIsValid(@TempDir Path tmp) throws IOException, InterruptedException {
        Optional<Path> kubectl = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(p -> !p.isBlank())
                .map(p -> Path.of(p, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(kubectl.isPresent(), "kubectl is not installed: the rendering is not checked");
        String rendered = render(kubectl.get(), tmp);
        KubernetesApiValidator validator = new KubernetesApiValidator();
        List<String> problems = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            String name = map(doc).get("kind") + "/" + at(doc, "metadata", "name");
            docs.add(map(doc));
            names.add(name);
            validator.add("rendered " + name, map(doc));
            if (!"Namespace".equals(map(doc).get("kind")) && !"edgeloop".equals(at(doc, "metadata", "namespace"))) {
                problems.add(name + " is not in namespace edgeloop");
            }
        }
        docs.forEach(doc -> references(problems, doc, names));
        problems.addAll(validator.problems());
        assertTrue(names.contains("StatefulSet/edge"), "rendered: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("Secret/edgeloop-data-service-")), "rendered: " + names);
        assertNone(problems, "rendered base");
    }

    private static String render(Path kubectl, Path tmp) throws IOException, InterruptedException {
        Path base = stack.home.resolve(StackModel.K8S_BASE);
        Path copy = tmp.resolve("base");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.toList()) {
                String rel = base.relativize(f).toString().replace(File.separatorChar, '/');
                Path to = copy.resolve(rel);
                if (rel.equals("secrets") || rel.startsWith("secrets/")) {
                    continue; // a developer's own secrets are neither read nor copied
                } else if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        new SecretsCommand.Writer(
                        copy.resolve("secrets"), java.time.Duration.ofDays(1), java.time.Duration.ofDays(1), false)
                .write(devices());
        Path out = tmp.resolve("rendered.yaml");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", copy.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish in 60 s");
        String rendered = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "kubectl kustomize " + StackModel.K8S_BASE + " failed:\n" + rendered);
        return rendered;
    }

    /** The simulated devices whose first tokens the kustomization's {@code edgeloop-devices} Secret reads. */
    private static List<String> devices() {
        List<String> devices = new ArrayList<>();
        for (Object g : list(stack.kustomization.get("secretGenerator"))) {
            if ("edgeloop-devices".equals(str(map(g).get("name")))) {
                for (Object f : list(map(g).get("files"))) {
                    devices.add(String.valueOf(f).replaceFirst("=.*", "").replaceFirst("\\.token$", ""));
                }
            }
        }
        return devices;
    }

    private static void references(List<String> problems, Map<String, Object> doc, Set<String> names) {
        String where = doc.get("kind") + "/" + at(doc, "metadata", "name");
        for (Object c : list(at(doc, "spec", "template", "spec", "containers"))) {
            String image = str(map(c).get("image"));
            if (image.startsWith("edgeloop/") && !image.matches("edgeloop/[\\w-]+:[\\w.-]+")) {
                problems.add(where + ": image " + image + " has no tag from kustomization images:");
            }
            for (Object e : list(map(c).get("env"))) {
                Object ref = at(e, "valueFrom", "secretKeyRef", "name");
                if (ref != null && !names.contains("Secret/" + ref)) {
                    problems.add(where + ": Secret " + ref + " is not in the rendered output");
                }
            }
        }
        for (Object v : list(at(doc, "spec", "template", "spec", "volumes"))) {
            Object secret = at(v, "secret", "secretName");
            Object configMap = at(v, "configMap", "name");
            if (secret != null && !names.contains("Secret/" + secret)
                    || configMap != null && !names.contains("ConfigMap/" + configMap)) {
                problems.add(where + ": volume " + at(v, "name") + " refers to "
                        + (secret != null ? "Secret " + secret : "ConfigMap " + configMap)
                        + ", which is not in the rendered output");
            }
        }
    }

    /**
     * Validates the base with one document of {@code file} of {@code kind} changed by {@code change}, and expects a
     * problem containing {@code expected} that the unchanged base does not have.
     */
    private static void expect(String file, String kind, Consumer<Map<String, Object>> change, String expected) {
        KubernetesApiValidator validator = new KubernetesApiValidator();
        boolean changed = false;
        for (var d : stack.k8sDocs) {
            Map<String, Object> doc = copy(d.getValue());
            if (!changed && d.getKey().endsWith(file) && kind.equals(doc.get("kind"))) {
                change.accept(doc);
                changed = true;
            }
            validator.add(d.getKey(), doc);
        }
        assertTrue(changed, "no " + kind + " in " + file);
        List<String> problems = validator.problems();
        assertTrue(
                problems.stream().anyMatch(p -> p.contains(expected)),
                () -> "expected a problem containing '" + expected + "', got " + problems);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> doc) {
        return COPY.convertValue(doc, LinkedHashMap.class);
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        return map(
                list(at(deployment, "spec", "template", "spec", "containers")).get(0));
    }

    private static void assertNone(List<String> problems, String what) {
        assertTrue(
                problems.isEmpty(),
                () -> problems.size() + " " + what + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
