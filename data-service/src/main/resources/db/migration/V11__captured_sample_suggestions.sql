-- Active learning: a sample stored from SampleCaptured (an input the served model was unsure of) is unlabeled, linked
-- to the inference (model, version, device, inference id) and carries the served version's prediction as a suggested
-- label with its confidence. One sample per (dataset, model, inference id): the same inference again adds nothing,
-- and ground truth for it (SampleLabelled) labels that sample. The labeling queue lists unlabeled samples least
-- confident first.
create table sample_suggestion (
    sample_id varchar(64) collate "C" not null primary key,
    dataset_name varchar(63) not null,
    model_name varchar(128) not null,
    model_version integer not null,
    device_id varchar(255) not null,
    inference_id varchar(255) not null,
    -- one of the data set's labels, null when the prediction names none of them
    suggested_label varchar(64),
    confidence real not null,
    inferred_at timestamp(6) with time zone,
    created_at timestamp(6) with time zone not null
);
create unique index sample_suggestion_inference_idx on sample_suggestion (dataset_name, model_name, inference_id);
create index sample_suggestion_queue_idx on sample_suggestion (dataset_name, confidence, sample_id);
-- the queue's candidates: live unlabeled samples of a data set
create index sample_unlabeled_idx on sample (dataset_name, id) where label_index is null and deleted_at is null;
