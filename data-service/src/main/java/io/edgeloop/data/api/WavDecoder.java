package io.edgeloop.data.api;

import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Decodes a RIFF/WAVE body with {@link AudioSystem}, streamed a block at a time: PCM (8-bit unsigned, 16/24/32-bit
 * signed, either byte order) or IEEE float (32/64-bit), any number of channels, mixed to mono (the mean of the
 * channels) and scaled to [-1, 1] (integers divided by 2^(bits-1), floats clamped).
 */
final class WavDecoder {
    /** A decoded recording: mono values and their sampling rate. */
    record Audio(float[] values, double sampleRateHz) {}

    private WavDecoder() {}

    /**
     * Decodes {@code body}.
     *
     * @throws ApiException 415 not a WAVE file or an encoding other than PCM / float, 422 a corrupt or empty file,
     *     413 more than {@code maxLength} frames
     */
    static Audio decode(InputStream body, int maxLength) {
        BufferedInputStream buffered = new BufferedInputStream(body, 64 * 1024);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wave(buffered))) {
            AudioFormat f = in.getFormat();
            Sample sample = sampleReader(f);
            int channels = f.getChannels();
            int frameSize = f.getFrameSize();
            if (channels < 1 || frameSize != channels * (f.getSampleSizeInBits() / 8)) {
                throw corrupt("unsupported frame layout " + f);
            }
            FloatList out = new FloatList(maxLength, "body");
            byte[] block = new byte[frameSize * 4096];
            int filled = 0;
            int n;
            while ((n = in.read(block, filled, block.length - filled)) > 0) {
                filled += n;
                int frames = filled / frameSize;
                for (int fr = 0; fr < frames; fr++) {
                    double sum = 0;
                    for (int ch = 0; ch < channels; ch++) {
                        sum += sample.read(block, fr * frameSize + ch * (frameSize / channels));
                    }
                    out.add((float) Math.max(-1, Math.min(1, sum / channels)));
                }
                int rest = filled - frames * frameSize;
                System.arraycopy(block, frames * frameSize, block, 0, rest);
                filled = rest;
            }
            if (out.size() == 0) {
                throw corrupt("no audio frames");
            }
            return new Audio(out.toArray(), f.getSampleRate());
        } catch (UnsupportedAudioFileException e) {
            throw unsupported("not a RIFF/WAVE file this service can read (PCM or float)");
        } catch (IOException e) {
            throw corrupt("unreadable WAVE data: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw corrupt("corrupt WAVE header");
        }
    }

    /** {@code in} (reset to its start) when it is a RIFF/WAVE file; 415 for AIFF, AU and other types. */
    private static InputStream wave(BufferedInputStream in) throws UnsupportedAudioFileException, IOException {
        AudioFileFormat.Type type = AudioSystem.getAudioFileFormat(in).getType();
        if (!AudioFileFormat.Type.WAVE.equals(type)) {
            throw unsupported("a " + type + " file; RIFF/WAVE expected");
        }
        return in;
    }

    /** Reads one channel's sample at an offset of a frame block, scaled to [-1, 1]. */
    @FunctionalInterface
    private interface Sample {
        double read(byte[] b, int at);
    }

    private static Sample sampleReader(AudioFormat f) {
        int bits = f.getSampleSizeInBits();
        boolean big = f.isBigEndian();
        AudioFormat.Encoding e = f.getEncoding();
        if (e.equals(AudioFormat.Encoding.PCM_FLOAT) && (bits == 32 || bits == 64)) {
            return (b, at) -> {
                long raw = integer(b, at, bits / 8, big);
                double v = bits == 32 ? Float.intBitsToFloat((int) raw) : Double.longBitsToDouble(raw);
                return Double.isFinite(v) ? v : 0;
            };
        }
        if (e.equals(AudioFormat.Encoding.PCM_UNSIGNED) && bits == 8) {
            return (b, at) -> ((b[at] & 0xff) - 128) / 128.0;
        }
        if (e.equals(AudioFormat.Encoding.PCM_SIGNED) && (bits == 8 || bits == 16 || bits == 24 || bits == 32)) {
            double scale = Math.pow(2, bits - 1);
            int shift = 64 - bits;
            return (b, at) -> (integer(b, at, bits / 8, big) << shift >> shift) / scale;
        }
        throw unsupported("unsupported WAVE encoding " + e + " with " + bits + "-bit samples (PCM 8/16/24/32-bit or"
                + " 32/64-bit float)");
    }

    /** {@code bytes} bytes at {@code at} as an unsigned integer. */
    private static long integer(byte[] b, int at, int bytes, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            int k = bigEndian ? i : bytes - 1 - i;
            v = (v << 8) | (b[at + k] & 0xff);
        }
        return v;
    }

    private static ApiException unsupported(String message) {
        return new ApiException(415, "Unsupported Media Type", message, List.of(new FieldError("body", message)));
    }

    private static ApiException corrupt(String message) {
        return ApiException.invalid(message, List.of(new FieldError("body", message)));
    }
}
