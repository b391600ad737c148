-- Progress of streamed imports (CSV samples, recordings), shared by every replica: the instance that runs an import
-- writes its counts after each stored chunk (and the bytes read about once a second) in short transactions of their
-- own, so a progress request answered by any replica sees it. Finished imports are kept up to imports.retention.
create table import_progress (
    dataset_name varchar(63) not null,
    import_id varchar(64) not null,
    format varchar(32) not null,
    subject varchar(255),
    state varchar(16) not null,
    bytes_read bigint not null,
    rows_read bigint not null,
    accepted bigint not null,
    duplicates bigint not null,
    rejected bigint not null,
    started_at timestamp(6) with time zone not null,
    updated_at timestamp(6) with time zone not null,
    finished_at timestamp(6) with time zone,
    status integer,
    detail varchar(1000),
    primary key (dataset_name, import_id)
);
create index import_progress_finished_idx on import_progress (finished_at);
