package io.edgeloop.common.grpc;

import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.function.Consumer;

/** {@link StreamObserver}s from lambdas, for async stubs' responses. */
public final class Observers {
    private Observers() {}

    /** An observer calling {@code next} per message, {@code error} on failure and {@code completed} at the end. */
    public static <T> StreamObserver<T> of(Consumer<T> next, Consumer<Throwable> error, Runnable completed) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(completed, "completed");
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                next.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                error.accept(t);
            }

            @Override
            public void onCompleted() {
                completed.run();
            }
        };
    }
}
