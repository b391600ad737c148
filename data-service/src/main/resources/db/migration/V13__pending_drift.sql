-- A drift verdict that found nothing new in its data set (the latest snapshot already holds every labelled sample),
-- kept until new labelled data has arrived and the data set has been quiet for a while; then the drift snapshot is cut
-- (trigger drift, causation = the event) and the row deleted. One row per data set: a later verdict replaces it. A
-- snapshot cut for any reason deletes the row (it holds the new data). checked_through: data set activity up to this
-- time was judged (a cut found the content unchanged), so only later activity is looked at.
create table pending_drift (
    dataset_name varchar(63) not null,
    event_id varchar(64) not null,
    model_name varchar(255) not null,
    model_version integer not null,
    drift_score double precision not null,
    threshold double precision not null,
    detected_at timestamp(6) with time zone not null,
    checked_through timestamp(6) with time zone not null,
    primary key (dataset_name)
);
-- the checker's "last activity" of a data set reads the newest label change by data set
create index label_change_dataset_idx on label_change (dataset_name, changed_at);
