package io.edgeloop.testsupport;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Errors queued per RPC for retry tests: {@code failNext(method, 2, Status.UNAVAILABLE)} answers the next two calls of
 * {@code method} with UNAVAILABLE, later calls are served normally. Thread-safe.
 */
public final class InjectedFaults {
    private final Map<String, Queue<Status>> pending = new ConcurrentHashMap<>();

    /**
     * Answers the next {@code times} calls of {@code method} with {@code status} (after the faults queued before).
     *
     * @throws IllegalArgumentException when {@code times} is negative or {@code status} is OK
     */
    public void failNext(MethodDescriptor<?, ?> method, int times, Status status) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative, got " + times);
        }
        if (status.isOk()) {
            throw new IllegalArgumentException("an injected fault needs an error status, got OK");
        }
        Queue<Status> queue = pending.computeIfAbsent(method.getFullMethodName(), k -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(status);
        }
    }

    /** Faults still queued for {@code method}. */
    public int pending(MethodDescriptor<?, ?> method) {
        Queue<Status> queue = pending.get(method.getFullMethodName());
        return queue == null ? 0 : queue.size();
    }

    /** Drops every queued fault. */
    public void clear() {
        pending.clear();
    }

    /** Throws the next fault queued for {@code method}, if any. */
    void check(MethodDescriptor<?, ?> method) {
        StatusRuntimeException fault = take(method);
        if (fault != null) {
            throw fault;
        }
    }

    /**
     * Answers a unary call of {@code method}: with the next fault queued for it, else with what {@code work} returns
     * or the {@link StatusRuntimeException} it throws.
     */
    <T> void answer(MethodDescriptor<?, ?> method, StreamObserver<T> response, Supplier<T> work) {
        T result;
        try {
            check(method);
            result = work.get();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** Takes the next fault queued for {@code method}: the error to answer this call with, or null to serve it. */
    StatusRuntimeException take(MethodDescriptor<?, ?> method) {
        Queue<Status> queue = pending.get(method.getFullMethodName());
        Status status = queue == null ? null : queue.poll();
        if (status == null) {
            return null;
        }
        return (status.getDescription() == null ? status.withDescription("injected fault") : status)
                .asRuntimeException();
    }
}
