-- A device twin names, per model, the newest rollout that found the device INCOMPATIBLE (GET /devices, GET
-- /devices/{id}): read those targets by device, only the incompatible ones, instead of scanning every target.
create index deployment_target_incompatible_device_idx on deployment_target (device_id) where state = 'INCOMPATIBLE';
