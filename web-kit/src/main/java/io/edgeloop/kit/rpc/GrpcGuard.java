package io.edgeloop.kit.rpc;

import io.edgeloop.kit.input.InputRules;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Global gRPC server interceptor of every app (the six services and the edge agent):
 *
 * <ul>
 *   <li>Every request message, as it arrives (unary and each message of a client stream), is walked by {@link
 *       MessageChecks}: a string field with a NUL or other C0 control character, an unpaired surrogate or more than
 *       {@code edgeloop.grpc.max-string-length} characters (default 65536; bytes fields are not looked at) ends the
 *       call with {@code INVALID_ARGUMENT} naming the field, before the service method sees the message.
 *   <li>A failure that is not a deliberate status — an exception thrown by a service method, an {@code UNKNOWN}
 *       status, an {@code INTERNAL} status caused by an exception, or any status whose description would reveal
 *       internals (SQL, class names, exception names) — is answered as {@code INTERNAL} with an error id and no
 *       internals; the full detail is logged under that id.
 *   <li>A refusal by Quarkus security ({@code @RolesAllowed} on a service method) is {@code UNAUTHENTICATED} without
 *       a valid token and {@code PERMISSION_DENIED} for a role that does not allow the method.
 * </ul>
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcGuard implements ServerInterceptor, Prioritized {
    private static final Logger LOG = Logger.getLogger(GrpcGuard.class);

    /** Setting for the longest string a gRPC request field may carry. */
    public static final String MAX_STRING_LENGTH_KEY = "edgeloop.grpc.max-string-length";

    @ConfigProperty(name = MAX_STRING_LENGTH_KEY, defaultValue = "65536")
    int maxStringLength;

    @Override
    public int getPriority() {
        // ahead of the other interceptors, so that every status any of them sets passes through this one
        return 1_000_000;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        GuardedCall<Q, A> guarded = new GuardedCall<>(call);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(guarded, headers);
        } catch (RuntimeException e) {
            guarded.fail(e);
            return new ServerCall.Listener<>() {};
        }
        return new GuardedListener<>(delegate, guarded, maxStringLength);
    }

    /** The status a caller gets for {@code status}: unchanged when deliberate, INTERNAL with an error id otherwise. */
    static Status sanitize(Status status, String method) {
        if (status.isOk()) {
            return status;
        }
        Throwable cause = status.getCause();
        Status denied = denial(cause);
        if (denied != null) {
            return denied;
        }
        boolean accidental = status.getCode() == Status.Code.UNKNOWN
                || (status.getCode() == Status.Code.INTERNAL
                        && cause != null
                        && !(cause instanceof StatusRuntimeException)
                        && !(cause instanceof StatusException))
                || InputRules.leaks(status.getDescription());
        if (!accidental) {
            return status;
        }
        String id = InputRules.newErrorId();
        LOG.errorf(
                cause,
                "error %s: %s failed with %s: %s",
                id,
                method,
                status.getCode(),
                InputRules.printable(status.getDescription(), 4000));
        Status.Code code = status.getCode() == Status.Code.UNKNOWN ? Status.Code.INTERNAL : status.getCode();
        return Status.fromCode(code)
                .withDescription(
                        "internal error; it is logged under error id " + id + " (" + InputRules.errorUrn(id) + ")");
    }

    /**
     * UNAUTHENTICATED or PERMISSION_DENIED when {@code cause} (or what caused it) is a refusal by Quarkus security,
     * e.g. a {@code @RolesAllowed} check on the service method; null otherwise.
     */
    static Status denial(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnauthorizedException || t instanceof AuthenticationFailedException) {
                return Status.UNAUTHENTICATED.withDescription(
                        "this method needs a valid bearer token (authorization: Bearer <token>)");
            }
            if (t instanceof ForbiddenException) {
                return Status.PERMISSION_DENIED.withDescription("the caller's roles do not allow this method");
            }
        }
        return null;
    }

    private static final class GuardedCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private final AtomicBoolean closed = new AtomicBoolean();

        GuardedCall(ServerCall<Q, A> delegate) {
            super(delegate);
        }

        String method() {
            return getMethodDescriptor().getFullMethodName();
        }

        @Override
        public void sendMessage(A message) {
            if (!closed.get()) {
                super.sendMessage(message);
            }
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (closed.compareAndSet(false, true)) {
                super.close(sanitize(status, method()), trailers);
            }
        }

        boolean isClosed() {
            return closed.get();
        }

        void fail(Throwable e) {
            Status status = e instanceof StatusRuntimeException s
                    ? s.getStatus()
                    : e instanceof StatusException s ? s.getStatus() : Status.INTERNAL.withCause(e);
            close(status, new Metadata());
        }
    }

    private static final class GuardedListener<Q, A>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final GuardedCall<Q, A> call;
        private final int maxStringLength;
        private boolean rejected;

        GuardedListener(ServerCall.Listener<Q> delegate, GuardedCall<Q, A> call, int maxStringLength) {
            super(delegate);
            this.call = call;
            this.maxStringLength = maxStringLength;
        }

        @Override
        public void onMessage(Q message) {
            if (rejected) {
                return;
            }
            MessageChecks.Violation v = MessageChecks.check(message, maxStringLength);
            if (v != null) {
                rejected = true;
                call.close(Status.INVALID_ARGUMENT.withDescription(v.describe()), new Metadata());
                // lets a streaming handler clean up what earlier messages started
                guard(super::onCancel);
                return;
            }
            guard(() -> super.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            if (!rejected) {
                guard(super::onHalfClose);
            }
        }

        @Override
        public void onCancel() {
            if (!rejected) {
                guard(super::onCancel);
            }
        }

        @Override
        public void onComplete() {
            guard(super::onComplete);
        }

        @Override
        public void onReady() {
            if (!rejected) {
                guard(super::onReady);
            }
        }

        private void guard(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (call.isClosed()) {
                    LOG.debugf(e, "%s failed after the call was closed", call.method());
                } else {
                    call.fail(e);
                }
            }
        }
    }
}
