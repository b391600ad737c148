package io.edgeloop.data.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a PNG or JPEG body with {@link ImageIO} into one sample of an image data set of shape {@code [C, H, W]}:
 * turned upright by a JPEG's EXIF orientation ({@link ExifOrientation}), resized to {@code W x H} (bilinear, halving first while the image is more than twice as large: an area average for
 * large reductions), converted to {@code C} channels (1: luma {@code 0.299 R + 0.587 G + 0.114 B}; 3: RGB;
 * transparent pixels over black), scaled to [0, 1] and flattened channel-major ({@code [R..., G..., B...]}, rows
 * top to bottom).
 */
final class ImageDecoder {
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "jpg");

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    private ImageDecoder() {}

    /**
     * Decodes and converts {@code body}.
     *
     * @throws ApiException 415 not a PNG or JPEG image, 422 corrupt, 413 more than {@code maxPixels} pixels
     */
    static float[] decode(InputStream body, int channels, int height, int width, long maxPixels) {
        byte[] bytes;
        try {
            bytes = body.readAllBytes(); // bounded by the request body limit; EXIF and pixels are read from it
        } catch (IOException e) {
            throw ApiException.invalid("corrupt image", List.of(new FieldError("body", "unreadable body")));
        }
        BufferedImage image;
        int orientation = 1;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw unsupported("not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw unsupported("a " + format + " image; PNG or JPEG expected");
                }
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new ApiException(
                            413,
                            "Content Too Large",
                            "an image of " + pixels + " pixels; at most " + maxPixels
                                    + " (edgeloop.data.recording.max-image-pixels)",
                            List.of(new FieldError("body", "more than " + maxPixels + " pixels")));
                }
                image = reader.read(0);
                if (!format.equals("png")) {
                    orientation = ExifOrientation.of(bytes);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            throw ApiException.invalid("corrupt image", List.of(new FieldError("body", "corrupt or truncated image")));
        }
        return pixels(resize(ExifOrientation.upright(image, orientation), width, height), channels);
    }

    /** {@code image} as {@code width x height} RGB. */
    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage current = image;
        while (current.getWidth() > 2 * width || current.getHeight() > 2 * height) {
            current = draw(
                    current,
                    Math.max(width, (current.getWidth() + 1) / 2),
                    Math.max(height, (current.getHeight() + 1) / 2));
        }
        return draw(current, width, height);
    }

    private static BufferedImage draw(BufferedImage from, int width, int height) {
        BufferedImage to = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = to.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(from, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return to;
    }

    /** Channel-major values in [0, 1]. */
    private static float[] pixels(BufferedImage rgb, int channels) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        float[] out = new float[channels * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb.getRGB(x, y);
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                int i = y * w + x;
                if (channels == 1) {
                    out[i] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
                } else {
                    out[i] = r / 255f;
                    out[w * h + i] = g / 255f;
                    out[2 * w * h + i] = b / 255f;
                }
            }
        }
        return out;
    }

    private static ApiException unsupported(String message) {
        return new ApiException(415, "Unsupported Media Type", message, List.of(new FieldError("body", message)));
    }
}
