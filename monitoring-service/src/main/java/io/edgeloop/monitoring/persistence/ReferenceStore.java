package io.edgeloop.monitoring.persistence;

import io.edgeloop.monitoring.domain.DriftReport;
import io.edgeloop.monitoring.domain.ReferenceProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Stores and loads reference profiles. Profiles never change once stored, so loaded ones are cached. */
@ApplicationScoped
public class ReferenceStore {
    private static final int CACHE_LIMIT = 64;
    private final Map<String, ReferenceProfile> cache = new ConcurrentHashMap<>();
    /** Trigger per stored profile ("" = none): asked for on every drift evaluation. */
    private final Map<String, String> triggers = new ConcurrentHashMap<>();

    @Inject
    Clock clock;

    /**
     * Stores {@code profile} in the caller's transaction unless a profile of the same snapshot exists.
     *
     * @return true when stored, false when the snapshot already had a profile
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean save(ReferenceProfile profile, String sourceEventId) {
        return save(profile, sourceEventId, null);
    }

    /**
     * Stores {@code profile} with why its data was chosen ({@code trigger}: the snapshot's DataReady trigger, or
     * {@code live-baseline}) unless a profile of the same id exists.
     *
     * @return true when stored, false when the id already had a profile
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean save(ReferenceProfile profile, String sourceEventId, String trigger) {
        if (ReferenceProfileEntity.findById(profile.snapshotId()) != null) {
            return false;
        }
        ReferenceProfileEntity header = new ReferenceProfileEntity();
        header.snapshotId = profile.snapshotId();
        header.datasetName = profile.datasetName();
        header.datasetVersion = profile.datasetVersion();
        header.featureCount = profile.featureCount();
        header.trainCount = profile.trainCount();
        header.sampleSize = profile.sampleSize();
        header.sourceEventId = sourceEventId;
        header.createdAt = clock.instant();
        header.labelCounts = new java.util.HashMap<>(profile.labelCounts());
        header.trigger = trigger;
        header.persist();
        for (ReferenceProfile.FeatureProfile f : profile.features()) {
            ReferenceFeatureEntity e = new ReferenceFeatureEntity();
            e.snapshotId = profile.snapshotId();
            e.featureIndex = f.index();
            e.mean = f.mean();
            e.std = f.std();
            e.min = f.min();
            e.max = f.max();
            e.sortedSample = Codec.doubles(f.sortedSample());
            e.binEdges = Codec.doubles(f.binEdges());
            e.binProportions = Codec.doubles(f.binProportions());
            if (f.categorical()) {
                e.kind = DriftReport.CATEGORICAL;
                e.categoryCounts = Codec.doubles(pairs(f.categoryCounts()));
            }
            e.persist();
        }
        return true;
    }

    /** The profile of {@code snapshotId}, if one was stored. */
    @Transactional
    public Optional<ReferenceProfile> find(String snapshotId) {
        if (snapshotId == null || snapshotId.isBlank()) {
            return Optional.empty();
        }
        ReferenceProfile cached = cache.get(snapshotId);
        if (cached != null) {
            return Optional.of(cached);
        }
        ReferenceProfileEntity header = ReferenceProfileEntity.findById(snapshotId);
        if (header == null) {
            return Optional.empty();
        }
        List<ReferenceFeatureEntity> rows =
                ReferenceFeatureEntity.list("snapshotId = ?1 order by featureIndex", snapshotId);
        List<ReferenceProfile.FeatureProfile> features = new ArrayList<>(rows.size());
        for (ReferenceFeatureEntity r : rows) {
            features.add(new ReferenceProfile.FeatureProfile(
                    r.featureIndex,
                    r.mean,
                    r.std,
                    r.min,
                    r.max,
                    Codec.doubles(r.sortedSample),
                    Codec.doubles(r.binEdges),
                    Codec.doubles(r.binProportions),
                    r.categoryCounts == null ? null : counts(Codec.doubles(r.categoryCounts))));
        }
        ReferenceProfile profile = new ReferenceProfile(
                header.snapshotId,
                header.datasetName,
                header.datasetVersion,
                header.trainCount,
                features,
                header.labelCounts);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(snapshotId, profile);
        return Optional.of(profile);
    }

    /** Why the snapshot of {@code snapshotId}'s profile was cut ({@code DataReady.trigger}), if known. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> trigger(String snapshotId) {
        String known = triggers.get(snapshotId);
        if (known != null) {
            return known.isEmpty() ? Optional.empty() : Optional.of(known);
        }
        ReferenceProfileEntity header = ReferenceProfileEntity.findById(snapshotId);
        if (header == null) {
            return Optional.empty(); // not stored yet: asked again later
        }
        if (triggers.size() >= CACHE_LIMIT) {
            triggers.clear();
        }
        triggers.put(snapshotId, header.trigger == null ? "" : header.trigger); // a stored profile never changes
        return Optional.ofNullable(header.trigger);
    }

    /** Category counts as (code, rows) pairs, in the map's (ascending) order. */
    static double[] pairs(Map<Integer, Long> counts) {
        double[] pairs = new double[counts.size() * 2];
        int i = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return pairs;
    }

    /** The counts of {@link #pairs}. */
    static Map<Integer, Long> counts(double[] pairs) {
        Map<Integer, Long> counts = new TreeMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            counts.put((int) pairs[i], (long) pairs[i + 1]);
        }
        return counts;
    }

    /** Headers of every stored profile, newest first. */
    @Transactional
    public List<ReferenceProfileEntity> list() {
        return ReferenceProfileEntity.list("order by createdAt desc, snapshotId");
    }
}
