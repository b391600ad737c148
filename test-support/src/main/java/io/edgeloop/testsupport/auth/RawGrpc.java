package io.edgeloop.testsupport.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calling any gRPC method with raw message bytes, for probes that know a method only by its name. */
public final class RawGrpc {
    /** Request and response bodies as they are on the wire. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private RawGrpc() {}

    /** A descriptor of {@code fullMethodName} of any type, with raw bytes both ways. */
    public static MethodDescriptor<byte[], byte[]> method(String fullMethodName) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /**
     * What one probe call ended with.
     *
     * @param status the status the call closed with; null when it did not close in time
     */
    public record Outcome(Status status) {
        /** Whether the call closed in time. */
        public boolean answered() {
            return status != null;
        }
    }

    /**
     * Sends {@code request} to {@code method} as {@code authorization}, half-closes and waits for the status: three
     * seconds when the method streams its response (a stream still open then has passed authorization and waits for
     * more; it is cancelled), 60 seconds otherwise (a cold, loaded test JVM can be slow).
     */
    public static Outcome probe(
            Channel channel, String method, byte[] request, String authorization, boolean streamsResponse) {
        ClientCall<byte[], byte[]> call = channel.newCall(method(method), CallOptions.DEFAULT);
        CompletableFuture<Status> done = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        done.complete(status);
                    }
                },
                authorization(authorization));
        call.request(Integer.MAX_VALUE);
        call.sendMessage(request);
        call.halfClose();
        try {
            return new Outcome(done.get(streamsResponse ? 3 : 60, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            call.cancel("probe done", null);
            return new Outcome(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Metadata carrying {@code authorization} as the {@code authorization} header. */
    public static Metadata authorization(String authorization) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, authorization);
        return headers;
    }
}
