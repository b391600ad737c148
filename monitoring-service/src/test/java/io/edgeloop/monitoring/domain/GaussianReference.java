package io.edgeloop.monitoring.domain;

import java.util.Random;

/** The training reference of the drift rule tests: eight features, feature f ~ N(10 f, 1), 4000 rows, seed 11. */
final class GaussianReference {
    static final int FEATURES = 8;

    /** Evidently's defaults: Holm-adjusted KS p < 0.05 up to 1000 rows, normalized W1 > 0.1 above, share 0.5. */
    static final DriftPolicy EVIDENTLY =
            new DriftPolicy(DriftPolicy.Method.FEATURE_SHARE, 0.25, 0.001, 300, 1000, 0.05, 0.1, 0.5);

    private GaussianReference() {}

    /** The profile of the reference rows, keeping a sample of 2000. */
    static ReferenceProfile profile() {
        Random random = new Random(11);
        ReferenceProfileBuilder b = new ReferenceProfileBuilder("gauss@v1", FEATURES, 2000);
        for (int i = 0; i < 4000; i++) {
            float[] row = new float[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                row[f] = (float) (10 * f + random.nextGaussian());
            }
            b.add(row);
        }
        return b.build("gauss", 1);
    }
}
