package io.edgeloop.monitoring.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Drift detection settings ({@code edgeloop.monitoring.*}), checked at start-up by {@link ConfigCheck}. */
@ConfigMapping(prefix = "edgeloop.monitoring")
public interface MonitoringConfig {
    /** Drift is detected when the largest per-feature KS statistic exceeds this (0..1]. */
    @WithDefault("0.25")
    double threshold();

    /** ... and that feature's KS p-value is below this significance level (0..1). */
    @WithDefault("0.001")
    double alpha();

    /** Observed rows a model's buffer needs before drift is computed at all. */
    @WithDefault("300")
    int minSamples();

    /** The observation buffer keeps the most recent this many input rows per model. */
    @WithDefault("2000")
    int bufferSize();

    /** Training rows kept per reference profile (deterministic reservoir) for KS and PSI. */
    @WithDefault("2000")
    int referenceSampleSize();

    /** Deadline of one StreamSnapshot call to data-service. */
    @WithDefault("120s")
    Duration datasetTimeout();

    /** Retries of a StreamSnapshot call that failed with UNAVAILABLE. */
    @WithDefault("5")
    int datasetRetries();

    /** Which telemetry feeds drift detection ({@code edgeloop.monitoring.drift.*}). */
    Drift drift();

    /** Inputs of drift detection. */
    interface Drift {
        /**
         * Whether the input samples of windows with {@code source = "simulator"} (the agents' built-in sensor
         * simulator) feed the observation buffer. True by default: the demo's sensors are that simulator. Set it to
         * false where real callers exist, so that synthetic inputs never raise (or mask) drift.
         */
        @WithDefault("true")
        boolean includeSimulated();

        /**
         * The decision rule: {@code feature-share} (the default, Evidently's: a test per feature, drift when a share
         * of them drifted) or {@code ks-max} (the largest KS statistic above {@code threshold} with a p-value below
         * {@code alpha}; categorical features are only reported). See {@code DriftPolicy}.
         */
        @WithDefault("feature-share")
        String method();

        /** {@code feature-share}: the KS test up to this many observed rows, the normalized Wasserstein distance above. */
        @WithDefault("1000")
        int ksMaxRows();

        /** {@code feature-share}: a feature drifts when its Holm-adjusted KS p-value is below this. */
        @WithDefault("0.05")
        double featurePValue();

        /** {@code feature-share}: a feature drifts when its normalized Wasserstein distance is above this. */
        @WithDefault("0.1")
        double distanceThreshold();

        /** {@code feature-share}: the model drifts when at least this share of its features drifted (0, 1]. */
        @WithDefault("0.5")
        double share();

        /**
         * Whether a version trained on a snapshot cut because of drift is compared with a live baseline (the first
         * {@code live-baseline-rows} rows it serves) instead of its training data: that training data mixes the old
         * and the new regime, so the new regime alone would look drifted against it and retrain for nothing.
         */
        @WithDefault("true")
        boolean liveBaselineAfterDrift();

        /** Rows of a live baseline (at least {@code min-samples}, at most {@code buffer-size}). */
        @WithDefault("500")
        int liveBaselineRows();
    }

    /** Performance monitoring with ground truth ({@code edgeloop.monitoring.performance.*}). */
    Performance performance();

    /** Reported inferences, fed-back labels, and the performance drift test. */
    interface Performance {
        /** Labelled inferences a version needs before its accuracy is tested. */
        @WithDefault("100")
        int minLabelled();

        /** The accuracy has fallen when it is significantly below the version's test accuracy minus this, [0, 1). */
        @WithDefault("0.05")
        double margin();

        /** Significance level of the one-sided binomial test, (0, 1). */
        @WithDefault("0.01")
        double alpha();

        /** Reported inferences (and their labels) older than this are deleted. */
        @WithDefault("30d")
        Duration retention();

        /**
         * How often the retention trim runs (the Quarkus scheduler job {@code inference-retention-trim}); 0 turns the
         * periodic trim off.
         */
        @WithDefault("1h")
        Duration trimInterval();

        /**
         * Confidence drift: the deployed version's first this many inferences after deployment are compared with its
         * newest this many (needs twice as many reported inferences).
         */
        @WithDefault("200")
        int confidenceWindow();

        /**
         * Whether feedback for an inference whose input the device captured is published as a labelled sample of the
         * version's dataset ({@code SampleLabelled}, stored by data-service for the next snapshot).
         */
        @WithDefault("true")
        boolean labelledSamples();

        /** Deadline of one GetVersion call to the registry (class labels and test accuracy of a version). */
        @WithDefault("10s")
        Duration registryTimeout();
    }

    /** Captured inputs as unlabeled samples ({@code edgeloop.monitoring.active-learning.*}). */
    ActiveLearning activeLearning();

    /** Active learning: what devices captured becomes data to label. */
    interface ActiveLearning {
        /**
         * Whether every input a device captured with an inference (agent setting {@code telemetry.capture-inputs}:
         * by default the uncertain ones) is published as {@code SampleCaptured}: data-service stores it as an
         * unlabeled sample of the version's dataset, pre-labelled with the prediction and its confidence, for a
         * person to confirm. Off by default: inputs then become samples only with ground truth fed back.
         */
        @WithDefault("false")
        boolean enabled();
    }

    /** The drift history ({@code edgeloop.monitoring.drift-history.*}). */
    DriftHistory driftHistory();

    /** One row per drift evaluation of a model (time, verdict, per-feature figures), bounded in age and count. */
    interface DriftHistory {
        /**
         * A model's evaluations are recorded at most once per this interval (per replica), except that a changed
         * verdict or version is always recorded; 0 records every evaluation.
         */
        @WithDefault("1m")
        Duration minInterval();

        /** Rows older than this are deleted. */
        @WithDefault("30d")
        Duration retention();

        /** Rows kept per model at most (the newest). */
        @WithDefault("10000")
        int maxRows();

        /**
         * How often old rows are deleted (the Quarkus scheduler job {@code drift-history-trim}); 0 turns the periodic
         * trim off.
         */
        @WithDefault("1h")
        Duration trimInterval();
    }

    /** How telemetry windows are written ({@code edgeloop.monitoring.telemetry.*}). */
    Telemetry telemetry();

    /** Group commit of telemetry windows: windows arriving together are stored in one transaction. */
    interface Telemetry {
        /** Most windows stored in one transaction. */
        @WithDefault("64")
        int batchSize();

        /** Transactions storing windows at once. */
        @WithDefault("2")
        int committers();

        /** How long a Report call waits for its window to be stored before failing with INTERNAL. */
        @WithDefault("30s")
        Duration timeout();
    }
}
