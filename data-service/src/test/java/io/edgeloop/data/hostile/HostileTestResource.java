package io.edgeloop.data.hostile;

import jakarta.annotation.security.PermitAll;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Test-only endpoints that fail the ways the shared error policy must hide, and a typed body to check strict JSON. */
@PermitAll
@Path("/test-hostile")
@Produces(MediaType.APPLICATION_JSON)
public class HostileTestResource {
    /** A typed body: an int, a string, a map and a nested object. */
    public record Typed(int version, String name, Map<String, String> tags, Inner inner, List<Integer> sizes) {}

    /** Nested object of {@link Typed}. */
    public record Inner(String label) {}

    @GET
    @Path("/boom")
    public String boom() {
        throw new IllegalStateException("insert into secret_table (a) values ('x') at io.edgeloop.Secret");
    }

    @GET
    @Path("/persistence")
    public String persistence() {
        throw new PersistenceException(
                "org.hibernate.exception.DataException: could not execute statement [ERROR: invalid byte sequence]"
                        + " [insert into samples (id) values (?)]");
    }

    @GET
    @Path("/checked")
    public String checked() throws Exception {
        throw new Exception("java.io.IOException: select * from secrets");
    }

    @GET
    @Path("/illegal")
    public String illegal(@QueryParam("leaky") boolean leaky) {
        throw new IllegalArgumentException(
                leaky ? "org.hibernate.query.QueryArgumentException: bad SQL" : "limit must be positive");
    }

    @POST
    @Path("/typed")
    @Consumes(MediaType.APPLICATION_JSON)
    public Typed typed(Typed body) {
        return body;
    }

    @GET
    @Path("/echo/{name}")
    public Map<String, Object> echo(@PathParam("name") String name, @QueryParam("limit") Integer limit) {
        return Map.of("name", name, "limit", limit == null ? -1 : limit);
    }
}
