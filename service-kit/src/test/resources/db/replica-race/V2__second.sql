alter table race_a add column created_at timestamptz not null default now();
create table race_d (id bigint primary key);
