package io.edgeloop.kit.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A request entity stream that fails with a problem+json 413 ({@link ApiException}) once more than {@code limit}
 * bytes were read or skipped: the cut-off for bodies without a declared length (chunked), which cannot be refused
 * before they are read.
 */
public final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String setting;
    private long read;

    /**
     * @param in the entity stream
     * @param limit most bytes allowed
     * @param setting what sets the limit, named in the 413's detail (e.g. {@code quarkus.http.limits.max-body-size})
     */
    public LimitedInputStream(InputStream in, long limit, String setting) {
        super(in);
        this.limit = limit;
        this.setting = setting;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    private void count(long n) {
        read += n;
        if (read > limit) {
            throw new ApiException(
                    413,
                    "Content Too Large",
                    "request body is larger than the limit of " + limit + " bytes (" + setting + ")",
                    List.of());
        }
    }
}
