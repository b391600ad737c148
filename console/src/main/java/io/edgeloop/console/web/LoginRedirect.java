package io.edgeloop.console.web;

import io.edgeloop.kit.api.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A browser that asks for a page without a (valid) token is sent to the login form, which brings it back; any other
 * caller gets web-kit's 401 problem.
 */
public class LoginRedirect {
    private final ProblemMappers problems = new ProblemMappers();

    /** No token. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response unauthenticated(UnauthorizedException e, HttpServerRequest request) {
        return wantsPage(request) ? toLogin(request) : problems.unauthenticated(e);
    }

    /** A token that is invalid, expired or revoked. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response failed(AuthenticationFailedException e, HttpServerRequest request) {
        return wantsPage(request) ? toLogin(request) : problems.authenticationFailed(e);
    }

    private static boolean wantsPage(HttpServerRequest request) {
        String accept = request.getHeader("Accept");
        return HttpMethod.GET.equals(request.method()) && accept != null && accept.contains("text/html");
    }

    private static Response toLogin(HttpServerRequest request) {
        String next = LoginPage.safeNext(request.uri());
        return Response.seeOther(URI.create("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)))
                .build();
    }
}
