package io.edgeloop.deployment.domain;

/** Enrollment is not configured: the deployment service has no device issuer key. */
public class EnrollmentUnavailableException extends RuntimeException {
    EnrollmentUnavailableException() {
        super("device enrollment is not configured: the deployment service needs the device issuer key"
                + " (edgeloop.auth.device-issuer-key)");
    }
}
