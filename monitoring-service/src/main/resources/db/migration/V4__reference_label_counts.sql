-- TRAIN rows per class label of each reference profile: the reference of prediction drift.
create table reference_label (
    snapshot_id varchar(255) not null references reference_profile (snapshot_id) on delete cascade,
    label varchar(255) not null,
    train_count bigint not null,
    primary key (snapshot_id, label)
);
