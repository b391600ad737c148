package io.edgeloop.data.api;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The EXIF orientation of a JPEG (tag 0x0112, read with metadata-extractor) and the transform that shows the stored
 * pixels upright: cameras store a portrait photo sideways and tag it 6 or 8, and a model must see what the
 * photographer saw. Values 1-8 as in the EXIF 2.3 specification; anything else, or no tag, is 1 (as stored).
 */
final class ExifOrientation {
    private ExifOrientation() {}

    /** The orientation tag of {@code jpeg}, 1 when it has none or it cannot be read. */
    static int of(byte[] jpeg) {
        try {
            ExifIFD0Directory ifd0 = JpegMetadataReader.readMetadata(new ByteArrayInputStream(jpeg))
                    .getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (ifd0 == null || !ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return 1;
            }
            int o = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return o >= 1 && o <= 8 ? o : 1;
        } catch (JpegProcessingException | IOException | MetadataException | RuntimeException e) {
            return 1; // unreadable metadata: the pixels as stored (the decoder reports a corrupt image itself)
        }
    }

    /** {@code stored} as it is meant to be seen under {@code orientation}; the same image for 1. */
    static BufferedImage upright(BufferedImage stored, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = w - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = h - 1 - y;
                    }
                    case 5 -> { // transpose
                        sx = y;
                        sy = x;
                    }
                    case 6 -> { // rotate 90 degrees clockwise
                        sx = y;
                        sy = h - 1 - x;
                    }
                    case 7 -> { // transverse
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                    }
                    default -> { // 8: rotate 90 degrees counter-clockwise
                        sx = w - 1 - y;
                        sy = x;
                    }
                }
                out.setRGB(x, y, stored.getRGB(sx, sy));
            }
        }
        return out;
    }
}
