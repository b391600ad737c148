-- The labels each device sends with its telemetry (TelemetryWindow.device_labels): its fleet segment (site,
-- hardware, ...). Performance is reported per segment by joining inferences with these (current) labels.
create table device_label (
    device_id varchar(255) not null,
    label_key varchar(63) not null,
    label_value varchar(255) not null,
    updated_at timestamp(6) with time zone not null,
    primary key (device_id, label_key)
);
create index device_label_key_value_idx on device_label (label_key, label_value);
