package io.edgeloop.agent.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 keep-alive client over one socket, for the benchmark: it writes a POST and reads the status line,
 * the headers and a {@code Content-Length} body, with no thread hops or allocations beyond the buffers, so that the
 * figures measure the agent rather than the client ({@code java.net.http.HttpClient} adds its own selector thread and
 * per-request objects). Not thread-safe: one per client thread.
 */
final class RawHttpClient implements AutoCloseable {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private final byte[] buffer = new byte[64 * 1024];
    /** Unread bytes are {@code buffer[pos, len)} (a pipelined response may follow the one read). */
    private int pos;

    private int len;

    RawHttpClient(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.host = host + ":" + port;
    }

    /** POSTs {@code json} to {@code path}; returns the status code (the body is read and dropped). */
    int post(String path, String json) throws IOException {
        send(path, json);
        return readResponse();
    }

    /**
     * Writes a POST of {@code json} to {@code path} without waiting for its response (HTTP/1.1 pipelining: read the
     * responses in order with {@link #readResponse()}).
     */
    void send(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream(head.length() + body.length);
        request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        request.writeTo(out);
        out.flush();
    }

    /** Reads the next response; returns its status code (the body is read and dropped). */
    int readResponse() throws IOException {
        int headerEnd;
        while ((headerEnd = indexOf(buffer, pos, len)) < 0) {
            fill();
        }
        String headers = new String(buffer, pos, headerEnd - pos, StandardCharsets.US_ASCII);
        int status = Integer.parseInt(headers.substring(9, 12));
        int contentLength = 0;
        boolean chunked = false;
        for (String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
            chunked |= line.regionMatches(true, 0, "transfer-encoding: chunked", 0, 26);
        }
        pos = headerEnd + 4;
        if (chunked) {
            skipChunked();
            return status;
        }
        int remaining = contentLength;
        while (len - pos < remaining) {
            remaining -= len - pos;
            pos = len;
            fill();
        }
        pos += remaining;
        return status;
    }

    /** Reads more bytes after the unread ones ({@code buffer[pos, len)}). */
    private void fill() throws IOException {
        if (pos == len) {
            pos = 0;
            len = 0;
        } else if (len == buffer.length) {
            System.arraycopy(buffer, pos, buffer, 0, len - pos);
            len -= pos;
            pos = 0;
        }
        int n = in.read(buffer, len, buffer.length - len);
        if (n < 0) {
            throw new IOException("connection closed");
        }
        len += n;
    }

    /** Skips a chunked body up to its last chunk (kept simple: the terminator "0\r\n\r\n" ends the body). */
    private void skipChunked() throws IOException {
        int matched = 0;
        while (true) {
            while (pos < len) {
                byte b = buffer[pos++];
                matched = b == LAST_CHUNK[matched] ? matched + 1 : b == LAST_CHUNK[0] ? 1 : 0;
                if (matched == LAST_CHUNK.length) {
                    return;
                }
            }
            fill();
        }
    }

    /** The position of the first CRLFCRLF in {@code b[from, to)}, or -1. */
    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from + 3; i < to; i++) {
            if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') {
                return i - 3;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
