package io.edgeloop.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeloop.common.auth.Roles;
import io.edgeloop.registry.TestArtifacts;
import io.edgeloop.testsupport.auth.TestAuth;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.ModelRegistry.RegisteredModelTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client (2.17.2) on the calls that change a registered model. That client has no methods
 * for them (no {@code updateRegisteredModel}, {@code renameRegisteredModel}, {@code deleteRegisteredModel}, {@code
 * setRegisteredModelTag}, {@code deleteRegisteredModelTag} or {@code updateModelVersion}): tags are set through its
 * raw {@code sendPost}, updates go through its raw {@code sendPatch}, the rename through {@code sendPost}, and what
 * they changed is read back through its typed getters (which parse the answers with MLflow's own protobuf
 * classes). It cannot send a DELETE at all, so {@code registered-models/delete} and {@code delete-tag} are sent as
 * MLflow's Python client sends them (HTTP DELETE with a JSON body), and the official client then reads the result.
 */
@QuarkusTest
class MlflowClientLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @GrpcClient("self")
    Channel channel;

    @TestHTTPResource("/")
    URL root;

    private MlflowClient client(String subject, String... roles) {
        return new MlflowClient(
                new BasicMlflowHostCreds(host(), TestAuth.token(subject, roles).value()));
    }

    private String host() {
        return root.toString().replaceAll("/+$", "");
    }

    @Test
    void descriptionsRenameAndDeleteThroughTheOfficialClient() throws Exception {
        MlflowClient ml = client("mlflow-user", Roles.ML);
        String prefix = "mlcl-" + UUID.randomUUID().toString().substring(0, 8);
        String name = prefix + "-kws";
        String sha = TestArtifacts.upload(channel, TestArtifacts.randomBytes(2000, name.hashCode()))
                .getSha256();

        // rename: a model that has no version yet (e.g. a typo right after create)
        ml.sendPost("registered-models/create", json(Map.of("name", prefix + "-kwz")));
        JsonNode renamed = JSON.readTree(
                ml.sendPost("registered-models/rename", json(Map.of("name", prefix + "-kwz", "new_name", name))));
        assertEquals(name, renamed.at("/registered_model/name").asText());
        assertEquals(name, ml.getRegisteredModel(name).getName());
        MlflowClientRegistryTest.assertMlflowError(
                () -> ml.getRegisteredModel(prefix + "-kwz"), 404, "RESOURCE_DOES_NOT_EXIST");

        ml.sendPost("model-versions/create", json(Map.of("name", name, "source", "sha256:" + sha)));
        JsonNode updated = JSON.readTree(ml.sendPatch(
                "registered-models/update", json(Map.of("name", name, "description", "Wake-word detector"))));
        assertEquals(
                "Wake-word detector",
                updated.at("/registered_model/description").asText());
        ml.sendPatch(
                "model-versions/update",
                json(Map.of("name", name, "version", "1", "description", "first INT8-ready build")));

        assertEquals("Wake-word detector", ml.getRegisteredModel(name).getDescription());
        assertEquals("first INT8-ready build", ml.getModelVersion(name, "1").getDescription());
        assertEquals("first INT8-ready build", ml.getLatestVersions(name).get(0).getDescription());
        assertEquals(
                "first INT8-ready build",
                ml.searchModelVersions("name='" + name + "'").getItems().get(0).getDescription());

        // a model with versions keeps its name: other services refer to it
        String rename = json(Map.of("name", name, "new_name", prefix + "-other"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> ml.sendPost("registered-models/rename", rename), 409, "INVALID_STATE");
        String update = json(Map.of("name", name, "description", "x"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> client("viewer", Roles.VIEWER).sendPatch("registered-models/update", update),
                403,
                "PERMISSION_DENIED");
        String noSuchVersion = json(Map.of("name", name, "version", "9"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> ml.sendPatch("model-versions/update", noSuchVersion), 404, "RESOURCE_DOES_NOT_EXIST");

        // delete as the Python client sends it; ml may not, admin may
        assertEquals(403, delete(TestAuth.bearer("mlflow-user", Roles.ML), name).statusCode());
        HttpResponse<String> deleted = delete(TestAuth.bearer("root", Roles.ADMIN), name);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("{}", deleted.body());
        MlflowClientRegistryTest.assertMlflowError(() -> ml.getRegisteredModel(name), 404, "RESOURCE_DOES_NOT_EXIST");
        MlflowClientRegistryTest.assertMlflowError(() -> ml.getModelVersion(name, "1"), 404, "RESOURCE_DOES_NOT_EXIST");
        MlflowClientRegistryTest.assertMlflowError(() -> ml.getLatestVersions(name), 404, "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void registeredModelTagsThroughTheOfficialClient() throws Exception {
        MlflowClient ml = client("mlflow-user", Roles.ML);
        String name = "mlct-" + UUID.randomUUID().toString().substring(0, 8);
        ml.sendPost("registered-models/create", json(Map.of("name", name)));
        long created = ml.getRegisteredModel(name).getLastUpdatedTimestamp();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> System.currentTimeMillis() > created);

        // the client has no setRegisteredModelTag / deleteRegisteredModelTag: set-tag through its sendPost
        assertEquals(
                "{}",
                ml.sendPost(
                        "registered-models/set-tag", json(Map.of("name", name, "key", "owner", "value", "kws-team"))));
        ml.sendPost("registered-models/set-tag", json(Map.of("name", name, "key", "purpose", "value", "wake word")));
        RegisteredModel model = ml.getRegisteredModel(name);
        assertEquals(Map.of("owner", "kws-team", "purpose", "wake word"), tags(model));
        assertTrue(model.getLastUpdatedTimestamp() > created, created + " -> " + model.getLastUpdatedTimestamp());

        // delete-tag as the Python client sends it (DELETE with a JSON body); viewer may not
        String deleteOwner = json(Map.of("name", name, "key", "owner"));
        assertEquals(
                403,
                send("DELETE", "registered-models/delete-tag", TestAuth.bearer("v", Roles.VIEWER), deleteOwner)
                        .statusCode());
        HttpResponse<String> deleted =
                send("DELETE", "registered-models/delete-tag", TestAuth.bearer("mlflow-user", Roles.ML), deleteOwner);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("{}", deleted.body());
        assertEquals(Map.of("purpose", "wake word"), tags(ml.getRegisteredModel(name)));

        String unknown = json(Map.of("name", name + "-none", "key", "k", "value", "v"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> ml.sendPost("registered-models/set-tag", unknown), 404, "RESOURCE_DOES_NOT_EXIST");
        String noKey = json(Map.of("name", name, "value", "v"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> ml.sendPost("registered-models/set-tag", noKey), 400, "INVALID_PARAMETER_VALUE");
        String byViewer = json(Map.of("name", name, "key", "k", "value", "v"));
        MlflowClientRegistryTest.assertMlflowError(
                () -> client("viewer", Roles.VIEWER).sendPost("registered-models/set-tag", byViewer),
                403,
                "PERMISSION_DENIED");
        assertEquals(Map.of("purpose", "wake word"), tags(ml.getRegisteredModel(name)));
    }

    private static Map<String, String> tags(RegisteredModel model) {
        return model.getTagsList().stream()
                .collect(Collectors.toMap(RegisteredModelTag::getKey, RegisteredModelTag::getValue));
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(host() + "/api/2.0/mlflow/" + path))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String authorization, String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(host() + "/api/2.0/mlflow/registered-models/delete"))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json(Map.of("name", name))))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }
}
