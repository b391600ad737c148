package io.edgeloop.data;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Helpers of the recording and image import tests: data sets, stored windows, generated signals and WAV files. */
final class RecordingSupport {
    private RecordingSupport() {}

    /** Feature names {@code <axis>_<i>} of a {@code [axes, length]} time series. */
    static List<String> axisFeatures(List<String> axes, int length) {
        List<String> names = new ArrayList<>();
        for (String axis : axes) {
            for (int i = 0; i < length; i++) {
                names.add(axis + "_" + i);
            }
        }
        return names;
    }

    /** Creates a timeseries data set of shape {@code [axes, length]} at {@code rateHz} (null: none). */
    static void createTimeseries(String name, List<String> axes, int length, Double rateHz) {
        Map<String, Object> schema = new HashMap<>();
        schema.put("featureNames", axisFeatures(axes, length));
        schema.put("labels", TestSupport.LABELS);
        schema.put("dataKind", "timeseries");
        schema.put("sampleShape", List.of(axes.size(), length));
        schema.put("sampleRateHz", rateHz);
        given().contentType(ContentType.JSON)
                .body(schema)
                .put("/datasets/" + name)
                .then()
                .statusCode(201);
    }

    /** Creates an image data set of shape {@code [channels, height, width]}. */
    static void createImages(String name, int channels, int height, int width) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < channels * height * width; i++) {
            names.add("p" + i);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "featureNames",
                        names,
                        "labels",
                        TestSupport.LABELS,
                        "dataKind",
                        "image",
                        "sampleShape",
                        List.of(channels, height, width)))
                .put("/datasets/" + name)
                .then()
                .statusCode(201);
    }

    /** Every live sample's features by id. */
    static Map<String, float[]> features(String dataset) {
        JsonPath page = given().queryParam("limit", 1000)
                .get("/datasets/" + dataset + "/samples")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, float[]> out = new HashMap<>();
        List<String> ids = page.getList("samples.id");
        for (int i = 0; i < ids.size(); i++) {
            List<Object> values = page.getList("samples[" + i + "].features");
            float[] f = new float[values.size()];
            for (int j = 0; j < f.length; j++) {
                f[j] = ((Number) values.get(j)).floatValue();
            }
            out.put(ids.get(i), f);
        }
        return out;
    }

    /** A recording's detail ({@code recording}, {@code windows[{offset, sampleId}]}). */
    static JsonPath recording(String dataset, long id) {
        return given().get("/datasets/" + dataset + "/recordings/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The windows of a one-axis recording (stride = window length), in order, joined into one signal. */
    static float[] joinedWindows(String dataset, long id) {
        JsonPath detail = recording(dataset, id);
        Map<String, float[]> features = features(dataset);
        List<String> ids = detail.getList("windows.sampleId");
        List<float[]> windows = ids.stream().map(features::get).toList();
        int length = windows.get(0).length;
        float[] out = new float[length * windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            System.arraycopy(windows.get(w), 0, out, w * length, length);
        }
        return out;
    }

    /** {@code seconds} of a sine of {@code hz} at {@code rateHz}, amplitude {@code amplitude}. */
    static float[] tone(double hz, double rateHz, double seconds, double amplitude) {
        float[] out = new float[(int) Math.round(rateHz * seconds)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rateHz));
        }
        return out;
    }

    /** Sign changes of {@code x} (two per period of a tone). */
    static int zeroCrossings(float[] x) {
        int n = 0;
        for (int i = 1; i < x.length; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                n++;
            }
        }
        return n;
    }

    /** A 16-bit PCM WAV file of {@code channels} identical channels of {@code values} (in [-1, 1]). */
    static byte[] wav16(float[] values, float rateHz, int channels) throws IOException {
        byte[] pcm = new byte[values.length * 2 * channels];
        for (int i = 0; i < values.length; i++) {
            short s = (short) Math.round(values[i] * 32767);
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * 2;
                pcm[at] = (byte) s;
                pcm[at + 1] = (byte) (s >> 8);
            }
        }
        return wav(pcm, new AudioFormat(rateHz, 16, channels, true, false), values.length);
    }

    /** An 8-bit unsigned PCM mono WAV file of the given raw sample bytes. */
    static byte[] wav8(byte[] samples, float rateHz) throws IOException {
        return wav(
                samples,
                new AudioFormat(AudioFormat.Encoding.PCM_UNSIGNED, rateHz, 8, 1, 1, rateHz, false),
                samples.length);
    }

    /**
     * A RIFF/WAVE file written byte by byte: {@code formatTag} 1 (PCM) or 3 (IEEE float), little-endian
     * {@code data} of {@code channels} interleaved {@code bits}-bit samples.
     */
    static byte[] rawWav(int formatTag, int bits, int channels, int rateHz, byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blockAlign = channels * bits / 8;
        b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) formatTag).putShort((short) channels);
        b.putInt(rateHz)
                .putInt(rateHz * blockAlign)
                .putShort((short) blockAlign)
                .putShort((short) bits);
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    /** A 16-bit PCM mono AIFF file (not a WAVE file). */
    static byte[] aiff16(float[] values, float rateHz) throws IOException {
        byte[] pcm = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            short s = (short) Math.round(values[i] * 32767);
            pcm[2 * i] = (byte) (s >> 8);
            pcm[2 * i + 1] = (byte) s;
        }
        return write(pcm, new AudioFormat(rateHz, 16, 1, true, true), values.length, AudioFileFormat.Type.AIFF);
    }

    private static byte[] wav(byte[] pcm, AudioFormat format, long frames) throws IOException {
        return write(pcm, format, frames, AudioFileFormat.Type.WAVE);
    }

    private static byte[] write(byte[] pcm, AudioFormat format, long frames, AudioFileFormat.Type type)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, frames), type, out);
        return out.toByteArray();
    }
}
