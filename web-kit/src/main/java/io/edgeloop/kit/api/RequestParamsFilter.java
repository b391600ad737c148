package io.edgeloop.kit.api;

import io.edgeloop.kit.input.InputRules;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks path, query and header parameters before any resource method runs: no NUL or other C0 control character
 * (tab, line feed and carriage return allowed), no value over the string bound, and a number where the resource
 * method declares a numeric parameter. A bad parameter is a 400 problem naming it ({@code query parameter 'limit'}).
 */
public class RequestParamsFilter {
    private final Map<Method, List<Declared>> declared = new ConcurrentHashMap<>();

    private record Declared(String kind, String name, Class<?> type) {}

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource) {
        List<Problem.FieldError> errors = new ArrayList<>();
        checkAll("path parameter", request.getUriInfo().getPathParameters(true), errors);
        checkAll("query parameter", request.getUriInfo().getQueryParameters(true), errors);
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method != null) {
            for (Declared d : declared.computeIfAbsent(method, RequestParamsFilter::declaredParams)) {
                List<String> values = switch (d.kind()) {
                    case "path parameter" ->
                        request.getUriInfo().getPathParameters(true).get(d.name());
                    case "query parameter" ->
                        request.getUriInfo().getQueryParameters(true).get(d.name());
                    default -> request.getHeaders().get(d.name());
                };
                if (values == null) {
                    continue;
                }
                for (String v : values) {
                    String problem = d.kind().equals("header") ? InputRules.problem(v) : null;
                    if (problem == null) {
                        problem = numberProblem(d.type(), v);
                    }
                    if (problem != null) {
                        errors.add(new Problem.FieldError(d.kind() + " '" + d.name() + "'", problem));
                        break;
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            Problem.FieldError first = errors.get(0);
            throw new ApiException(400, "Bad Request", "invalid " + first.field() + ": " + first.message(), errors);
        }
    }

    private static void checkAll(String kind, MultivaluedMap<String, String> params, List<Problem.FieldError> errors) {
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String nameProblem = InputRules.problem(e.getKey(), 1000);
            String field = kind + " '" + InputRules.printable(e.getKey(), 100) + "'";
            if (nameProblem != null) {
                errors.add(new Problem.FieldError(field, "name " + nameProblem));
                continue;
            }
            for (String v : e.getValue()) {
                String problem = InputRules.problem(v);
                if (problem != null) {
                    errors.add(new Problem.FieldError(field, problem));
                    break;
                }
            }
        }
    }

    private static List<Declared> declaredParams(Method m) {
        List<Declared> out = new ArrayList<>();
        Class<?>[] types = m.getParameterTypes();
        Annotation[][] annotations = m.getParameterAnnotations();
        for (int i = 0; i < types.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof PathParam p && isNumber(types[i])) {
                    out.add(new Declared("path parameter", p.value(), types[i]));
                } else if (a instanceof QueryParam q && isNumber(types[i])) {
                    out.add(new Declared("query parameter", q.value(), types[i]));
                } else if (a instanceof HeaderParam h) {
                    out.add(new Declared("header", h.value(), types[i]));
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean isNumber(Class<?> t) {
        return t == int.class
                || t == Integer.class
                || t == long.class
                || t == Long.class
                || t == short.class
                || t == Short.class
                || t == double.class
                || t == Double.class
                || t == float.class
                || t == Float.class
                || t == BigInteger.class
                || t == BigDecimal.class;
    }

    private static String numberProblem(Class<?> t, String v) {
        if (!isNumber(t) || v == null || v.isBlank()) {
            return null;
        }
        try {
            if (t == int.class || t == Integer.class) {
                Integer.parseInt(v.strip());
            } else if (t == long.class || t == Long.class) {
                Long.parseLong(v.strip());
            } else if (t == short.class || t == Short.class) {
                Short.parseShort(v.strip());
            } else if (t == BigInteger.class) {
                new BigInteger(v.strip());
            } else {
                double d = Double.parseDouble(v.strip());
                if (!Double.isFinite(d)) {
                    return "expected a finite number";
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return t == double.class
                            || t == Double.class
                            || t == float.class
                            || t == Float.class
                            || t == BigDecimal.class
                    ? "expected a number"
                    : "expected an integer in range";
        }
    }
}
