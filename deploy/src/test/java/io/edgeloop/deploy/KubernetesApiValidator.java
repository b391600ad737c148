package io.edgeloop.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Kubernetes objects as an API server would before storing them, without a cluster. Two layers:
 *
 * <ol>
 *   <li>the API's typed schema: each document is bound to the fabric8 kubernetes-model class of its
 *       {@code apiVersion}/{@code kind} (generated from the Kubernetes OpenAPI definitions) with scalar coercion off,
 *       so a field of the wrong type fails, and every field the schema does not know is reported by its path (fabric8
 *       keeps unknown fields aside instead of failing, so they are collected after binding);
 *   <li>the server-side rules a schema cannot express: DNS-1123 names, label syntax, a workload's selector matching
 *       its pod template, unique container and port names, volume mounts and probes naming what exists, quantities
 *       that parse with requests at most limits, a Service port naming a port of a pod it selects, and a Service
 *       selecting at least one workload of the same set.
 * </ol>
 */
final class KubernetesApiValidator {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "batch/v1/Job", Job.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final List<HasMetadata> objects = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Binds one document to its API type and checks it on its own; cross-object rules run in {@link #problems()}.
     *
     * @param source where the document came from, for the messages (e.g. {@code data-service.yaml})
     */
    KubernetesApiValidator add(String source, Map<String, Object> document) {
        String type = document.get("apiVersion") + "/" + document.get("kind");
        Class<? extends HasMetadata> cls = KINDS.get(type);
        if (cls == null) {
            problems.add(source + ": " + type + " is not a type this stack is checked for (" + KINDS.keySet() + ")");
            return this;
        }
        HasMetadata object;
        try {
            object = mapper.convertValue(document, cls);
        } catch (IllegalArgumentException e) {
            problems.add(source + ": " + type + " does not match the API schema: " + firstLine(e.getMessage()));
            return this;
        }
        String where = source + ": " + document.get("kind") + "/"
                + object.getMetadata().getName();
        unknownFields(where, "", object, new IdentityHashMap<>());
        metadata(where, object);
        PodTemplateSpec template = template(object);
        if (template != null) {
            selectorMatches(where, selector(object), template);
            pod(where, template.getSpec(), claimTemplates(object));
        }
        if (object instanceof Service s) {
            service(where, s);
        } else if (object instanceof PersistentVolumeClaim c) {
            claim(where, c);
        } else if (object instanceof Job j && template != null) {
            String restart = template.getSpec().getRestartPolicy();
            if (!"Never".equals(restart) && !"OnFailure".equals(restart)) {
                problems.add(where + ": spec.template.spec.restartPolicy must be Never or OnFailure, is " + restart);
            }
        }
        objects.add(object);
        sources.add(where);
        return this;
    }

    /** Every problem found so far, including those between objects (Services that select no pod). */
    List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i) instanceof Service s) {
                servicesReachPods(all, sources.get(i), s);
            }
        }
        return all;
    }

    private void unknownFields(String where, String path, Object node, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                unknownFields(where, path + "[" + i++ + "]", o, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(where, path + "." + k, v, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : node.getClass().getMethods()) {
            if (g.getParameterCount() != 0
                    || Modifier.isStatic(g.getModifiers())
                    || !g.getName().startsWith("get")
                    || g.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(g, node);
            String field =
                    Character.toLowerCase(g.getName().charAt(3)) + g.getName().substring(4);
            if (g.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty() && !(node instanceof Quantity)) {
                    for (Object k : extra.keySet()) {
                        problems.add(where + ": field " + trimDot(path + "." + k) + " is not in the API schema");
                    }
                }
            } else if (!(node instanceof IntOrString) && !(node instanceof Quantity)) {
                unknownFields(where, path + "." + field, value, seen);
            }
        }
    }

    private void metadata(String where, HasMetadata o) {
        String name = o.getMetadata().getName();
        boolean labelKind = o instanceof Service || o instanceof Namespace;
        if (name == null
                || !(labelKind ? DNS_LABEL : DNS_SUBDOMAIN).matcher(name).matches()) {
            problems.add(where + ": metadata.name is not a DNS-1123 " + (labelKind ? "label" : "subdomain"));
        }
        labels(where, "metadata.labels", o.getMetadata().getLabels());
    }

    private void labels(String where, String path, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches()) {
                problems.add(where + ": " + path + " key '" + k + "' is not a valid label key");
            }
            if (v == null || v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
                problems.add(where + ": " + path + "." + k + " value '" + v + "' is not a valid label value");
            }
        });
    }

    private static PodTemplateSpec template(HasMetadata o) {
        if (o instanceof Deployment d) {
            return d.getSpec() == null ? null : d.getSpec().getTemplate();
        } else if (o instanceof StatefulSet s) {
            return s.getSpec() == null ? null : s.getSpec().getTemplate();
        } else if (o instanceof Job j) {
            return j.getSpec() == null ? null : j.getSpec().getTemplate();
        }
        return null;
    }

    private static LabelSelector selector(HasMetadata o) {
        if (o instanceof Deployment d) {
            return d.getSpec().getSelector();
        } else if (o instanceof StatefulSet s) {
            return s.getSpec().getSelector();
        }
        return null; // a Job's selector is generated
    }

    private void selectorMatches(String where, LabelSelector selector, PodTemplateSpec template) {
        if (template.getSpec() == null) {
            problems.add(where + ": spec.template.spec is required");
            return;
        }
        Map<String, String> labels =
                template.getMetadata() == null ? null : template.getMetadata().getLabels();
        labels(where, "spec.template.metadata.labels", labels);
        if (selector == null) {
            if (!(where.contains(": Job/"))) {
                problems.add(where + ": spec.selector is required");
            }
            return;
        }
        Map<String, String> wanted = selector.getMatchLabels();
        if ((wanted == null || wanted.isEmpty())
                && (selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty())) {
            problems.add(where + ": spec.selector is empty");
        } else if (wanted != null && !matches(wanted, labels)) {
            problems.add(
                    where + ": spec.selector " + wanted + " does not match spec.template.metadata.labels " + labels);
        }
    }

    /** A StatefulSet's volumeClaimTemplates, which its containers mount by name like volumes. */
    private static Set<String> claimTemplates(HasMetadata o) {
        Set<String> names = new HashSet<>();
        if (o instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates() != null) {
            s.getSpec()
                    .getVolumeClaimTemplates()
                    .forEach(c -> names.add(c.getMetadata().getName()));
        }
        return names;
    }

    private void pod(String where, PodSpec pod, Set<String> claimTemplates) {
        if (pod.getContainers() == null || pod.getContainers().isEmpty()) {
            problems.add(where + ": spec.template.spec.containers must not be empty");
            return;
        }
        Set<String> volumes = new HashSet<>(claimTemplates);
        for (Volume v : listOf(pod.getVolumes())) {
            if (!volumes.add(v.getName())) {
                problems.add(where + ": volume " + v.getName() + " is declared twice");
            }
            volumeSource(where, v);
        }
        Set<String> containerNames = new HashSet<>();
        List<Container> all = new ArrayList<>(listOf(pod.getInitContainers()));
        all.addAll(pod.getContainers());
        for (Container c : all) {
            String at = where + ": container " + c.getName();
            if (c.getName() == null || !DNS_LABEL.matcher(c.getName()).matches()) {
                problems.add(at + ": name is not a DNS-1123 label");
            } else if (!containerNames.add(c.getName())) {
                problems.add(at + ": name is used twice in the pod");
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                problems.add(at + ": image is required");
            }
            container(at, c, volumes);
        }
    }

    private void container(String at, Container c, Set<String> volumes) {
        Set<String> portNames = new HashSet<>();
        Set<Integer> portNumbers = new HashSet<>();
        for (ContainerPort p : listOf(c.getPorts())) {
            if (p.getContainerPort() == null || p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                problems.add(at + ": containerPort " + p.getContainerPort() + " is not 1-65535");
            } else {
                portNumbers.add(p.getContainerPort());
            }
            if (p.getName() != null && (!PORT_NAME.matcher(p.getName()).matches() || !portNames.add(p.getName()))) {
                problems.add(at + ": port name " + p.getName() + " is invalid (IANA_SVC_NAME, <= 15) or repeated");
            }
        }
        for (EnvVar e : listOf(c.getEnv())) {
            if (!ENV_NAME.matcher(Objects.toString(e.getName(), "")).matches()) {
                problems.add(at + ": env name '" + e.getName() + "' is not a valid variable name");
            }
            if (e.getValue() != null && e.getValueFrom() != null) {
                problems.add(at + ": env " + e.getName() + " has both value and valueFrom");
            }
        }
        listOf(c.getVolumeMounts()).forEach(m -> {
            if (!volumes.contains(m.getName())) {
                problems.add(at + ": volumeMount " + m.getName() + " names no volume of the pod");
            }
        });
        probe(at, "livenessProbe", c.getLivenessProbe(), portNames, portNumbers);
        probe(at, "readinessProbe", c.getReadinessProbe(), portNames, portNumbers);
        probe(at, "startupProbe", c.getStartupProbe(), portNames, portNumbers);
        resources(at, c.getResources());
    }

    private void probe(String at, String which, Probe p, Set<String> names, Set<Integer> numbers) {
        if (p == null) {
            return;
        }
        int handlers = (p.getHttpGet() != null ? 1 : 0)
                + (p.getTcpSocket() != null ? 1 : 0)
                + (p.getExec() != null ? 1 : 0)
                + (p.getGrpc() != null ? 1 : 0);
        if (handlers != 1) {
            problems.add(at + ": " + which + " must have exactly one handler, has " + handlers);
        }
        IntOrString port = p.getHttpGet() != null
                ? p.getHttpGet().getPort()
                : p.getTcpSocket() != null ? p.getTcpSocket().getPort() : null;
        if (port != null && port.getStrVal() != null && !names.contains(port.getStrVal())) {
            problems.add(at + ": " + which + " port " + port.getStrVal() + " is not a named port of the container");
        } else if (port != null
                && port.getIntVal() != null
                && !numbers.isEmpty()
                && !numbers.contains(port.getIntVal())) {
            problems.add(at + ": " + which + " port " + port.getIntVal() + " is not a port of the container");
        }
    }

    private void resources(String at, ResourceRequirements r) {
        if (r == null) {
            return;
        }
        Map<String, Quantity> requests = r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, Quantity> limits = r.getLimits() == null ? Map.of() : r.getLimits();
        for (var e : requests.entrySet()) {
            BigDecimal req = amount(at, "requests." + e.getKey(), e.getValue());
            Quantity lim = limits.get(e.getKey());
            BigDecimal max = lim == null ? null : amount(at, "limits." + e.getKey(), lim);
            if (req != null && max != null && req.compareTo(max) > 0) {
                problems.add(
                        at + ": resources.requests." + e.getKey() + " " + e.getValue() + " exceeds its limit " + lim);
            }
        }
        limits.forEach((k, v) -> amount(at, "limits." + k, v));
    }

    private BigDecimal amount(String at, String field, Quantity q) {
        try {
            return Quantity.getAmountInBytes(Quantity.parse(q.toString()));
        } catch (RuntimeException e) {
            problems.add(at + ": resources." + field + " '" + q + "' is not a quantity");
            return null;
        }
    }

    private void volumeSource(String where, Volume v) {
        int sources = 0;
        for (Method g : Volume.class.getMethods()) {
            if (g.getParameterCount() == 0
                    && g.getName().startsWith("get")
                    && !g.getName().equals("getName")
                    && !g.getName().equals("getAdditionalProperties")
                    && g.getDeclaringClass() == Volume.class
                    && invoke(g, v) != null) {
                sources++;
            }
        }
        if (sources != 1) {
            problems.add(where + ": volume " + v.getName() + " must have exactly one source, has " + sources);
        }
    }

    private void service(String where, Service s) {
        List<ServicePort> ports = listOf(s.getSpec().getPorts());
        if (ports.isEmpty() && !"None".equals(s.getSpec().getClusterIP())) {
            problems.add(where + ": spec.ports must not be empty");
        }
        Set<String> names = new HashSet<>();
        for (ServicePort p : ports) {
            if (p.getPort() == null || p.getPort() < 1 || p.getPort() > 65535) {
                problems.add(where + ": port " + p.getPort() + " is not 1-65535");
            }
            if (ports.size() > 1 && (p.getName() == null || !names.add(p.getName()))) {
                problems.add(where + ": with several ports each needs a unique name (" + p.getName() + ")");
            }
        }
    }

    private void servicesReachPods(List<String> out, String where, Service s) {
        Map<String, String> selector = s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return; // endpoints managed by hand
        }
        List<PodTemplateSpec> selected = new ArrayList<>();
        for (HasMetadata o : objects) {
            PodTemplateSpec t = template(o);
            if (t != null
                    && !(o instanceof Job)
                    && t.getMetadata() != null
                    && Objects.equals(
                            o.getMetadata().getNamespace(), s.getMetadata().getNamespace())
                    && matches(selector, t.getMetadata().getLabels())) {
                selected.add(t);
            }
        }
        if (selected.isEmpty()) {
            out.add(where + ": spec.selector " + selector + " selects no Deployment or StatefulSet pod");
            return;
        }
        for (ServicePort p : listOf(s.getSpec().getPorts())) {
            IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
            boolean served = selected.stream()
                    .flatMap(t -> t.getSpec().getContainers().stream())
                    .flatMap(c -> listOf(c.getPorts()).stream())
                    .anyMatch(cp -> target.getStrVal() != null
                            ? target.getStrVal().equals(cp.getName())
                            : Objects.equals(target.getIntVal(), cp.getContainerPort()));
            if (!served) {
                out.add(where + ": port " + p.getPort() + " targets "
                        + (target.getStrVal() != null ? target.getStrVal() : target.getIntVal())
                        + ", which no selected container declares");
            }
        }
    }

    private void claim(String where, PersistentVolumeClaim c) {
        if (c.getSpec() == null || listOf(c.getSpec().getAccessModes()).isEmpty()) {
            problems.add(where + ": spec.accessModes must not be empty");
        }
        Quantity storage = c.getSpec() == null
                        || c.getSpec().getResources() == null
                        || c.getSpec().getResources().getRequests() == null
                ? null
                : c.getSpec().getResources().getRequests().get("storage");
        if (storage == null) {
            problems.add(where + ": spec.resources.requests.storage is required");
        } else {
            amount(where, "requests.storage", storage);
        }
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static Object invoke(Method g, Object target) {
        try {
            return g.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String trimDot(String path) {
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String firstLine(String message) {
        String m = Objects.toString(message, "");
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replaceAll(" \\(class [^)]*\\)", "");
    }
}
