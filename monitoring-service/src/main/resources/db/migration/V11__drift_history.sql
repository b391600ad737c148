-- Drift history: one row per recorded drift evaluation of a model's deployed version (at most one per
-- drift-history.min-interval unless the verdict or version changed). Per feature only the figures that decide
-- (test, statistic, threshold, verdict, KS statistic, p-value, PSI) as a compact JSON array; bounded by
-- drift-history.retention and drift-history.max-rows per model (DriftHistory's trim).
create table drift_history (
    id bigserial primary key,
    model_name varchar(255) not null,
    model_version integer not null,
    evaluated_at timestamp(6) with time zone not null,
    reference_id varchar(255) not null,
    method varchar(64) not null,
    sample_count integer not null,
    drift_score double precision not null,
    threshold double precision not null,
    drift_share double precision not null,
    drift_detected boolean not null,
    prediction_drifted boolean,
    -- [{"index","test","statistic","threshold","drifted","ks","p","psi"}]
    features jsonb not null
);
create index drift_history_model_time_idx on drift_history (model_name, evaluated_at desc, id desc);
create index drift_history_time_idx on drift_history (evaluated_at);
