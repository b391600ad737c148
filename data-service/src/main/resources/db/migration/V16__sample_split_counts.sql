-- Live labelled samples per data set, class and split (what the stratified split planner and the outlier check need
-- before every ingest), kept exact by statement-level triggers on sample with transition tables: whatever inserts
-- (JSON, CSV, recordings, images, captured and feedback samples; COPY or INSERT), relabels, labels, deletes or
-- restores samples adjusts the counts in the same transaction, so reading them costs a few rows instead of a
-- group by over the data set's samples. A row's count is that of
--   select count(*) from sample where dataset_name = ? and label_index = ? and split = ?
--       and deleted_at is null and label_index is not null
-- (rows that fell to 0 stay, with 0).
create table sample_split_count (
    dataset_name varchar(63) not null,
    label_index smallint not null,
    split smallint not null,
    sample_count bigint not null,
    primary key (dataset_name, label_index, split)
);

insert into sample_split_count (dataset_name, label_index, split, sample_count)
select dataset_name, label_index, split, count(*) from sample
    where deleted_at is null and label_index is not null
    group by dataset_name, label_index, split;

-- Each trigger adds the counted rows of new_rows and subtracts those of old_rows: one upsert per key whose count
-- changed, in key order (concurrent statements lock count rows in the same order).
create function sample_split_count_insert() returns trigger language plpgsql as $$
begin
    insert into sample_split_count as c (dataset_name, label_index, split, sample_count)
    select dataset_name, label_index, split, sum(n) from (
        select dataset_name, label_index, split, count(*) as n from new_rows
            where deleted_at is null and label_index is not null group by dataset_name, label_index, split
    ) d
    group by dataset_name, label_index, split having sum(n) <> 0
    order by dataset_name, label_index, split
    on conflict (dataset_name, label_index, split) do update set sample_count = c.sample_count + excluded.sample_count;
    return null;
end $$;

create function sample_split_count_update() returns trigger language plpgsql as $$
begin
    insert into sample_split_count as c (dataset_name, label_index, split, sample_count)
    select dataset_name, label_index, split, sum(n) from (
        select dataset_name, label_index, split, count(*) as n from new_rows
            where deleted_at is null and label_index is not null group by dataset_name, label_index, split
        union all
        select dataset_name, label_index, split, -count(*) as n from old_rows
            where deleted_at is null and label_index is not null group by dataset_name, label_index, split
    ) d
    group by dataset_name, label_index, split having sum(n) <> 0
    order by dataset_name, label_index, split
    on conflict (dataset_name, label_index, split) do update set sample_count = c.sample_count + excluded.sample_count;
    return null;
end $$;

create function sample_split_count_delete() returns trigger language plpgsql as $$
begin
    insert into sample_split_count as c (dataset_name, label_index, split, sample_count)
    select dataset_name, label_index, split, sum(n) from (
        select dataset_name, label_index, split, -count(*) as n from old_rows
            where deleted_at is null and label_index is not null group by dataset_name, label_index, split
    ) d
    group by dataset_name, label_index, split having sum(n) <> 0
    order by dataset_name, label_index, split
    on conflict (dataset_name, label_index, split) do update set sample_count = c.sample_count + excluded.sample_count;
    return null;
end $$;

create function sample_split_count_truncate() returns trigger language plpgsql as $$
begin
    delete from sample_split_count;
    return null;
end $$;

create trigger sample_split_count_insert after insert on sample
    referencing new table as new_rows for each statement execute function sample_split_count_insert();
create trigger sample_split_count_update after update on sample
    referencing old table as old_rows new table as new_rows for each statement execute function sample_split_count_update();
create trigger sample_split_count_delete after delete on sample
    referencing old table as old_rows for each statement execute function sample_split_count_delete();
create trigger sample_split_count_truncate after truncate on sample
    for each statement execute function sample_split_count_truncate();
