package io.edgeloop.deployment.persistence;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Moves the single-model twin of a database created before several models per device (columns
 * {@code device.desired_deployment_id}, {@code reported_*}, ...) into {@code device_model} slots, once per device
 * that has no slot yet. A database without those columns (created by this version) is left alone; a failure is logged
 * and never stops the service.
 */
@ApplicationScoped
public class LegacyTwinMigration {
    private static final Logger LOG = Logger.getLogger(LegacyTwinMigration.class);

    /** Columns the legacy device row and device_model share (each copied when the legacy column exists). */
    private static final List<String> COLUMNS = List.of(
            "desired_deployment_id",
            "unassigned_by_deployment_id",
            "unassigned_reason",
            "last_good_deployment_id",
            "reported_deployment_id",
            "reported_state",
            "reported_variant_id",
            "reported_message",
            "reported_at");

    @Inject
    EntityManager em;

    void onStart(@Observes StartupEvent ev) {
        try {
            int moved = migrate();
            if (moved > 0) {
                LOG.infof("moved the single-model twin of %d device(s) into device_model", moved);
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    e, "could not move the single-model twin into device_model; devices re-sync on their next rollout");
        }
    }

    /** Migrates what there is to migrate; returns the number of slots created. */
    @Transactional
    public int migrate() {
        @SuppressWarnings("unchecked")
        List<Object> names = em.createNativeQuery("select column_name from information_schema.columns"
                        + " where table_name = 'device' and table_schema = current_schema()")
                .getResultList();
        Set<String> have = new HashSet<>();
        names.forEach(n -> have.add(String.valueOf(n)));
        if (!have.contains("desired_deployment_id")) {
            return 0;
        }
        StringBuilder into = new StringBuilder("device_id, model_name, revision, reported_model_version");
        StringBuilder select = new StringBuilder("d.id, dep.model_name, "
                + (have.contains("desired_revision") ? "coalesce(d.desired_revision, 0)" : "0") + ", "
                + (have.contains("reported_model_version") ? "coalesce(d.reported_model_version, 0)" : "0"));
        StringBuilder key = new StringBuilder();
        for (String c : COLUMNS) {
            if (have.contains(c)) {
                into.append(", ").append(c);
                select.append(", d.").append(c);
                if (c.endsWith("deployment_id") && !c.startsWith("last_good")) {
                    key.append(key.length() == 0 ? "" : ", ").append("d.").append(c);
                }
            }
        }
        return em.createNativeQuery("insert into device_model (" + into + ") select " + select
                        + " from device d join deployment dep on dep.id = coalesce(" + key + ")"
                        + " where not exists (select 1 from device_model m where m.device_id = d.id)")
                .executeUpdate();
    }
}
