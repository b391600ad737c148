package io.edgeloop.data.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the data service ({@code edgeloop.data.*}). */
@ConfigMapping(prefix = "edgeloop.data")
public interface DataConfig {
    /** Most samples accepted in one ingest request (JSON batch or CSV file); more gives 413. */
    @WithDefault("10000")
    int maxBatchSize();

    /** Most features one ingested sample may carry (a JSON batch is refused at the first sample with more). */
    @WithDefault("100000")
    int maxFeatures();

    /** Outlier rejection at ingest. */
    Outlier outlier();

    /** A snapshot whose test split has fewer samples than this carries a warning. */
    @WithDefault("30")
    int minTestSamples();

    /** A snapshot with a class of fewer test samples than this carries a warning naming the class. */
    @WithDefault("5")
    int minTestSamplesPerClass();

    /** Stratified split of samples (shares per class). */
    SplitRatios split();

    /** gRPC snapshot streaming. */
    Stream stream();

    /** Labeling, listing, export and deletion of samples over REST. */
    Curation curation();

    /** Recording (time series, audio) and image imports. */
    Recording recording();

    /** The ingest log ({@code GET /datasets/{name}/ingests}). */
    IngestLog ingestLog();

    /** Statistics of a data set ({@code GET /datasets/{name}/stats}). */
    Stats stats();

    /**
     * Largest body of every request but the streamed imports (CSV samples, recordings), which have no size limit;
     * more is a 413 problem, before the body is read when it declares its length, else at the first byte over.
     */
    @WithDefault("32M")
    io.quarkus.runtime.configuration.MemorySize maxBodySize();

    /** Progress of running and recent imports ({@code GET /datasets/{name}/imports}). */
    Imports imports();

    /** Drift verdicts that found nothing new to retrain on. */
    Drift drift();

    /**
     * A DriftDetected whose data set holds nothing the latest snapshot lacks is kept pending; the drift snapshot is cut
     * once new labelled data has arrived and the data set has been quiet for {@link #quietPeriod()}.
     */
    interface Drift {
        /** How often pending verdicts are checked (a Quarkus scheduler interval such as {@code 10s}; {@code off}). */
        @WithDefault("10s")
        String checkEvery();

        /** How long a data set must go without ingests, deletions or label changes before the drift snapshot. */
        @WithDefault("30s")
        java.time.Duration quietPeriod();

        /** A verdict still waiting for new data after this long is dropped (logged). */
        @WithDefault("7d")
        java.time.Duration maxPending();
    }

    /** Import progress, kept in PostgreSQL and written by the instance that runs the import. */
    interface Imports {
        /** Finished imports kept (the newest, across data sets); running ones are always kept. */
        @WithDefault("200")
        int retention();

        /** While a body is read, its bytes read are written at most this often (every stored chunk is written). */
        @WithDefault("1s")
        java.time.Duration flushEvery();

        /** A running import that reported nothing for this long reads as {@code stalled} (its instance may be gone). */
        @WithDefault("5m")
        java.time.Duration stalledAfter();
    }

    /** The ingest log: one row per ingest request. */
    interface IngestLog {
        /** Rows kept per data set (the newest). */
        @WithDefault("1000")
        int retention();

        /** Reasons for refused rows kept per logged request (the first ones; the count is exact). */
        @WithDefault("20")
        int maxReasons();

        /** Rows listed when the request sets no {@code limit}. */
        @WithDefault("50")
        int defaultPageSize();
    }

    /** Per-feature histograms. */
    interface Stats {
        /** Histogram bins between a feature's min and max when the request sets no {@code bins}. */
        @WithDefault("20")
        int defaultBins();

        /** Most bins a request may ask for. */
        @WithDefault("100")
        int maxBins();
    }

    /** Limits of recording and image imports. */
    interface Recording {
        /** Most values per axis a recording may have, as sent and after resampling; more gives 413. */
        @WithDefault("4000000")
        int maxLength();

        /** Most windows one recording may be cut into; more gives 422 naming {@code stride}. */
        @WithDefault("100000")
        int maxWindows();

        /** Most pixels (width x height) an imported image may declare before it is decoded; more gives 413. */
        @WithDefault("25000000")
        long maxImagePixels();

        /** Recordings per page of {@code GET /datasets/{name}/recordings} when the request sets no {@code limit}. */
        @WithDefault("100")
        int defaultPageSize();

        /** Largest {@code limit} a recording listing may ask for. */
        @WithDefault("1000")
        int maxPageSize();
    }

    /** Limits of the sample curation endpoints. */
    interface Curation {
        /** Most samples one bulk label or delete request may name; more gives 413. */
        @WithDefault("10000")
        int maxBulkSize();

        /** Samples per page of {@code GET /datasets/{name}/samples} when the request sets no {@code limit}. */
        @WithDefault("100")
        int defaultPageSize();

        /** Largest {@code limit} a sample listing may ask for. */
        @WithDefault("1000")
        int maxPageSize();

        /** Rows a data-set export reads from its cursor at a time. */
        @WithDefault("1000")
        int exportFetchSize();
    }

    /**
     * Outlier rejection: {@code |x - median| > madThreshold * MAD}, per feature, against the stored samples of the
     * data set or of the sample's class (and the batch itself while fewer than {@code minSamples} are stored). Data
     * sets may set their own mode and threshold ({@code PUT /datasets/{name}/settings}).
     */
    interface Outlier {
        /** Default mode: {@code per-class} (a rare class is judged by its own samples), {@code dataset} or {@code off}. */
        @WithDefault("per-class")
        String mode();

        /**
         * How many median absolute deviations from the median a feature value may be. Wide enough that a new
         * operating regime (a remounted sensor reading 2x) is accepted as data, narrow enough to catch glitches
         * (spikes, unit mix-ups) that are orders of magnitude off.
         */
        @WithDefault("25")
        double madThreshold();

        /** Samples a group (stored, plus the batch's own) needs before outliers are judged (fewer are unstable). */
        @WithDefault("100")
        int minSamples();
    }

    /**
     * Split percentages, kept per class: each new sample goes to the split of its class furthest below its share
     * ({@link io.edgeloop.data.domain.SplitPlanner}); test gets the rest. The split is stored with the sample at
     * ingest, so a sample keeps its split even if these change later.
     */
    interface SplitRatios {
        @WithDefault("70")
        int trainPercent();

        @WithDefault("15")
        int validationPercent();
    }

    /** Snapshot streaming over gRPC. */
    interface Stream {
        /** Samples per message when the request asks for 0. */
        @WithDefault("256")
        int defaultBatchSize();

        /** Largest batch size a request may ask for (messages stay well below gRPC's 4 MiB). */
        @WithDefault("4096")
        int maxBatchSize();
    }
}
