package io.edgeloop.deployment.domain;

import io.edgeloop.common.Hashing;
import io.edgeloop.common.auth.DeviceTokens;
import io.edgeloop.common.auth.TokenMinter;
import io.edgeloop.deployment.config.DeploymentConfig;
import io.edgeloop.deployment.persistence.DeviceCredentialEntity;
import io.edgeloop.deployment.persistence.DeviceEntity;
import io.edgeloop.deployment.persistence.EnrollmentTokenEntity;
import io.edgeloop.kit.input.FieldLimits;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Device enrollment: an administrator issues a one-time enrollment token (optionally for one device id); the device
 * trades it once, anonymously, for its own credential ({@link DeviceTokens#credential}, subject = device id, role
 * {@code device}) and renews that credential while it is not revoked. Every credential issued is recorded, so that
 * revoking the device (or enrolling it again) puts all of them on the stack's revocation list.
 */
@ApplicationScoped
public class Enrollment {
    private static final Logger LOG = Logger.getLogger(Enrollment.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "enr_";
    /** The one answer for an unknown, used, expired or cancelled enrollment token. */
    static final String NOT_GOOD = "the enrollment token is not valid (unknown, used, expired or cancelled)";

    @Inject
    DeviceIssuer issuer;

    @Inject
    DeploymentConfig config;

    @Inject
    Clock clock;

    /** An enrollment token as issued: its secret is shown once. */
    public record Issued(EnrollmentTokenEntity token, String secret) {}

    /**
     * Issues a one-time token, good for {@code ttl} (the configured default when null) and, when {@code deviceId} is
     * not null, only for that device.
     */
    @Transactional
    public Issued issue(String deviceId, Duration ttl, String actor) {
        requireIssuer();
        Duration life = ttl == null ? config.enrollment().tokenTtl() : ttl;
        if (life.isNegative()
                || life.isZero()
                || life.compareTo(config.enrollment().maxTokenTtl()) > 0) {
            throw new IllegalArgumentException(
                    "ttl must be positive and at most " + config.enrollment().maxTokenTtl() + ", was " + life);
        }
        if (deviceId != null) {
            DeviceEntity device = DeviceEntity.findById(deviceId);
            if (device != null && device.isRevoked()) {
                throw new IllegalArgumentException("deviceId '" + deviceId + "' is revoked and cannot enroll again");
            }
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        EnrollmentTokenEntity t = new EnrollmentTokenEntity();
        t.id = UUID.randomUUID().toString();
        t.secretSha256 = hash(secret);
        t.deviceId = deviceId;
        t.createdBy = FleetService.truncate(actor, FieldLimits.ID);
        t.createdAt = clock.instant();
        t.expiresAt = t.createdAt.plus(life);
        t.persist();
        LOG.infof(
                "enrollment token %s issued by %s for %s, expires %s",
                t.id, actor, deviceId == null ? "any device" : deviceId, t.expiresAt);
        return new Issued(t, secret);
    }

    /** Every enrollment token, newest first. */
    @Transactional
    public List<EnrollmentTokenEntity> list() {
        return EnrollmentTokenEntity.listAll(Sort.descending("createdAt"));
    }

    /**
     * Cancels an unused token.
     *
     * @return false when there is no such token
     */
    @Transactional
    public boolean cancel(String id) {
        EnrollmentTokenEntity t = EnrollmentTokenEntity.findById(id);
        if (t == null) {
            return false;
        }
        if (t.usedAt == null && t.cancelledAt == null) {
            t.cancelledAt = clock.instant();
        }
        return true;
    }

    /**
     * Trades {@code secret} for a credential of {@code deviceId}: the token must be unused, not cancelled, not
     * expired and (when it names one) for this device; the device must not be revoked. Enrolling a device again
     * revokes its earlier credentials. The device that used the token may present it again within the retry window
     * (its answer was lost, e.g. to a client deadline): it gets a new credential and the first is revoked.
     *
     * @throws EnrollmentRefusedException when it may not
     * @throws EnrollmentUnavailableException when no device issuer key is configured
     */
    @Transactional
    public TokenMinter.Token enroll(String secret, String deviceId) {
        DeviceTokens tokens = requireIssuer();
        Optional<EnrollmentTokenEntity> found = secret == null || !secret.startsWith(PREFIX)
                ? Optional.empty()
                : EnrollmentTokenEntity.<EnrollmentTokenEntity>find("secretSha256", hash(secret))
                        .withLock(LockModeType.PESSIMISTIC_WRITE)
                        .firstResultOptional();
        Instant now = clock.instant();
        EnrollmentTokenEntity t = found.filter(e -> e.status(now).equals("active") || retry(e, deviceId, now))
                .orElseThrow(() -> new EnrollmentRefusedException(NOT_GOOD, true));
        boolean retried = t.usedAt != null;
        if (t.deviceId != null && !t.deviceId.equals(deviceId)) {
            throw new EnrollmentRefusedException("the enrollment token was issued for another device id", false);
        }
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device != null && device.isRevoked()) {
            throw new EnrollmentRefusedException("device '" + deviceId + "' is revoked", false);
        }
        if (!retried) { // a retry keeps the first use's time: the window does not slide
            t.usedAt = now;
            t.usedBy = deviceId;
        }
        int replaced = revokeCredentials(deviceId, now);
        LOG.infof(
                "device %s enrolled with token %s%s%s",
                deviceId,
                t.id,
                retried ? " again (a retry within the window)" : "",
                replaced > 0 ? " (its " + replaced + " earlier credential(s) revoked)" : "");
        return record(tokens.credential(deviceId, config.enrollment().credentialTtl()), deviceId, now);
    }

    /** Whether {@code t} was used by {@code deviceId} within the retry window (and not cancelled since). */
    private boolean retry(EnrollmentTokenEntity t, String deviceId, Instant now) {
        return t.usedAt != null
                && t.cancelledAt == null
                && deviceId.equals(t.usedBy)
                && !now.isAfter(t.usedAt.plus(config.enrollment().retryWindow()));
    }

    /**
     * A fresh credential for {@code deviceId} (the caller has been checked to act for it).
     *
     * @throws EnrollmentRefusedException when the device is revoked
     */
    @Transactional
    public TokenMinter.Token renew(String deviceId) {
        DeviceTokens tokens = requireIssuer();
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device != null && device.isRevoked()) {
            throw new EnrollmentRefusedException("device '" + deviceId + "' is revoked", false);
        }
        return record(tokens.credential(deviceId, config.enrollment().credentialTtl()), deviceId, clock.instant());
    }

    /**
     * Puts the device on the stack's revocation list (every device credential of it, also ones an operator minted),
     * and each credential issued here, and cancels its unused enrollment tokens (part of revoking the device).
     *
     * @return how many credentials issued here were revoked
     */
    @Transactional
    public int revokeAll(String deviceId) {
        Instant now = clock.instant();
        EnrollmentTokenEntity.update(
                "cancelledAt = ?1 where deviceId = ?2 and usedAt is null and cancelledAt is null", now, deviceId);
        int revoked = revokeCredentials(deviceId, now);
        if (revoked > 0 || DeviceEntity.findById(deviceId) != null) {
            issuer.revokeDevice(deviceId); // only devices the fleet knows: nothing is written for unknown ids
        }
        return revoked;
    }

    private int revokeCredentials(String deviceId, Instant now) {
        List<DeviceCredentialEntity> open =
                DeviceCredentialEntity.list("deviceId = ?1 and revokedAt is null", deviceId);
        for (DeviceCredentialEntity c : open) {
            c.revokedAt = now;
            issuer.revoke(c.id);
        }
        return open.size();
    }

    private static TokenMinter.Token record(TokenMinter.Token token, String deviceId, Instant now) {
        DeviceCredentialEntity c = new DeviceCredentialEntity();
        c.id = token.id();
        c.deviceId = deviceId;
        c.issuedAt = now;
        c.expiresAt = Instant.ofEpochSecond(token.expiresAtEpochSecond());
        c.persist();
        return token;
    }

    private DeviceTokens requireIssuer() {
        return issuer.tokens().orElseThrow(EnrollmentUnavailableException::new);
    }

    private static String hash(String secret) {
        return Hashing.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
    }
}
