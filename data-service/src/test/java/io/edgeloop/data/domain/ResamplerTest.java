package io.edgeloop.data.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The windowed-sinc resampler: frequencies kept, lengths, no aliasing when the rate drops. */
class ResamplerTest {
    private static float[] tone(double hz, double rate, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sin(2 * Math.PI * hz * i / rate);
        }
        return out;
    }

    /** Magnitude of the DFT of {@code x} (its middle, away from the edges) at {@code hz}, normalised to amplitude. */
    private static double amplitudeAt(float[] x, double rate, double hz) {
        int from = x.length / 8;
        int to = x.length - from;
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            re += x[i] * Math.cos(2 * Math.PI * hz * i / rate);
            im += x[i] * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    /** The frequency (1 Hz steps up to Nyquist) with the largest DFT magnitude. */
    private static int peak(float[] x, double rate) {
        int best = 0;
        double max = -1;
        for (int hz = 1; hz < rate / 2; hz += 1) {
            double a = amplitudeAt(x, rate, hz);
            if (a > max) {
                max = a;
                best = hz;
            }
        }
        return best;
    }

    @Test
    void downsamplingKeepsTheFrequencyAndAmplitude() {
        float[] out = Resampler.resample(tone(440, 16000, 16000), 16000, 8000);
        assertEquals(8000, out.length);
        assertEquals(440, peak(out, 8000));
        assertEquals(1.0, amplitudeAt(out, 8000, 440), 0.01);
    }

    @Test
    void anUnevenRatioAndUpsamplingKeepTheFrequency() {
        float[] down = Resampler.resample(tone(1000, 44100, 44100), 44100, 8000);
        assertEquals(8000, down.length);
        assertEquals(1000, peak(down, 8000));
        float[] up = Resampler.resample(tone(50, 200, 400), 200, 1000);
        assertEquals(2000, up.length);
        assertEquals(50, peak(up, 1000));
        assertEquals(1.0, amplitudeAt(up, 1000, 50), 0.02);
    }

    @Test
    void aToneAboveTheNewNyquistFrequencyIsFilteredNotAliased() {
        // 6 kHz at 16 kHz would alias to 2 kHz at 8 kHz without the low-pass filter
        float[] out = Resampler.resample(tone(6000, 16000, 16000), 16000, 8000);
        assertTrue(amplitudeAt(out, 8000, 2000) < 0.01, "aliased amplitude " + amplitudeAt(out, 8000, 2000));
    }

    @Test
    void theSameRateIsTheSameSignal() {
        float[] in = tone(5, 100, 50);
        assertSame(in, Resampler.resample(in, 100, 100));
    }
}
