package io.edgeloop.deployment.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The INCOMPATIBLE targets a device twin can show (its models' {@code incompatible}): per device and model, the one of
 * the newest rollout (highest model version, then the latest) whose version is above what the device is asked to run
 * and reports (any version for a model it has no slot for), and none for a revoked device. Read in one query per
 * {@value #CHUNK} devices, through the partial index on incompatible targets by device (V6): at most one row per device
 * and model, whatever the length of the fleet's rollout history.
 */
public final class IncompatibleTargets {
    /** Device ids per query (bind parameters). */
    static final int CHUNK = 1000;

    private static final String SQL = """
            select distinct on (t.device_id, d.model_name) t.*
            from deployment_target t
            join deployment d on d.id = t.deployment_id
            join device dev on dev.id = t.device_id and dev.revoked_at is null
            left join device_model s on s.device_id = t.device_id and s.model_name = d.model_name
            left join deployment desired on desired.id = s.desired_deployment_id
            where t.state = 'INCOMPATIBLE' and t.device_id in (:ids)
              and (s.id is null
                or d.model_version > greatest(coalesce(desired.model_version, 0), coalesce(s.reported_model_version, 0)))
            order by t.device_id, d.model_name, d.model_version desc, t.updated_at desc, t.id desc
            """;

    private IncompatibleTargets() {}

    /** The targets the twins of {@code deviceIds} show as incompatible: at most one per device and model. */
    public static List<DeploymentTargetEntity> shown(Collection<String> deviceIds) {
        List<String> ids = List.copyOf(deviceIds);
        List<DeploymentTargetEntity> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            @SuppressWarnings("unchecked")
            List<DeploymentTargetEntity> chunk = DeploymentTargetEntity.getEntityManager()
                    .createNativeQuery(SQL, DeploymentTargetEntity.class)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
                    .getResultList();
            out.addAll(chunk);
        }
        return out;
    }
}
