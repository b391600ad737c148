package io.edgeloop.kit.auth;

import io.edgeloop.common.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, for audit records and for scoping devices to themselves.
 *
 * <p>A caller whose only stack role is {@link Roles#DEVICE} acts for one device, the token's subject; people and
 * services with {@link Roles#RELEASE} or {@link Roles#ADMIN} may act for any device.
 */
public final class Caller {
    private Caller() {}

    /** The authenticated subject, or {@code anonymous}. */
    public static String subject(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous()
                ? "anonymous"
                : identity.getPrincipal().getName();
    }

    /** Whether {@code identity} may act for device {@code deviceId}. */
    public static boolean mayActFor(SecurityIdentity identity, String deviceId) {
        if (identity == null || identity.isAnonymous()) {
            return false;
        }
        if (identity.hasRole(Roles.ADMIN) || identity.hasRole(Roles.RELEASE)) {
            return true;
        }
        return identity.hasRole(Roles.DEVICE)
                && identity.getPrincipal().getName().equals(deviceId);
    }

    /** Whether {@code identity} is a device acting only for itself (not an operator). */
    public static boolean isDevice(SecurityIdentity identity) {
        return identity != null
                && !identity.isAnonymous()
                && identity.hasRole(Roles.DEVICE)
                && !identity.hasRole(Roles.ADMIN)
                && !identity.hasRole(Roles.RELEASE);
    }
}
