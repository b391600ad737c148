-- Classified inferences reported by the devices (telemetry windows' inference records) and the true labels fed back
-- for them (FeedbackService / POST /models/{name}/feedback). Rows older than the retention are trimmed.
create table inference_record (
    model_name varchar(255) not null,
    inference_id varchar(255) not null,
    model_version integer not null,
    device_id varchar(255) not null,
    window_id varchar(255) not null,
    predicted_class integer not null,
    confidence real not null,
    inferred_at timestamp(6) with time zone not null,
    received_at timestamp(6) with time zone not null,
    -- the true class index, null until feedback arrived
    true_class integer,
    labelled_at timestamp(6) with time zone,
    primary key (model_name, inference_id)
);
create index inference_record_labelled_idx on inference_record (model_name, model_version, labelled_at);
create index inference_record_received_idx on inference_record (received_at);

-- What the registry says about a model version: its class labels (output order) and test accuracy (the reference of
-- performance drift), fetched once and kept.
create table model_version_facts (
    model_name varchar(255) not null,
    model_version integer not null,
    -- JSON array of strings
    class_labels text not null,
    -- null when the registry has no test_accuracy metric for the version
    test_accuracy double precision,
    fetched_at timestamp(6) with time zone not null,
    primary key (model_name, model_version)
);
