package io.edgeloop.data;

import static io.edgeloop.data.RecordingSupport.createImages;
import static io.edgeloop.data.RecordingSupport.createTimeseries;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** WAV recordings into one-axis time series, PNG / JPEG images into image data sets. */
@QuarkusTest
class MediaImportTest {
    private static ValidatableResponse post(String ds, String path, String type, byte[] body, Map<String, ?> query) {
        return given().contentType(type)
                .queryParams(query)
                .body(body)
                .post("/datasets/" + ds + path)
                .then()
                .log()
                .ifValidationFails();
    }

    private static byte[] image(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    /** 8x8: left half red, right half blue. */
    private static BufferedImage redBlue() {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 4, 8);
        g.setColor(Color.BLUE);
        g.fillRect(4, 0, 4, 8);
        g.dispose();
        return img;
    }

    @Test
    void aStereoWavAtTwiceTheRateIsMixedResampledAndWindowed() throws IOException {
        String ds = "wav-tone";
        createTimeseries(ds, List.of("mic"), 256, 8000.0);
        // 0.5 s of a 1 kHz tone at 16 kHz, 16-bit stereo: 4,000 mono values at 8 kHz, 15 windows
        byte[] wav = RecordingSupport.wav16(RecordingSupport.tone(1000, 16000, 0.5, 0.5), 16000, 2);
        long id = post(ds, "/recordings", "audio/wav", wav, Map.of("label", "normal", "device", "mic-7"))
                .statusCode(201)
                .body("recording.format", equalTo("wav"))
                .body("recording.length", equalTo(4000))
                .body("recording.originalSampleRateHz", equalTo(16000.0f))
                .body("recording.windowCount", equalTo(15))
                .body("accepted", equalTo(15))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        float[] signal = RecordingSupport.joinedWindows(ds, id);
        int crossings = RecordingSupport.zeroCrossings(signal);
        assertTrue(Math.abs(crossings - 2 * 1000 * 15 * 256 / 8000) <= 4, "zero crossings " + crossings);
        float peak = 0;
        for (int i = 100; i < signal.length - 100; i++) {
            peak = Math.max(peak, Math.abs(signal[i]));
        }
        assertEquals(0.5, peak, 0.01);
        // sent again: nothing stored; as audio/x-wav too
        post(ds, "/recordings", "audio/x-wav", wav, Map.of("label", "normal", "device", "mic-7"))
                .statusCode(200)
                .body("accepted", equalTo(0));
        assertEquals(15, TestSupport.sampleCount(ds));
    }

    @Test
    void eightBitWavIsScaledExactlyAndBadAudioIsRefused() throws IOException {
        String ds = "wav-8bit";
        createTimeseries(ds, List.of("mic"), 4, 8000.0);
        byte[] samples = {(byte) 128, (byte) 192, (byte) 64, 0, (byte) 128, (byte) 160, (byte) 96, (byte) 255};
        long id = post(ds, "/recordings", "audio/wave", RecordingSupport.wav8(samples, 8000), Map.of())
                .statusCode(201)
                .body("accepted", equalTo(2))
                .extract()
                .jsonPath()
                .getLong("recording.id");
        float[] signal = RecordingSupport.joinedWindows(ds, id);
        assertArrayEquals(new float[] {0, 0.5f, -0.5f, -1, 0, 0.25f, -0.25f, 127 / 128f}, signal);
        // not a WAVE file: 415; a truncated header: 415/422; audio into a data set of two axes: 422 sampleShape
        post(ds, "/recordings", "audio/wav", "not a wave file at all".getBytes(), Map.of())
                .statusCode(415)
                .contentType("application/problem+json");
        post(ds, "/recordings", "audio/wav", RecordingSupport.aiff16(new float[64], 8000), Map.of())
                .statusCode(415)
                .body("detail", org.hamcrest.Matchers.containsString("RIFF/WAVE expected"));
        int status = given().contentType("audio/wav")
                .body(Arrays.copyOf(RecordingSupport.wav8(samples, 8000), 20))
                .post("/datasets/" + ds + "/recordings")
                .statusCode();
        assertTrue(status == 415 || status == 422, "truncated WAV: " + status);
        createTimeseries("wav-xy", List.of("x", "y"), 4, 8000.0);
        post("wav-xy", "/recordings", "audio/wav", RecordingSupport.wav8(samples, 8000), Map.of())
                .statusCode(422)
                .body("errors.field", equalTo(List.of("sampleShape")));
        assertEquals(2, TestSupport.sampleCount(ds));
        assertEquals(0, TestSupport.sampleCount("wav-xy"));
    }

    @Test
    void twentyFourBitAndFloatWavAreScaledAndMixedExactly() {
        String ds = "wav-wide";
        createTimeseries(ds, List.of("mic"), 4, 8000.0);
        // 24-bit signed mono: 0.5, -0.5, the largest value, -1
        int[] raw = {0x400000, 0xC00000, 0x7FFFFF, 0x800000};
        byte[] pcm24 = new byte[12];
        for (int i = 0; i < raw.length; i++) {
            pcm24[3 * i] = (byte) raw[i];
            pcm24[3 * i + 1] = (byte) (raw[i] >> 8);
            pcm24[3 * i + 2] = (byte) (raw[i] >> 16);
        }
        long id24 = post(ds, "/recordings", "audio/wav", RecordingSupport.rawWav(1, 24, 1, 8000, pcm24), Map.of())
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertArrayEquals(new float[] {0.5f, -0.5f, 8388607 / 8388608f, -1}, RecordingSupport.joinedWindows(ds, id24));
        // 32-bit float stereo: the mean of the channels, clamped to [-1, 1]
        float[][] frames = {{0.5f, -0.25f}, {2f, 2f}, {-0.5f, -0.5f}, {0f, 1f}};
        java.nio.ByteBuffer f32 = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float[] frame : frames) {
            f32.putFloat(frame[0]).putFloat(frame[1]);
        }
        long idFloat = post(
                        ds, "/recordings", "audio/wav", RecordingSupport.rawWav(3, 32, 2, 8000, f32.array()), Map.of())
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("recording.id");
        assertArrayEquals(new float[] {0.125f, 1, -0.5f, 0.5f}, RecordingSupport.joinedWindows(ds, idFloat));
    }

    @Test
    void aPngIsResizedToTheShapeChannelMajorInZeroToOne() throws IOException {
        String ds = "img-rgb";
        createImages(ds, 3, 4, 4);
        byte[] png = image(redBlue(), "png");
        post(ds, "/images", "image/png", png, Map.of("label", "normal"))
                .statusCode(201)
                .body("accepted", equalTo(1));
        float[] f = RecordingSupport.features(ds).values().iterator().next();
        assertEquals(48, f.length);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                float red = x < 2 ? 1 : 0;
                int i = y * 4 + x;
                assertEquals(red, f[i], 0.01, "R at " + x + "," + y);
                assertEquals(0, f[16 + i], 0.01, "G at " + x + "," + y);
                assertEquals(1 - red, f[32 + i], 0.01, "B at " + x + "," + y);
            }
        }
        // the same image again: a duplicate
        post(ds, "/images", "image/png", png, Map.of("label", "normal"))
                .statusCode(200)
                .body("duplicates", equalTo(1));
        // grayscale from a JPEG: uniform mid-gray -> ~0.5
        createImages("img-gray", 1, 2, 3);
        BufferedImage gray = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = gray.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 30, 20);
        g.dispose();
        post("img-gray", "/images", "image/jpeg", image(gray, "jpg"), Map.of()).statusCode(201);
        float[] v = RecordingSupport.features("img-gray").values().iterator().next();
        assertEquals(6, v.length);
        for (float p : v) {
            assertEquals(128 / 255.0, p, 0.03);
        }
    }

    /** {@code jpeg} with an EXIF APP1 segment (big-endian TIFF, IFD0 holding only Orientation) after its SOI. */
    private static byte[] withOrientation(byte[] jpeg, int orientation) {
        ByteBuffer app1 = ByteBuffer.allocate(36);
        app1.putShort((short) 0xFFE1).putShort((short) 34).put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        app1.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // TIFF header, IFD0 at 8
        app1.putShort((short) 1); // one entry
        app1.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        app1.putInt(0); // no next IFD
        byte[] out = new byte[jpeg.length + app1.capacity()];
        System.arraycopy(jpeg, 0, out, 0, 2); // SOI
        System.arraycopy(app1.array(), 0, out, 2, app1.capacity());
        System.arraycopy(jpeg, 2, out, 2 + app1.capacity(), jpeg.length - 2);
        return out;
    }

    /** 16x8: left half red, right half blue. */
    private static BufferedImage wideRedBlue() {
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 8, 8);
        g.setColor(Color.BLUE);
        g.fillRect(8, 0, 8, 8);
        g.dispose();
        return img;
    }

    @Test
    void aJpegIsTurnedUprightByItsExifOrientationAndTransparencyIsBlack() throws IOException {
        byte[] jpeg = image(wideRedBlue(), "jpg");
        // stored 16 wide x 8 high, tagged "rotate 90 clockwise" (6): upright it is 8 x 16, red on top
        createImages("img-exif6", 3, 16, 8);
        post("img-exif6", "/images", "image/jpeg", withOrientation(jpeg, 6), Map.of())
                .statusCode(201);
        float[] six = RecordingSupport.features("img-exif6").values().iterator().next();
        // tagged "rotate 90 counter-clockwise" (8): blue on top
        createImages("img-exif8", 3, 16, 8);
        post("img-exif8", "/images", "image/jpeg", withOrientation(jpeg, 8), Map.of())
                .statusCode(201);
        float[] eight =
                RecordingSupport.features("img-exif8").values().iterator().next();
        for (int y : new int[] {0, 3, 5, 10, 12, 15}) {
            for (int x = 0; x < 8; x++) {
                int i = y * 8 + x;
                float topRed = y < 8 ? 1 : 0;
                assertEquals(topRed, six[i], 0.1, "orientation 6: R at " + x + "," + y);
                assertEquals(1 - topRed, six[256 + i], 0.1, "orientation 6: B at " + x + "," + y);
                assertEquals(1 - topRed, eight[i], 0.1, "orientation 8: R at " + x + "," + y);
                assertEquals(topRed, eight[256 + i], 0.1, "orientation 8: B at " + x + "," + y);
            }
        }
        // a PNG with transparency: fully transparent pixels count as black, opaque ones keep their colour
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                argb.setRGB(x, y, x < 2 ? 0x00FFFFFF : 0xFFFFFFFF); // left: transparent white, right: white
            }
        }
        createImages("img-alpha", 1, 4, 4);
        post("img-alpha", "/images", "image/png", image(argb, "png"), Map.of()).statusCode(201);
        float[] alpha =
                RecordingSupport.features("img-alpha").values().iterator().next();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(x < 2 ? 0 : 1, alpha[y * 4 + x], 0.01, "gray at " + x + "," + y);
            }
        }
    }

    @Test
    void corruptOrUnsupportedImagesAreRefusedWithAClearMessage() throws IOException {
        String ds = "img-bad";
        createImages(ds, 1, 4, 4);
        post(ds, "/images", "image/png", "definitely not an image".getBytes(), Map.of())
                .statusCode(415)
                .contentType("application/problem+json");
        byte[] png = image(redBlue(), "png");
        post(ds, "/images", "image/png", Arrays.copyOf(png, 40), Map.of())
                .statusCode(422)
                .body("errors.field", equalTo(List.of("body")));
        post(ds, "/images", "image/png", image(redBlue(), "gif"), Map.of()).statusCode(415);
        post(ds, "/images", "image/png", png, Map.of("label", "nope"))
                .statusCode(422)
                .body("errors.field", equalTo(List.of("label")));
        post("rec-img-ts", "/images", "image/png", png, Map.of()).statusCode(404);
        createTimeseries("img-ts", List.of("x"), 16, null);
        post("img-ts", "/images", "image/png", png, Map.of())
                .statusCode(422)
                .body("errors.field", equalTo(List.of("dataKind")));
        assertEquals(0, TestSupport.sampleCount(ds));
    }
}
