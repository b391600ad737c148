-- The input a device captured with an inference (edgeloop.agent.telemetry.capture-inputs): feedback for it becomes a
-- labelled sample of the model's dataset (SampleLabelled). float32 little-endian, null when not captured.
alter table inference_record add column input bytea;

-- The dataset of a version's lineage (registry): where its labelled samples go. Null for uploaded models and for
-- facts fetched before this column existed.
alter table model_version_facts add column dataset_name varchar(255);
