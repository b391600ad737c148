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
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private final byte[] buffer = new byte[64 * 1024];

    RawHttpClient(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.host = host + ":" + port;
    }

    /** POSTs {@code json} to {@code path}; returns the status code (the body is read and dropped). */
    int post(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream(head.length() + body.length);
        request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        request.writeTo(out);
        out.flush();
        return readResponse();
    }

    private int readResponse() throws IOException {
        int len = 0;
        int headerEnd = -1;
        while (headerEnd < 0) {
            int n = in.read(buffer, len, buffer.length - len);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            len += n;
            headerEnd = indexOf(buffer, len);
        }
        String headers = new String(buffer, 0, headerEnd, StandardCharsets.US_ASCII);
        int status = Integer.parseInt(headers.substring(9, 12));
        int contentLength = 0;
        boolean chunked = false;
        for (String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
            chunked |= line.regionMatches(true, 0, "transfer-encoding: chunked", 0, 26);
        }
        if (chunked) {
            readChunked(headerEnd + 4, len);
            return status;
        }
        int remaining = contentLength - (len - headerEnd - 4);
        while (remaining > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("connection closed");
            }
            remaining -= n;
        }
        return status;
    }

    /** Reads a chunked body until its last chunk (kept simple: the terminator "0\r\n\r\n" ends the body). */
    private void readChunked(int from, int len) throws IOException {
        byte[] tail = new byte[5];
        int t = 0;
        int pos = from;
        while (true) {
            for (; pos < len; pos++) {
                System.arraycopy(tail, 1, tail, 0, 4);
                tail[4] = buffer[pos];
                t++;
                if (t >= 5
                        && tail[0] == '0'
                        && tail[1] == '\r'
                        && tail[2] == '\n'
                        && tail[3] == '\r'
                        && tail[4] == '\n') {
                    return;
                }
            }
            len = in.read(buffer, 0, buffer.length);
            if (len < 0) {
                throw new IOException("connection closed");
            }
            pos = 0;
        }
    }

    private static int indexOf(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
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
