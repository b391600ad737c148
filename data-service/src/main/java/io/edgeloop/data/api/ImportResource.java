package io.edgeloop.data.api;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.data.domain.DatasetCatalog;
import io.edgeloop.data.domain.ImportProgress;
import io.edgeloop.kit.api.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Progress of streamed imports (CSV samples, recordings): rows read, stored, already stored and rejected, and the
 * state, while an import runs and after it ended ({@link ImportProgress}; kept in PostgreSQL, so any replica answers).
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class ImportResource {
    @Inject
    DatasetCatalog catalog;

    @Inject
    ImportProgress imports;

    /** The running and recent imports of a data set, newest first; 404 unknown data set. */
    @GET
    @Path("/{name}/imports")
    public List<ImportProgress.View> list(@PathParam("name") String name) {
        catalog.get(name);
        return imports.list(name);
    }

    /** One import's progress; 404 unknown data set or import. */
    @GET
    @Path("/{name}/imports/{id}")
    public ImportProgress.View get(@PathParam("name") String name, @PathParam("id") String id) {
        catalog.get(name);
        return imports.get(name, id)
                .orElseThrow(() -> ApiException.notFound("no import '" + id + "' of '" + name + "'"));
    }
}
