package io.edgeloop.testsupport.auth;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the code of an app declares: every JAX-RS resource method and every method of every {@code @GrpcService},
 * with the roles that may call it, found by scanning the compiled classes of the app's base package (the directory
 * or jar that holds an anchor class).
 */
public final class Endpoints {
    /** The roles of an endpoint open to anyone ({@code @PermitAll}). */
    public static final Set<String> OPEN = Set.of("*");

    /** The roles of an endpoint with no declaration at all (refused by the apps' deny-by-default). */
    public static final Set<String> UNDECLARED = Set.of("<undeclared>");

    private Endpoints() {}

    /**
     * One endpoint.
     *
     * @param key {@code "PUT /datasets/{name}"} or {@code "grpc edgeloop.data.v1.DatasetService/GetSnapshot"}
     * @param roles roles allowed ({@link #OPEN}, {@link #UNDECLARED} or role names)
     * @param consumes media type of the body for REST, or the gRPC method type
     * @param grpcMethod the gRPC method (null for REST)
     */
    public record Endpoint(String key, Set<String> roles, String consumes, MethodDescriptor<?, ?> grpcMethod) {
        public boolean isGrpc() {
            return key.startsWith("grpc ");
        }
    }

    /**
     * Every endpoint in {@code basePackage} (and its sub-packages) of the classes directory that holds {@code anchor},
     * sorted by key.
     */
    public static List<Endpoint> scan(Class<?> anchor, String basePackage) {
        List<Endpoint> out = new ArrayList<>();
        for (Class<?> c : classes(anchor, basePackage)) {
            if (c.isAnnotationPresent(Path.class)) {
                out.addAll(rest(c));
            }
            if (c.isAnnotationPresent(GrpcService.class)) {
                out.addAll(grpc(c));
            }
        }
        out.sort(Comparator.comparing(Endpoint::key));
        return out;
    }

    private static List<Endpoint> rest(Class<?> c) {
        String base = c.getAnnotation(Path.class).value();
        List<Endpoint> out = new ArrayList<>();
        for (Method m : c.getMethods()) {
            String verb = verb(m);
            if (verb == null) {
                continue;
            }
            Path p = m.getAnnotation(Path.class);
            String path = join(base, p == null ? "" : p.value());
            Consumes consumes = m.getAnnotation(Consumes.class);
            if (consumes == null) {
                consumes = c.getAnnotation(Consumes.class);
            }
            String type = consumes == null ? "application/json" : consumes.value()[0];
            out.add(new Endpoint(verb + " " + path, roles(m, c), type, null));
        }
        return out;
    }

    private static List<Endpoint> grpc(Class<?> c) {
        ServiceDescriptor sd = serviceDescriptor(c);
        List<Endpoint> out = new ArrayList<>();
        for (MethodDescriptor<?, ?> md : sd.getMethods()) {
            String bare = md.getBareMethodName();
            String javaName = Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
            Method impl = Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> m.getName().equals(javaName) && Modifier.isPublic(m.getModifiers()))
                    .findFirst()
                    .orElse(null);
            Set<String> roles = impl == null ? Set.of("<unimplemented>") : roles(impl, c);
            out.add(new Endpoint(
                    "grpc " + md.getFullMethodName(), roles, md.getType().name(), md));
        }
        return out;
    }

    private static ServiceDescriptor serviceDescriptor(Class<?> c) {
        for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
            Class<?> outer = s.getEnclosingClass();
            if (outer == null) {
                continue;
            }
            try {
                return (ServiceDescriptor)
                        outer.getMethod("getServiceDescriptor").invoke(null);
            } catch (ReflectiveOperationException e) {
                // not a generated gRPC class; keep looking
            }
        }
        throw new IllegalStateException(c.getName() + " is a @GrpcService without a generated ImplBase superclass");
    }

    private static Set<String> roles(Method m, Class<?> c) {
        Set<String> r = declared(m);
        return r != null ? r : declared(c) != null ? declared(c) : UNDECLARED;
    }

    private static Set<String> declared(AnnotatedElement e) {
        if (e.isAnnotationPresent(DenyAll.class)) {
            return Set.of();
        }
        if (e.isAnnotationPresent(PermitAll.class)) {
            return OPEN;
        }
        RolesAllowed r = e.getAnnotation(RolesAllowed.class);
        return r == null ? null : new TreeSet<>(List.of(r.value()));
    }

    private static String verb(Method m) {
        if (m.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (m.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (m.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (m.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        if (m.isAnnotationPresent(PATCH.class)) {
            return "PATCH";
        }
        return m.isAnnotationPresent(HEAD.class) ? "HEAD" : null;
    }

    private static String join(String base, String sub) {
        String p = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /**
     * The classes directory holding {@code anchor}: from its code source, or (for classes Quarkus transformed, which
     * have none) from where its class loader finds its {@code .class} file, or (a class served from memory) the
     * module's {@code target/classes}.
     */
    private static java.nio.file.Path root(Class<?> anchor) {
        try {
            var source = anchor.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return java.nio.file.Path.of(source.getLocation().toURI());
            }
            String file = anchor.getName().replace('.', '/') + ".class";
            var url = anchor.getClassLoader().getResource(file);
            if (url == null || !"file".equals(url.getProtocol())) {
                // a class Quarkus keeps in memory: the module's own build output (tests run in the module directory)
                java.nio.file.Path built = java.nio.file.Path.of("target", "classes");
                if (Files.isRegularFile(built.resolve(file))) {
                    return built.toAbsolutePath();
                }
                throw new IllegalStateException("cannot find the classes directory of " + anchor.getName());
            }
            java.nio.file.Path p = java.nio.file.Path.of(url.toURI());
            for (int i = 0; i < anchor.getName().split("\\.").length; i++) {
                p = p.getParent();
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Class<?>> classes(Class<?> anchor, String pkg) {
        java.nio.file.Path root = root(anchor);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("scan the app's classes directory, not " + root);
        }
        java.nio.file.Path dir = root.resolve(pkg.replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                String rel = root.relativize(f).toString();
                if (!rel.endsWith(".class") || rel.contains("$")) {
                    continue;
                }
                String name =
                        rel.substring(0, rel.length() - 6).replace('/', '.').replace('\\', '.');
                out.add(Class.forName(name, false, anchor.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
