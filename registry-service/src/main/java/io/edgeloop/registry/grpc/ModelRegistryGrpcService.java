package io.edgeloop.registry.grpc;

import io.edgeloop.common.auth.Roles;
import io.edgeloop.kit.auth.Caller;
import io.edgeloop.proto.registry.v1.AddVariantRequest;
import io.edgeloop.proto.registry.v1.GetVersionRequest;
import io.edgeloop.proto.registry.v1.ModelRegistryGrpc;
import io.edgeloop.proto.registry.v1.ModelVariant;
import io.edgeloop.proto.registry.v1.ModelVersion;
import io.edgeloop.proto.registry.v1.RegisterVersionRequest;
import io.edgeloop.proto.registry.v1.SetAliasRequest;
import io.edgeloop.registry.domain.ModelRegistry;
import io.edgeloop.registry.domain.RegistryException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * gRPC face of {@link ModelRegistry}: RegisterVersion, AddVariant, GetVersion (version 0 = latest, or by alias) and
 * SetAlias. Errors map to INVALID_ARGUMENT, NOT_FOUND and FAILED_PRECONDITION with a description. RegisterVersion and
 * AddVariant need {@code ml} (the caller is recorded as who registered, and registration signs the artifact),
 * SetAlias {@code release} (the history records the caller; the request's {@code actor} is ignored), GetVersion
 * {@code viewer}.
 */
@GrpcService
public class ModelRegistryGrpcService extends ModelRegistryGrpc.ModelRegistryImplBase {
    private static final Logger LOG = Logger.getLogger(ModelRegistryGrpcService.class);

    @Inject
    ModelRegistry registry;

    @Inject
    SecurityIdentity identity;

    @Override
    @Blocking
    @RolesAllowed(Roles.ML)
    public void registerVersion(RegisterVersionRequest request, StreamObserver<ModelVersion> response) {
        String subject = Caller.subject(identity);
        respond(response, () -> ProtoMapper.toProto(registry.register(request, subject)));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.ML)
    public void addVariant(AddVariantRequest request, StreamObserver<ModelVariant> response) {
        String subject = Caller.subject(identity);
        respond(response, () -> ProtoMapper.toProto(registry.addVariant(request, subject)));
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.VIEWER)
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
        respond(response, () -> {
            if (!request.getAlias().isEmpty()) {
                if (request.getVersion() != 0) {
                    throw RegistryException.invalid(
                            List.of("version: must be 0 when an alias is given, got " + request.getVersion()));
                }
                return ProtoMapper.toProto(registry.versionByAlias(request.getModelName(), request.getAlias()));
            }
            return ProtoMapper.toProto(registry.version(request.getModelName(), request.getVersion()));
        });
    }

    @Override
    @Blocking
    @RolesAllowed(Roles.RELEASE)
    public void setAlias(SetAliasRequest request, StreamObserver<ModelVersion> response) {
        String subject = Caller.subject(identity);
        respond(
                response,
                () -> ProtoMapper.toProto(registry.setAlias(
                        request.getModelName(),
                        request.getAlias(),
                        request.getVersion(),
                        subject,
                        request.getReason())));
    }

    private static <T> void respond(StreamObserver<T> response, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RegistryException e) {
            response.onError(ProtoMapper.toStatus(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("registry call failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
