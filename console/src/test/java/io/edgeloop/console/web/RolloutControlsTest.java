package io.edgeloop.console.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.edgeloop.testsupport.auth.TestAuth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Manual rollout control from the fleet page: buttons only for role release, the per-session CSRF token on every
 * POST from the cookie session, other origins refused, and the service's refusals shown as it said them.
 */
@QuarkusTest
class RolloutControlsTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");

    @Test
    void releaseUsersSeeTheControlsViewersDoNot() {
        given().header("Authorization", TestAuth.bearer("rita", "release"))
                .get("/fleet")
                .then()
                .statusCode(200)
                .body(allOf(
                        containsString("action=\"/fleet/rollouts/d-1/rollback\""),
                        not(containsString("/fleet/rollouts/d-1/pause"))));
        given().header("Authorization", TestAuth.bearer("alice", "viewer"))
                .get("/fleet")
                .then()
                .statusCode(200)
                .body(not(containsString("/fleet/rollouts/")));
    }

    @Test
    void aCookieSessionNeedsItsCsrfTokenOnEveryPost() {
        String cookie = login("rita", "release");
        String csrf = csrfOf(cookie);
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .contentType(ContentType.URLENC)
                .formParam("csrf", "forged")
                .post("/fleet/rollouts/d-1/rollback")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("CSRF"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .contentType(ContentType.URLENC)
                .formParam("csrf", csrf)
                .redirects()
                .follow(false)
                .post("/fleet/rollouts/d-1/rollback")
                .then()
                .statusCode(303)
                .header("Location", containsString("/fleet#rollout-d-1"));
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .header("Origin", "http://evil.example")
                .contentType(ContentType.URLENC)
                .formParam("csrf", csrf)
                .post("/fleet/rollouts/d-1/rollback")
                .then()
                .statusCode(403);
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .contentType(ContentType.URLENC)
                .redirects()
                .follow(false)
                .post("/logout")
                .then()
                .statusCode(403);
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .contentType(ContentType.URLENC)
                .formParam("csrf", csrf)
                .redirects()
                .follow(false)
                .post("/logout")
                .then()
                .statusCode(303)
                .header("Set-Cookie", containsString("SameSite=Strict"));
    }

    @Test
    void theServicesRefusalIsShownAsItSaidIt() {
        String viewer = login("alice", "viewer");
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", viewer)
                .accept("text/html")
                .contentType(ContentType.URLENC)
                .formParam("csrf", csrfOf(viewer))
                .post("/fleet/rollouts/d-1/rollback")
                .then()
                .statusCode(403)
                .contentType(ContentType.HTML)
                .body(allOf(containsString("Could not rollback rollout d-1"), containsString("deployment-service")));
        String release = login("rita", "release");
        given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", release)
                .accept("text/html")
                .contentType(ContentType.URLENC)
                .formParam("csrf", csrfOf(release))
                .post("/fleet/rollouts/d-1/pause")
                .then()
                .statusCode(409)
                .body(allOf(containsString("409 Conflict"), containsString("rollout d-1 is COMPLETED, cannot pause")));
        given().header("Authorization", TestAuth.bearer("rita", "release"))
                .accept("application/json")
                .post("/fleet/rollouts/d-1/pause")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("deployment-service refused it: rollout d-1 is COMPLETED"));
        given().header("Authorization", TestAuth.bearer("rita", "release"))
                .post("/fleet/rollouts/d-1/explode")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    private static String login(String user, String role) {
        return given().header("Authorization", TestAuth.ANONYMOUS)
                .contentType(ContentType.URLENC)
                .formParam("token", TestAuth.token(user, role).value())
                .redirects()
                .follow(false)
                .post("/login")
                .then()
                .statusCode(303)
                .extract()
                .cookie("edgeloop_token");
    }

    private static String csrfOf(String cookie) {
        String html = given().header("Authorization", TestAuth.ANONYMOUS)
                .cookie("edgeloop_token", cookie)
                .get("/fleet")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF token on the fleet page");
        }
        return m.group(1);
    }
}
