package io.edgeloop.registry.tracking;

import io.edgeloop.registry.domain.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hibernate.query.TypedParameterValue;
import org.hibernate.type.StandardBasicTypes;

/**
 * Experiments and runs of the MLflow Tracking API in PostgreSQL (tables {@code mlflow_*}). Keys and values are
 * checked against MLflow's limits; failures are {@link RegistryException}s (INVALID naming the field, NOT_FOUND).
 */
@ApplicationScoped
public class TrackingStore {
    /** MLflow's view types: which lifecycle stages a search includes. */
    public enum ViewType {
        ACTIVE_ONLY,
        DELETED_ONLY,
        ALL;

        String stageClause(String alias) {
            return switch (this) {
                case ACTIVE_ONLY -> alias + ".lifecycle_stage = 'active'";
                case DELETED_ONLY -> alias + ".lifecycle_stage = 'deleted'";
                case ALL -> "1 = 1";
            };
        }
    }

    /**
     * A run to create.
     *
     * @param runId its id
     * @param experimentId an existing experiment
     * @param runName display name (may be empty)
     * @param userId who started it
     * @param status initial status
     * @param startTime epoch ms
     * @param endTime epoch ms or null
     * @param tags initial tags
     */
    public record NewRun(
            String runId,
            long experimentId,
            String runName,
            String userId,
            String status,
            long startTime,
            Long endTime,
            Map<String, String> tags) {}

    @Inject
    EntityManager em;

    // --- experiments

    /** Creates an experiment; empty when one of that name exists. */
    @Transactional
    public Optional<Long> createExperiment(String name, String artifactLocation, Map<String, String> tags, long now) {
        TrackingLimits.check("name", name, 500);
        TrackingLimits.check("artifact_location", artifactLocation, 1000);
        List<?> id = em.createNativeQuery("insert into mlflow_experiment (name, artifact_location, lifecycle_stage,"
                        + " creation_time, last_update_time) values (?1, ?2, 'active', ?3, ?3)"
                        + " on conflict (name) do nothing returning experiment_id")
                .setParameter(1, name)
                .setParameter(2, artifactLocation)
                .setParameter(3, now)
                .getResultList();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        long experimentId = ((Number) id.get(0)).longValue();
        tags.forEach((k, v) -> setExperimentTag(experimentId, k, v));
        return Optional.of(experimentId);
    }

    /** The experiment with this id. */
    @Transactional
    public Experiment experiment(long id) {
        return experiments("e.experiment_id = ?1", id, 0, 1, "e.experiment_id").stream()
                .findFirst()
                .orElseThrow(() -> RegistryException.notFound("No Experiment with id=" + id + " exists"));
    }

    /** The experiment with this name, if any. */
    @Transactional
    public Optional<Experiment> experimentByName(String name) {
        return experiments("e.name = ?1", name, 0, 1, "e.experiment_id").stream()
                .findFirst();
    }

    /**
     * Experiments whose name matches {@code likePattern} (null: all) in {@code viewType}, ordered by {@code orderBy}
     * (SQL over alias {@code e}; the id is appended as tie-breaker).
     */
    @Transactional
    public List<Experiment> searchExperiments(
            String likePattern, ViewType viewType, String orderBy, int offset, int limit) {
        String where = viewType.stageClause("e") + (likePattern == null ? "" : " and e.name like ?1 escape '\\'");
        return experiments(where, likePattern, offset, limit, orderBy + ", e.experiment_id");
    }

    /** Sets (or replaces) a tag of an experiment. */
    @Transactional
    public void setExperimentTag(long experimentId, String key, String value) {
        TrackingLimits.checkKey("key", key);
        TrackingLimits.check("value", value, 5000);
        experiment(experimentId);
        em.createNativeQuery("insert into mlflow_experiment_tag (experiment_id, key, value) values (?1, ?2, ?3)"
                        + " on conflict (experiment_id, key) do update set value = excluded.value")
                .setParameter(1, experimentId)
                .setParameter(2, key)
                .setParameter(3, value)
                .executeUpdate();
    }

    private List<Experiment> experiments(String where, Object param, int offset, int limit, String orderBy) {
        Query q = em.createNativeQuery("select e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage,"
                        + " e.creation_time, e.last_update_time from mlflow_experiment e where " + where
                        + " order by " + orderBy)
                .setFirstResult(offset)
                .setMaxResults(limit);
        if (param != null) {
            q.setParameter(1, param);
        }
        List<Experiment> out = new ArrayList<>();
        for (Object o : q.getResultList()) {
            Object[] r = (Object[]) o;
            long id = ((Number) r[0]).longValue();
            Map<String, String> tags = new TreeMap<>();
            for (Object t : em.createNativeQuery(
                            "select key, value from mlflow_experiment_tag where experiment_id = ?1")
                    .setParameter(1, id)
                    .getResultList()) {
                tags.put((String) ((Object[]) t)[0], (String) ((Object[]) t)[1]);
            }
            out.add(new Experiment(
                    id,
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    ((Number) r[4]).longValue(),
                    ((Number) r[5]).longValue(),
                    tags));
        }
        return out;
    }

    // --- runs

    /** Creates a run; false (nothing changed) when a run with its id exists. */
    @Transactional
    public boolean createRun(NewRun run) {
        TrackingLimits.check("run_name", run.runName(), 250);
        TrackingLimits.check("user_id", run.userId(), 256);
        Experiment e = experiment(run.experimentId());
        if (!e.lifecycleStage().equals("active")) {
            throw RegistryException.invalid(List.of("experiment_id: experiment " + e.id() + " is deleted"));
        }
        int inserted = em.createNativeQuery("insert into mlflow_run (run_id, experiment_id, run_name, user_id, status,"
                        + " start_time, end_time, lifecycle_stage, artifact_uri)"
                        + " values (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', '') on conflict (run_id) do nothing")
                .setParameter(1, run.runId())
                .setParameter(2, run.experimentId())
                .setParameter(3, run.runName())
                .setParameter(4, run.userId())
                .setParameter(5, run.status())
                .setParameter(6, run.startTime())
                .setParameter(7, new TypedParameterValue<>(StandardBasicTypes.LONG, run.endTime()))
                .executeUpdate();
        if (inserted == 0) {
            return false;
        }
        logBatch(run.runId(), List.of(), Map.of(), run.tags());
        return true;
    }

    /** The run with its current metrics, params and tags. */
    @Transactional
    public Run run(String runId) {
        List<Run> runs = runs("r.run_id = ?1", runId);
        if (runs.isEmpty()) {
            throw RegistryException.notFound("Run '" + runId + "' not found");
        }
        return runs.get(0);
    }

    /** Every run of these experiments in {@code viewType}, newest start first. */
    @Transactional
    public List<Run> runs(Collection<Long> experimentIds, ViewType viewType) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        return runs("r.experiment_id in (?1) and " + viewType.stageClause("r"), experimentIds);
    }

    /** Sets status, end time and (when not null) the name of a run. */
    @Transactional
    public RunInfo updateRun(String runId, String status, Long endTime, String runName) {
        activeRun(runId);
        if (runName != null) {
            TrackingLimits.check("run_name", runName, 250);
        }
        RunInfo current = run(runId).info();
        em.createNativeQuery("update mlflow_run set status = ?2, end_time = ?3, run_name = ?4 where run_id = ?1")
                .setParameter(1, runId)
                .setParameter(2, status == null ? current.status() : status)
                .setParameter(
                        3,
                        new TypedParameterValue<>(
                                StandardBasicTypes.LONG, endTime == null ? current.endTime() : endTime))
                .setParameter(4, runName == null ? current.runName() : runName)
                .executeUpdate();
        return run(runId).info();
    }

    /**
     * Logs metric points, params and tags to an active run. A param logged again must keep its value (MLflow);
     * tags are replaced.
     */
    @Transactional
    public void logBatch(
            String runId, List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {
        activeRun(runId);
        Map<String, String> existing = new HashMap<>();
        for (Object o : em.createNativeQuery("select key, value from mlflow_run_param where run_id = ?1")
                .setParameter(1, runId)
                .getResultList()) {
            existing.put((String) ((Object[]) o)[0], (String) ((Object[]) o)[1]);
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            TrackingLimits.checkKey("params.key", p.getKey());
            TrackingLimits.check("params.value", p.getValue(), 6000);
            String old = existing.get(p.getKey());
            if (old != null && !old.equals(p.getValue())) {
                throw RegistryException.invalid(List.of("params." + p.getKey() + ": already logged with value '" + old
                        + "', changing a param is not allowed (new value '" + p.getValue() + "')"));
            }
            if (old == null) {
                insert("insert into mlflow_run_param (run_id, key, value) values (?1, ?2, ?3)", runId, p);
            }
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            TrackingLimits.checkKey("tags.key", t.getKey());
            TrackingLimits.check("tags.value", t.getValue(), 8000);
            insert(
                    "insert into mlflow_run_tag (run_id, key, value) values (?1, ?2, ?3)"
                            + " on conflict (run_id, key) do update set value = excluded.value",
                    runId,
                    t);
            if (t.getKey().equals("mlflow.runName")) {
                TrackingLimits.check("run_name", t.getValue(), 250);
                em.createNativeQuery("update mlflow_run set run_name = ?2 where run_id = ?1")
                        .setParameter(1, runId)
                        .setParameter(2, t.getValue())
                        .executeUpdate();
            }
        }
        for (MetricPoint m : metrics) {
            TrackingLimits.checkKey("metrics.key", m.key());
            em.createNativeQuery("insert into mlflow_metric (run_id, key, value, timestamp, step)"
                            + " values (?1, ?2, ?3, ?4, ?5)")
                    .setParameter(1, runId)
                    .setParameter(2, m.key())
                    .setParameter(3, m.value())
                    .setParameter(4, m.timestamp())
                    .setParameter(5, m.step())
                    .executeUpdate();
        }
    }

    /** Removes a tag of an active run (NOT_FOUND when it has none of that key). */
    @Transactional
    public void deleteTag(String runId, String key) {
        activeRun(runId);
        int n = em.createNativeQuery("delete from mlflow_run_tag where run_id = ?1 and key = ?2")
                .setParameter(1, runId)
                .setParameter(2, key)
                .executeUpdate();
        if (n == 0) {
            throw RegistryException.notFound("No tag with name: " + key + " in run with id " + runId);
        }
    }

    /** Every logged point of one metric of a run, by step then timestamp. */
    @Transactional
    public List<MetricPoint> metricHistory(String runId, String key) {
        run(runId);
        List<MetricPoint> out = new ArrayList<>();
        for (Object o : em.createNativeQuery("select key, value, timestamp, step from mlflow_metric"
                        + " where run_id = ?1 and key = ?2 order by step, timestamp, id")
                .setParameter(1, runId)
                .setParameter(2, key)
                .getResultList()) {
            out.add(point((Object[]) o, 0));
        }
        return out;
    }

    // --- internals

    private void activeRun(String runId) {
        List<?> stage = em.createNativeQuery("select lifecycle_stage from mlflow_run where run_id = ?1")
                .setParameter(1, runId)
                .getResultList();
        if (stage.isEmpty()) {
            throw RegistryException.notFound("Run '" + runId + "' not found");
        }
        if (!"active".equals(stage.get(0))) {
            throw RegistryException.invalid(List.of("run_id: the run " + runId + " is deleted"));
        }
    }

    private void insert(String sql, String runId, Map.Entry<String, String> kv) {
        em.createNativeQuery(sql)
                .setParameter(1, runId)
                .setParameter(2, kv.getKey())
                .setParameter(3, kv.getValue())
                .executeUpdate();
    }

    private List<Run> runs(String where, Object param) {
        String from = " from mlflow_run r where " + where;
        Map<String, RunInfo> infos = new LinkedHashMap<>();
        for (Object o : em.createNativeQuery("select r.run_id, r.experiment_id, r.run_name, r.user_id, r.status,"
                        + " r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri" + from
                        + " order by r.start_time desc, r.run_id")
                .setParameter(1, param)
                .getResultList()) {
            Object[] r = (Object[]) o;
            infos.put(
                    (String) r[0],
                    new RunInfo(
                            (String) r[0],
                            ((Number) r[1]).longValue(),
                            (String) r[2],
                            (String) r[3],
                            (String) r[4],
                            ((Number) r[5]).longValue(),
                            r[6] == null ? null : ((Number) r[6]).longValue(),
                            (String) r[7],
                            (String) r[8]));
        }
        Map<String, Map<String, String>> params = keyValues("mlflow_run_param", from, param);
        Map<String, Map<String, String>> tags = keyValues("mlflow_run_tag", from, param);
        Map<String, List<MetricPoint>> metrics = new HashMap<>();
        for (Object o : em.createNativeQuery("select distinct on (m.run_id, m.key) m.run_id, m.key, m.value,"
                        + " m.timestamp, m.step from mlflow_metric m where m.run_id in (select r.run_id" + from
                        + ") order by m.run_id, m.key, m.step desc, m.timestamp desc, m.value desc")
                .setParameter(1, param)
                .getResultList()) {
            Object[] r = (Object[]) o;
            metrics.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add(point(r, 1));
        }
        List<Run> out = new ArrayList<>();
        infos.forEach((id, info) -> out.add(new Run(
                info,
                List.copyOf(metrics.getOrDefault(id, List.of())),
                params.getOrDefault(id, Map.of()),
                tags.getOrDefault(id, Map.of()))));
        return out;
    }

    private Map<String, Map<String, String>> keyValues(String table, String from, Object param) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Object o : em.createNativeQuery("select t.run_id, t.key, t.value from " + table
                        + " t where t.run_id in (select r.run_id" + from + ")")
                .setParameter(1, param)
                .getResultList()) {
            Object[] r = (Object[]) o;
            out.computeIfAbsent((String) r[0], k -> new TreeMap<>()).put((String) r[1], (String) r[2]);
        }
        return out;
    }

    private static MetricPoint point(Object[] r, int from) {
        return new MetricPoint(
                (String) r[from],
                ((Number) r[from + 1]).doubleValue(),
                ((Number) r[from + 2]).longValue(),
                ((Number) r[from + 3]).longValue());
    }
}
