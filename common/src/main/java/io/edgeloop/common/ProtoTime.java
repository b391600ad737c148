package io.edgeloop.common;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions between {@link Instant} and protobuf {@link Timestamp}. */
public final class ProtoTime {
    private ProtoTime() {}

    public static Timestamp of(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    public static Timestamp now() {
        return of(Instant.now());
    }

    public static Instant toInstant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    }
}
