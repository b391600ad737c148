-- Descriptions of registered models and model versions (MLflow registered-models/update, model-versions/update), and
-- the description a `description-updated` history entry set. At most 5000 characters, like MLflow's own store. Only
-- adds nullable columns: registry_history stays append-only (its triggers refuse row changes, not ALTER TABLE).
alter table registry_model add column description varchar(5000);
alter table registry_model_version add column description varchar(5000);
alter table registry_history add column description varchar(5000);
