package io.edgeloop.deployment.domain;

/** A call made for a device that an administrator revoked (gRPC PERMISSION_DENIED). */
public class DeviceRevokedException extends RuntimeException {
    public DeviceRevokedException(String deviceId) {
        super("device '" + deviceId + "' was revoked");
    }
}
