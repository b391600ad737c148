package io.edgeloop.deploy;

import io.edgeloop.embedded.Ports;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which service JVMs a local stack runs and where: per service its ports, database and heap, and its replicas. With
 * fixed ports, replica 1 uses the documented ports (8081-8086, 9081-9086) and replica {@code r} those plus
 * {@code 100 * (r - 1)}; otherwise every instance gets free ports.
 */
final class StackLayout {

    /**
     * A service JVM: name, replica (1-based), HTTP port, gRPC port (0 = none), database (null = none), heap. Replicas
     * of one service share its database and Kafka identity.
     */
    record ServiceSpec(String name, int replica, int httpPort, int grpcPort, String database, String heap) {
        /** The instance name: the service's name for replica 1, {@code <name>-<replica>} for the others. */
        String instance() {
            return replica == 1 ? name : name + "-" + replica;
        }

        String url() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    /** Replica 1 of each service, by service name, in loop order. */
    private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
    /** Every service instance (all replicas), by instance name. */
    private final Map<String, ServiceSpec> instances = new LinkedHashMap<>();

    StackLayout(boolean fixed, Map<String, Integer> replicas) {
        this(fixed, replicas, Map.of());
    }

    /** {@code heaps}: -Xmx per service name instead of the defaults below. */
    StackLayout(boolean fixed, Map<String, Integer> replicas, Map<String, String> heaps) {
        add(spec("data-service", fixed, 8081, 9081, "edgeloop_data", heaps.getOrDefault("data-service", "256m")));
        add(spec(
                "training-service",
                fixed,
                8082,
                0,
                "edgeloop_training",
                heaps.getOrDefault("training-service", "512m")));
        add(spec(
                "compiler-service",
                fixed,
                8083,
                0,
                "edgeloop_compiler",
                heaps.getOrDefault("compiler-service", "384m")));
        add(spec(
                "registry-service",
                fixed,
                8084,
                9084,
                "edgeloop_registry",
                heaps.getOrDefault("registry-service", "256m")));
        add(spec(
                "deployment-service",
                fixed,
                8085,
                9085,
                "edgeloop_deployment",
                // 10,000 streams hold ~110 MiB live; at 256m a 10,000-device wave spent most of its CPU in full GCs
                heaps.getOrDefault("deployment-service", "512m")));
        add(spec(
                "monitoring-service",
                fixed,
                8086,
                9086,
                "edgeloop_monitoring",
                heaps.getOrDefault("monitoring-service", "320m")));
        for (ServiceSpec first : List.copyOf(services.values())) {
            instances.put(first.instance(), first);
            for (int r = 2; r <= replicas.getOrDefault(first.name(), 1); r++) {
                ServiceSpec s = replica(first, r, fixed);
                instances.put(s.instance(), s);
            }
        }
    }

    private void add(ServiceSpec s) {
        services.put(s.name(), s);
    }

    /** Replica 1 of each service. */
    Collection<ServiceSpec> services() {
        return services.values();
    }

    /** Every instance, replicas of a service after its first. */
    Collection<ServiceSpec> instances() {
        return instances.values();
    }

    /** A service (its first replica) or one instance by name; null when unknown. */
    ServiceSpec find(String serviceOrInstance) {
        ServiceSpec s = services.get(serviceOrInstance);
        return s != null ? s : instances.get(serviceOrInstance);
    }

    /** The first replica of {@code service}. */
    ServiceSpec first(String service) {
        return services.get(service);
    }

    /** An instance by instance name; null when unknown. */
    ServiceSpec instance(String instance) {
        return instances.get(instance);
    }

    /** The instances of {@code service}, replica 1 first. */
    List<ServiceSpec> replicasOf(String service) {
        return instances.values().stream().filter(s -> s.name().equals(service)).toList();
    }

    private static ServiceSpec spec(String name, boolean fixed, int http, int grpc, String db, String heap) {
        return new ServiceSpec(
                name, 1, fixed ? http : Ports.free(), grpc == 0 ? 0 : fixed ? grpc : Ports.free(), db, heap);
    }

    private static ServiceSpec replica(ServiceSpec first, int r, boolean fixed) {
        int shift = 100 * (r - 1);
        return new ServiceSpec(
                first.name(),
                r,
                fixed ? first.httpPort() + shift : Ports.free(),
                first.grpcPort() == 0 ? 0 : fixed ? first.grpcPort() + shift : Ports.free(),
                first.database(),
                first.heap());
    }
}
