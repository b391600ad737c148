-- A registering device looks up, per model, the newest completed rollout that selects it (FleetService.register):
-- read newest first by model and status instead of scanning every completed rollout.
create index deployment_model_status_created_idx on deployment (model_name, status, created_at desc);
