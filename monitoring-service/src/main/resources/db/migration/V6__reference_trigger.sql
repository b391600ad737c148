-- Why the snapshot of a reference profile was cut (DataReady.trigger: manual, drift, ...); null for profiles stored
-- before. A version trained on a drift snapshot is compared with a live baseline instead (see LiveBaselines).
alter table reference_profile add column trigger varchar(32);
