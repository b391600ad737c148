package io.edgeloop.testsupport.auth;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Before each {@code @QuarkusTest} method: REST Assured sends the admin token unless the test sets its own
 * {@code Authorization} header ({@link TestAuth#ANONYMOUS} calls as nobody).
 */
public class RestAssuredAuth implements QuarkusTestBeforeEachCallback {
    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof AdminByDefault)) {
            RestAssured.filters(new AdminByDefault());
        }
    }

    /** Adds the admin bearer token to a request that carries no {@code Authorization} header. */
    static final class AdminByDefault implements Filter {
        @Override
        public Response filter(
                FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + TestAuth.adminToken());
            }
            return ctx.next(request, response);
        }
    }
}
