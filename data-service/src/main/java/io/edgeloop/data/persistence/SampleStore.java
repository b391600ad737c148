package io.edgeloop.data.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Database access of the data service. Schema rows go through JPA; bulk sample and snapshot-member rows use JDBC on
 * the transaction's own connection (batched inserts, insert-select, cursor reads). Every method needs the caller's
 * transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class SampleStore {
    /** The condition that makes a sample of a data set a member of a new snapshot: live and labelled. */
    private static final String MEMBER = " and deleted_at is null and label_index is not null";

    @Inject
    EntityManager em;

    /**
     * A sample row to insert; {@code labelIndex} and {@code label} null (split 0) for an unlabeled sample;
     * {@code recordingId} and {@code windowOffset} set for a window of a recording, else null.
     */
    public record NewSample(
            String id,
            String dataset,
            float[] features,
            Short labelIndex,
            String label,
            String source,
            short split,
            Long recordingId,
            Integer windowOffset) {
        public NewSample(
                String id,
                String dataset,
                float[] features,
                Short labelIndex,
                String label,
                String source,
                short split) {
            this(id, dataset, features, labelIndex, label, source, split, null, null);
        }
    }

    /**
     * A live labelled sample's id and split code, and its label when that was edited after ingest (null otherwise:
     * the id then already stands for the label).
     */
    public record IdSplit(String id, short split, String editedLabel) {
        public IdSplit(String id, short split) {
            this(id, split, null);
        }
    }

    /** One streamed member of a snapshot. */
    public record MemberRow(String id, float[] features, int labelIndex, short split) {}

    /** Receives streamed rows; may throw to stop the stream. */
    @FunctionalInterface
    public interface RowSink {
        void accept(MemberRow row) throws Exception;
    }

    /** The dataset, deleted or not (its snapshots stay readable), or empty. */
    public Optional<DatasetEntity> dataset(String name) {
        return Optional.ofNullable(em.find(DatasetEntity.class, name));
    }

    /** The dataset unless unknown or deleted. */
    public Optional<DatasetEntity> liveDataset(String name) {
        return dataset(name).filter(d -> d.deletedAt == null);
    }

    /**
     * The live dataset (empty when unknown or deleted), row-locked until the transaction ends: ingest, labeling,
     * deletion and snapshot cutting of one dataset are serialised so a snapshot sees a consistent sample set.
     */
    public Optional<DatasetEntity> lockDataset(String name) {
        return Optional.ofNullable(em.find(DatasetEntity.class, name, LockModeType.PESSIMISTIC_WRITE))
                .filter(d -> d.deletedAt == null);
    }

    /** Every live dataset, by name. */
    public List<DatasetEntity> datasets() {
        return em.createQuery("from DatasetEntity where deletedAt is null order by name", DatasetEntity.class)
                .getResultList();
    }

    /** Inserts a dataset unless one of that name exists ({@code featureKinds} null = all numerical); true when inserted. */
    public boolean insertDatasetIfAbsent(
            String name,
            String[] featureNames,
            String[] labels,
            String dataKind,
            Integer[] sampleShape,
            Double sampleRateHz,
            String[] featureKinds,
            Instant createdAt) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into dataset (name, feature_names, labels, data_kind, sample_shape, sample_rate_hz,"
                            + " feature_kinds, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do"
                            + " nothing")) {
                ps.setString(1, name);
                ps.setArray(2, c.createArrayOf("text", featureNames));
                ps.setArray(3, c.createArrayOf("text", labels));
                ps.setString(4, dataKind);
                ps.setArray(5, c.createArrayOf("integer", sampleShape));
                if (sampleRateHz == null) {
                    ps.setNull(6, java.sql.Types.DOUBLE);
                } else {
                    ps.setDouble(6, sampleRateHz);
                }
                if (featureKinds == null) {
                    ps.setNull(7, java.sql.Types.ARRAY);
                } else {
                    ps.setArray(7, c.createArrayOf("text", featureKinds));
                }
                ps.setTimestamp(8, Timestamp.from(createdAt));
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Number of live (not deleted) samples of a dataset, labelled or not. */
    public long countSamples(String dataset) {
        return em.createQuery(
                        "select count(s) from SampleEntity s where s.datasetName = :d and s.deletedAt is null",
                        Long.class)
                .setParameter("d", dataset)
                .getSingleResult();
    }

    /** The newest live sample of {@code dataset} ingested with {@code source}, if any. */
    public Optional<String> liveSampleWithSource(String dataset, String source) {
        return em.createQuery(
                        "select s.id from SampleEntity s where s.datasetName = :d and s.source = :s"
                                + " and s.deletedAt is null order by s.ingestedAt desc",
                        String.class)
                .setParameter("d", dataset)
                .setParameter("s", source)
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /** Number of live unlabeled samples of a dataset. */
    public long countUnlabeled(String dataset) {
        return em.createQuery(
                        "select count(s) from SampleEntity s where s.datasetName = :d and s.deletedAt is null"
                                + " and s.labelIndex is null",
                        Long.class)
                .setParameter("d", dataset)
                .getSingleResult();
    }

    /**
     * Live labelled samples of {@code dataset} per class index and split: {@code [class][0 train, 1 validation, 2
     * test]}. Read from {@code sample_split_count}, which triggers on {@code sample} keep exact in every transaction
     * that inserts, labels, relabels, deletes or restores samples (V16): a few rows instead of a scan of the data
     * set.
     */
    public long[][] splitCounts(String dataset, int classes) {
        long[][] counts = new long[classes][3];
        return session().doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select label_index, split, sample_count from sample_split_count where dataset_name = ?")) {
                ps.setString(1, dataset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int label = rs.getShort(1);
                        int split = rs.getShort(2);
                        if (label >= 0 && label < classes && split >= 1 && split <= 3) {
                            counts[label][split - 1] = rs.getLong(3);
                        }
                    }
                }
            }
            return counts;
        });
    }

    /** Test members of a snapshot per class index. */
    @SuppressWarnings("unchecked")
    public long[] testCountsByClass(long snapshotId, int classes) {
        long[] counts = new long[classes];
        List<Object[]> rows = em.createNativeQuery(
                        "select coalesce(m.label_index, s.label_index), count(*) from snapshot_sample m"
                                + " join sample s on s.id = m.sample_id where m.snapshot_id = ?1 and m.split = 3"
                                + " group by coalesce(m.label_index, s.label_index)")
                .setParameter(1, snapshotId)
                .getResultList();
        for (Object[] row : rows) {
            int c = row[0] == null ? -1 : ((Number) row[0]).intValue();
            if (c >= 0 && c < classes) {
                counts[c] = ((Number) row[1]).longValue();
            }
        }
        return counts;
    }

    /**
     * Which of {@code ids} are stored already (deleted ones included: deleting a sample is final); one query with
     * the ids as an array.
     */
    public java.util.Set<String> existingIds(List<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        return session().doReturningWork(c -> {
            java.util.Set<String> found = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("select id from sample where id = any (?)")) {
                ps.setArray(1, c.createArrayOf("varchar", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
            return found;
        });
    }

    /** Live sample counts of all datasets that have samples. */
    public Map<String, Long> sampleCounts() {
        Map<String, Long> counts = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "select s.datasetName, count(s) from SampleEntity s where s.deletedAt is null"
                                + " group by s.datasetName",
                        Object[].class)
                .getResultList()) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }

    /** Feature rows of every live sample of {@code dataset}, or of one class when {@code labelIndex >= 0}. */
    public List<float[]> features(String dataset, int labelIndex) {
        return features(dataset, labelIndex, 0);
    }

    /**
     * As {@link #features(String, int)}, at most {@code limit} rows (0 = all): the ones with the smallest ids, which
     * are hashes, so an unbiased and repeatable choice.
     */
    public List<float[]> features(String dataset, int labelIndex, int limit) {
        String sql = "select features from sample where dataset_name = ? and deleted_at is null"
                + (labelIndex >= 0 ? " and label_index = ?" : "")
                + (limit > 0 ? " order by id limit " + limit : "");
        return session().doReturningWork(c -> {
            List<float[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(1000);
                ps.setString(1, dataset);
                if (labelIndex >= 0) {
                    ps.setShort(2, (short) labelIndex);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(floats(rs.getArray(1)));
                    }
                }
            }
            return out;
        });
    }

    /** Feature rows of every sample of {@code dataset}. */
    public List<float[]> features(String dataset) {
        return features(dataset, -1);
    }

    /**
     * Inserts samples, skipping ids that exist.
     *
     * @return the number of rows inserted (a row the driver reports without a count counts as inserted)
     */
    public int insertSamples(List<NewSample> samples, Instant ingestedAt) {
        if (samples.isEmpty()) {
            return 0;
        }
        return session().doReturningWork(c -> {
            int inserted = 0;
            try (PreparedStatement ps = c.prepareStatement("insert into sample"
                    + " (id, dataset_name, features, label_index, label, source, split, ingested_at, recording_id,"
                    + " window_offset) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing")) {
                Timestamp at = Timestamp.from(ingestedAt);
                int pending = 0;
                for (NewSample s : samples) {
                    ps.setString(1, s.id());
                    ps.setString(2, s.dataset());
                    ps.setArray(3, floatArray(c, s.features()));
                    if (s.labelIndex() == null) {
                        ps.setNull(4, java.sql.Types.SMALLINT);
                    } else {
                        ps.setShort(4, s.labelIndex());
                    }
                    ps.setString(5, s.label());
                    ps.setString(6, s.source());
                    ps.setShort(7, s.split());
                    ps.setTimestamp(8, at);
                    ps.setObject(9, s.recordingId(), java.sql.Types.BIGINT);
                    ps.setObject(10, s.windowOffset(), java.sql.Types.INTEGER);
                    ps.addBatch();
                    if (++pending == 500) {
                        inserted += inserted(ps.executeBatch());
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    inserted += inserted(ps.executeBatch());
                }
            }
            return inserted;
        });
    }

    /**
     * Inserts samples whose ids are not stored (the caller checked under the data set's lock) with a binary {@code
     * COPY} ({@link SampleCopy}); an id stored meanwhile by another data set's ingest falls back to {@link
     * #insertSamples}, which skips it.
     *
     * @return the number of rows inserted
     */
    public int copySamples(List<NewSample> samples, Instant ingestedAt) {
        if (samples.isEmpty()) {
            return 0;
        }
        int copied = session().doReturningWork(c -> SampleCopy.copy(c, samples, ingestedAt));
        return copied >= 0 ? copied : insertSamples(samples, ingestedAt);
    }

    private static int inserted(int[] counts) {
        int n = 0;
        for (int count : counts) {
            n += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
        }
        return n;
    }

    /** Ids, splits and edited labels of every live labelled sample of a dataset: a snapshot's members (unordered). */
    public List<IdSplit> sampleIdsAndSplits(String dataset) {
        return session().doReturningWork(c -> {
            List<IdSplit> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, split, case when label_edited then label end"
                    + " from sample where dataset_name = ?" + MEMBER)) {
                ps.setFetchSize(5000);
                ps.setString(1, dataset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new IdSplit(rs.getString(1), rs.getShort(2), rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Makes every live labelled sample of the dataset a member of the snapshot, with its current split and label;
     * returns the member count.
     */
    public int insertMembers(long snapshotId, String dataset) {
        return session().doReturningWork(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("insert into snapshot_sample (snapshot_id, sample_id, split, label_index)"
                            + " select ?, id, split, label_index from sample where dataset_name = ?" + MEMBER)) {
                ps.setLong(1, snapshotId);
                ps.setString(2, dataset);
                return ps.executeUpdate();
            }
        });
    }

    /** The latest snapshot of a dataset, or empty. */
    public Optional<SnapshotEntity> latestSnapshot(String dataset) {
        return em.createQuery("from SnapshotEntity where datasetName = :d order by version desc", SnapshotEntity.class)
                .setParameter("d", dataset)
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /** A snapshot by version, or empty. */
    public Optional<SnapshotEntity> snapshot(String dataset, int version) {
        return em.createQuery("from SnapshotEntity where datasetName = :d and version = :v", SnapshotEntity.class)
                .setParameter("d", dataset)
                .setParameter("v", version)
                .getResultStream()
                .findFirst();
    }

    /** Every snapshot of a dataset, oldest first. */
    public List<SnapshotEntity> snapshots(String dataset) {
        return em.createQuery("from SnapshotEntity where datasetName = :d order by version", SnapshotEntity.class)
                .setParameter("d", dataset)
                .getResultList();
    }

    /** Latest snapshot version of every dataset that has one. */
    public Map<String, Integer> latestVersions() {
        Map<String, Integer> versions = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "select s.datasetName, max(s.version) from SnapshotEntity s group by s.datasetName",
                        Object[].class)
                .getResultList()) {
            versions.put((String) row[0], ((Number) row[1]).intValue());
        }
        return versions;
    }

    /**
     * Streams the members of a snapshot in the given splits, ordered by sample id, through a server-side cursor
     * ({@code fetchSize} rows at a time), so a large snapshot is never held in memory.
     */
    public void streamMembers(long snapshotId, short[] splits, int fetchSize, RowSink sink) {
        session().doWork(c -> {
            // the label the member had when the snapshot was cut; deleted samples stay in the snapshots that hold them
            try (PreparedStatement ps = c.prepareStatement("select s.id, s.features,"
                    + " coalesce(m.label_index, s.label_index), m.split"
                    + " from snapshot_sample m join sample s on s.id = m.sample_id"
                    + " where m.snapshot_id = ? and m.split = any (?) order by m.sample_id")) {
                ps.setFetchSize(fetchSize);
                ps.setLong(1, snapshotId);
                Short[] boxed = new Short[splits.length];
                for (int i = 0; i < splits.length; i++) {
                    boxed[i] = splits[i];
                }
                ps.setArray(2, c.createArrayOf("int2", boxed));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(
                                new MemberRow(rs.getString(1), floats(rs.getArray(2)), rs.getShort(3), rs.getShort(4)));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("streaming snapshot " + snapshotId + " stopped: " + e.getMessage(), e);
            }
        });
    }

    private Session session() {
        return em.unwrap(Session.class);
    }

    private static Array floatArray(Connection c, float[] values) throws SQLException {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("float4", boxed);
    }

    static float[] floats(Array array) throws SQLException {
        Object raw = array.getArray();
        if (raw instanceof float[] primitive) {
            return primitive;
        }
        Object[] boxed = (Object[]) raw;
        float[] out = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = ((Number) boxed[i]).floatValue();
        }
        return out;
    }
}
