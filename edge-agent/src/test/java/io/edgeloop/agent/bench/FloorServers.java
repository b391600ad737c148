package io.edgeloop.agent.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeloop.proto.inference.GRPCInferenceServiceGrpc;
import io.edgeloop.proto.inference.InferTensorContents;
import io.edgeloop.proto.inference.ModelInferRequest;
import io.edgeloop.proto.inference.ModelInferResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The transport floor of the benchmark: the least a server can do per request on this machine. Both servers run in
 * the benchmark's JVM and call ONNX Runtime on the same model (batch 1), with no validation, telemetry, security or
 * framework work:
 *
 * <ul>
 *   <li>{@link #grpc}: grpc-java's own Netty server ({@code NettyServerBuilder}, the transport Quarkus' separate gRPC
 *       server also runs on) with {@code directExecutor()}: {@code ModelInfer} runs on the Netty event loop, no
 *       interceptors;
 *   <li>{@link #http}: a blocking HTTP/1.1 keep-alive server, one thread per connection, that reads a KServe v2 JSON
 *       body and answers a KServe v2 JSON response (no JSON library: a scan for the numbers).
 * </ul>
 */
final class FloorServers implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    FloorServers(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = env.createSession(model, options);
        }
    }

    /** The model's probabilities for one sample. */
    float[] infer(float[] x) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, x.length});
                OrtSession.Result r = session.run(Map.of("input", t))) {
            return ((float[][]) r.get(0).getValue())[0];
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the plain grpc-java server on {@code port} (loopback). */
    void grpc(int port) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .directExecutor()
                .addService(new PlainInference());
        Server server = builder.build().start();
        open.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    }

    /** Starts the blocking HTTP/1.1 server on {@code port} (loopback). */
    void http(int port) throws IOException {
        ServerSocket listener = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
        open.add(listener);
        Thread acceptor = new Thread(
                () -> {
                    while (!listener.isClosed()) {
                        try {
                            Socket s = listener.accept();
                            s.setTcpNoDelay(true);
                            open.add(s);
                            Thread t = new Thread(() -> serve(s), "floor-http-conn");
                            t.setDaemon(true);
                            t.start();
                        } catch (IOException closed) {
                            return;
                        }
                    }
                },
                "floor-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            byte[] body = new byte[64 * 1024];
            while (true) {
                int length = readHead(in);
                if (length < 0) {
                    return;
                }
                in.readNBytes(body, 0, length);
                float[] p = infer(parseData(body, length));
                StringBuilder json = new StringBuilder(
                        "{\"model_name\":\"vibration\",\"model_version\":\"1\",\"outputs\":[{\"name\":"
                                + "\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1," + p.length + "],\"data\":[");
                for (int i = 0; i < p.length; i++) {
                    json.append(i > 0 ? "," : "").append(p[i]);
                }
                byte[] response = json.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + response.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(response);
                out.flush();
            }
        } catch (IOException | RuntimeException closed) {
            // connection closed by the client (or the benchmark ended)
        }
    }

    /** Reads the request line and headers; the Content-Length, or -1 at the end of the stream. */
    private static int readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int length = 0;
        boolean first = true;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return -1;
            }
            if (c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
                continue;
            }
            if (line.isEmpty() && !first) {
                return length;
            }
            if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            first = false;
            line.setLength(0);
        }
    }

    /** The numbers of the {@code "data":[...]} array of a KServe v2 request. */
    static float[] parseData(byte[] body, int length) {
        String s = new String(body, 0, length, StandardCharsets.US_ASCII);
        int from = s.indexOf('[', s.indexOf("\"data\"")) + 1;
        int to = s.indexOf(']', from);
        String[] parts = s.substring(from, to).split(",");
        float[] x = new float[parts.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.parseFloat(parts[i]);
        }
        return x;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        session.close();
    }

    /** ModelInfer only: FP32 contents in, FP32 probabilities out. */
    private final class PlainInference extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
        @Override
        public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
            ModelInferRequest.InferInputTensor in = request.getInputs(0);
            if (!"FP32".equals(in.getDatatype())) {
                response.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                return;
            }
            InferTensorContents c = in.getContents();
            float[] x = new float[c.getFp32ContentsCount()];
            for (int i = 0; i < x.length; i++) {
                x[i] = c.getFp32Contents(i);
            }
            float[] p = infer(x);
            InferTensorContents.Builder out = InferTensorContents.newBuilder();
            for (float v : p) {
                out.addFp32Contents(v);
            }
            response.onNext(ModelInferResponse.newBuilder()
                    .setModelName(request.getModelName())
                    .setModelVersion("1")
                    .setId(request.getId())
                    .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                            .setName("probabilities")
                            .setDatatype("FP32")
                            .addShape(1)
                            .addShape(p.length)
                            .setContents(out))
                    .build());
            response.onCompleted();
        }
    }
}
