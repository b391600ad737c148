package io.edgeloop.console.web;

import io.edgeloop.common.auth.Roles;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Login with a bearer token (anyone may call it): the form takes the user's token (minted with {@code edgeloop token
 * mint}), checks it as the services would (signature, issuer, expiry, role {@code viewer} or one implying it) and
 * keeps it in an HttpOnly, SameSite=Strict cookie that the console verifies on every page and forwards to the
 * services. Logout clears the cookie. Scripts may send {@code Authorization: Bearer} instead of logging in.
 */
@Path("/")
@PermitAll
public class LoginPage {
    /** The longest token the form accepts. */
    static final int MAX_TOKEN = 16 * 1024;

    @Inject
    JWTParser parser;

    @Inject
    ConsoleSession session;

    @ConfigProperty(name = "mp.jwt.token.cookie")
    String cookie;

    /** The form; {@code next} is where to go after logging in (a path of this console). */
    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form(@QueryParam("next") String next) {
        return Pages.login(safeNext(next), "");
    }

    /** Checks the token and sets the cookie (303 to {@code next}); 401 with the form again when it is refused. */
    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response login(@FormParam("token") String token, @FormParam("next") String next) {
        String target = safeNext(next);
        String t = token == null ? "" : token.trim();
        if (t.isEmpty() || t.length() > MAX_TOKEN) {
            return refused(401, target, "paste a token (at most 16 KiB)");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(t);
        } catch (ParseException | RuntimeException e) {
            return refused(401, target, "the token is invalid or expired");
        }
        Set<String> roles = Roles.expand(jwt.getGroups() == null ? Set.of() : jwt.getGroups());
        if (!roles.contains(Roles.VIEWER)) {
            return refused(403, target, "this token has no role that may view the console (viewer or above)");
        }
        long ttl = Math.max(1, jwt.getExpirationTime() - System.currentTimeMillis() / 1000);
        return Response.seeOther(URI.create(target))
                .cookie(new NewCookie.Builder(cookie)
                        .value(t)
                        .path("/")
                        .httpOnly(true)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .maxAge((int) Math.min(Integer.MAX_VALUE, ttl))
                        .build())
                .build();
    }

    /** Clears the cookie (the form's CSRF token is checked while the session is valid); 303 to the login form. */
    @POST
    @Path("logout")
    public Response logout(@FormParam("csrf") String csrf, @HeaderParam("Authorization") String authorization) {
        session.checkCsrf(csrf, authorization);
        return Response.seeOther(URI.create("/login"))
                .cookie(new NewCookie.Builder(cookie)
                        .value("")
                        .path("/")
                        .httpOnly(true)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .maxAge(0)
                        .build())
                .build();
    }

    private static Response refused(int status, String next, String error) {
        return Response.status(status)
                .type(MediaType.TEXT_HTML)
                .entity(Pages.login(next, error).render())
                .build();
    }

    /** A local path to return to ({@code /...}, not {@code //host}); {@code /} otherwise. */
    static String safeNext(String next) {
        if (next == null
                || next.length() > 512
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")
                || !next.matches("[A-Za-z0-9/._~?=&%:@-]*")) {
            return "/";
        }
        return next;
    }
}
