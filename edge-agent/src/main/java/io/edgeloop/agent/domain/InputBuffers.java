package io.edgeloop.agent.domain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reusable native memory for ONNX Runtime's input tensors, per thread (issue 15, the serving peak): ONNX Runtime
 * copies a heap array into a new direct buffer on every call (freed only when the garbage collector finds it), so
 * each request allocated native memory through malloc. Instead the input is written into this thread's direct buffer
 * for that input, which ONNX Runtime uses without a copy. A buffer is reused by the next inference on the same
 * thread, so the tensor made from it must be closed before the thread runs another inference (as
 * {@link LoadedModel} does). Inputs larger than {@value #MAX_CACHED_BYTES} bytes, or past the
 * {@value #MAX_CACHED_INPUTS}th input of a call, get a buffer of their own (not kept).
 */
final class InputBuffers {
    /** Largest input kept per thread and input position. */
    static final int MAX_CACHED_BYTES = 1 << 20;

    /** Inputs of one call that get a kept buffer. */
    static final int MAX_CACHED_INPUTS = 8;

    private static final ThreadLocal<ByteBuffer[]> KEPT =
            ThreadLocal.withInitial(() -> new ByteBuffer[MAX_CACHED_INPUTS]);

    private InputBuffers() {}

    /**
     * A native-order direct buffer of exactly {@code bytes} (position 0) for input {@code slot} of the calling
     * thread's current inference.
     */
    static ByteBuffer forInput(int slot, int bytes) {
        if (bytes > MAX_CACHED_BYTES || slot < 0 || slot >= MAX_CACHED_INPUTS) {
            return fresh(bytes);
        }
        ByteBuffer[] kept = KEPT.get();
        ByteBuffer b = kept[slot];
        if (b == null || b.capacity() < bytes) {
            // grow to the next power of two (at least 1 KiB), so slowly varying sizes do not allocate every time
            int capacity = Math.max(1024, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
            b = fresh(Math.min(capacity, MAX_CACHED_BYTES));
            kept[slot] = b;
        }
        b.clear().limit(bytes);
        return b.slice().order(ByteOrder.nativeOrder());
    }

    /** A new native-order direct buffer of {@code bytes}. */
    static ByteBuffer fresh(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
