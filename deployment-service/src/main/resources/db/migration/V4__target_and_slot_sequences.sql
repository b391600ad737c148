-- Rollout planning inserts a target (and, for a device new to the model, a slot) per device: with identity keys
-- Hibernate must insert each row on its own at persist time. Pooled sequences (50 ids per call) let it batch them.
-- The identity defaults stay for rows written by hand; each sequence starts past the rows already there.
create sequence deployment_target_seq increment by 50;
select setval('deployment_target_seq', coalesce((select max(id) from deployment_target), 0) + 100);
create sequence device_model_seq increment by 50;
select setval('device_model_seq', coalesce((select max(id) from device_model), 0) + 100);
