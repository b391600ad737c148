-- When a model version last changed (MLflow ModelVersion.last_updated_timestamp): set at registration, moved by a
-- description change (model-versions/update). Versions registered before this migration never changed since, so
-- theirs is their registration time.
alter table registry_model_version add column updated_at timestamp(6) with time zone;
update registry_model_version set updated_at = created_at;
alter table registry_model_version alter column updated_at set not null;
