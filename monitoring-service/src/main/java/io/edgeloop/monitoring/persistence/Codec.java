package io.edgeloop.monitoring.persistence;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Packs numeric arrays into little-endian {@code bytea} values, and lists of byte strings into one. */
public final class Codec {
    private Codec() {}

    public static byte[] doubles(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    public static double[] doubles(byte[] bytes) {
        double[] out = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    public static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Packs byte strings as a count, then each one's length and bytes (big-endian ints). */
    public static byte[] blobs(java.util.List<byte[]> parts) {
        int size = Integer.BYTES * (1 + parts.size());
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(parts.size());
        for (byte[] part : parts) {
            b.putInt(part.length).put(part);
        }
        return b.array();
    }

    /** The byte strings {@link #blobs(java.util.List)} packed. */
    public static java.util.List<byte[]> blobs(byte[] packed) {
        ByteBuffer b = ByteBuffer.wrap(packed);
        int count = b.getInt();
        java.util.List<byte[]> parts = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] part = new byte[b.getInt()];
            b.get(part);
            parts.add(part);
        }
        return parts;
    }
}
