-- Replicas: the instance driving a rollout (its scheduler ticks, gates and verdicts) holds a lease on it; another
-- instance takes the rollout over only after the lease lapsed. Managed by native SQL only (RolloutLeases).
alter table deployment add column driver varchar(200);
alter table deployment add column driver_until timestamp(6) with time zone;
