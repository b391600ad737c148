package io.edgeloop.agent.grpc;

import io.edgeloop.agent.config.AgentConfig;
import io.edgeloop.common.auth.AuthKeys;
import io.edgeloop.kit.auth.AuthConfig;
import io.edgeloop.proto.deployment.v1.DeviceCredential;
import io.edgeloop.proto.deployment.v1.DeviceServiceGrpc;
import io.edgeloop.proto.deployment.v1.EnrollRequest;
import io.edgeloop.proto.deployment.v1.RenewCredentialRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this device's own credential in {@code edgeloop.auth.token-file} (mode 0600), which every outgoing call
 * carries (web-kit's {@code ServiceCredentials} reads the file again when it changes): without one, it enrolls with
 * the one-time enrollment token ({@code edgeloop.agent.enrollment-token[-file]}, deleted once used); past half its
 * lifetime, it renews it ({@code RenewCredential}). A device with neither a credential nor an enrollment token calls
 * without one (and the control plane refuses it).
 */
@ApplicationScoped
public class DeviceCredentialKeeper {
    private static final Logger LOG = Logger.getLogger(DeviceCredentialKeeper.class);

    @Inject
    AgentConfig config;

    @Inject
    AuthConfig auth;

    @Inject
    FleetChannels channels;

    Clock clock = Clock.systemUTC();

    /**
     * Makes sure the device holds a credential that is not past half its lifetime, enrolling or renewing over gRPC
     * when needed.
     *
     * @throws io.grpc.StatusRuntimeException when the deployment service refuses or cannot be reached
     */
    public void ensure() {
        Optional<Path> file = credentialFile();
        if (file.isEmpty()) {
            return; // a fixed edgeloop.auth.token, or no credential at all
        }
        Optional<long[]> life = lifetime(file.get());
        long now = clock.instant().getEpochSecond();
        if (life.isPresent() && now < life.get()[1]) {
            if (now >= life.get()[0] + (life.get()[1] - life.get()[0]) / 2) {
                DeviceCredential c = stub().renewCredential(RenewCredentialRequest.newBuilder()
                        .setDeviceId(config.deviceId())
                        .build());
                store(file.get(), c);
                LOG.infof("renewed the device credential of %s (valid until %s)", config.deviceId(), expiry(c));
            }
            return;
        }
        Optional<String> token = enrollmentToken();
        if (token.isEmpty()) {
            if (life.isPresent()) {
                LOG.warnf("the credential in %s has expired and no enrollment token is configured", file.get());
            }
            return;
        }
        DeviceCredential c = stub().enroll(EnrollRequest.newBuilder()
                .setEnrollmentToken(token.get())
                .setDeviceId(config.deviceId())
                .build());
        store(file.get(), c);
        LOG.infof("enrolled as %s (credential valid until %s)", config.deviceId(), expiry(c));
        config.enrollmentTokenFile().ifPresent(DeviceCredentialKeeper::deleteQuietly);
    }

    private Optional<Path> credentialFile() {
        return auth.token().filter(t -> !t.isBlank()).isPresent() ? Optional.empty() : auth.tokenFile();
    }

    private Optional<String> enrollmentToken() {
        return config.enrollmentToken()
                .or(() -> config.enrollmentTokenFile().filter(Files::exists).map(f -> {
                    try {
                        return Files.readString(f, StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read edgeloop.agent.enrollment-token-file " + f, e);
                    }
                }))
                .map(String::strip)
                .filter(t -> !t.isEmpty());
    }

    private DeviceServiceGrpc.DeviceServiceBlockingStub stub() {
        return DeviceServiceGrpc.newBlockingStub(channels.devices())
                .withDeadlineAfter(config.sync().rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code [issued-at, expires-at]} (epoch seconds) of the credential in {@code file}, empty when unreadable. */
    static Optional<long[]> lifetime(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String[] parts =
                    Files.readString(file, StandardCharsets.US_ASCII).strip().split("\\.");
            if (parts.length < 2) {
                return Optional.empty();
            }
            var claims = org.jose4j.json.JsonUtil.parseJson(
                    new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            if (claims.get("iat") instanceof Number iat && claims.get("exp") instanceof Number exp) {
                return Optional.of(new long[] {iat.longValue(), exp.longValue()});
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | org.jose4j.lang.JoseException e) {
            return Optional.empty();
        }
    }

    private static void store(Path file, DeviceCredential c) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".new");
            AuthKeys.writeSecret(tmp, c.getToken() + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the device credential to " + file, e);
        }
    }

    private static Instant expiry(DeviceCredential c) {
        return Instant.ofEpochSecond(c.getExpiresAt().getSeconds());
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.warnf("cannot delete the used enrollment token %s: %s", f, e.getMessage());
        }
    }
}
