create table race_a (id bigint primary key, name text not null);
create table race_b (id bigint primary key, a bigint references race_a (id));
create table race_c (id bigint primary key, payload bytea);
create index race_b_a on race_b (a);
