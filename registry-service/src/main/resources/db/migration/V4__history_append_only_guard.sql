-- registry_history is append-only: PostgreSQL refuses any UPDATE, DELETE or TRUNCATE of it. Installed at start-up by
-- the service before; two replicas starting together raced on it ("tuple concurrently updated"), so it is a migration
-- now (run once, under the replica-safe migration lock). Idempotent for databases that already have it.
create or replace function registry_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'registry_history is append-only (% refused)', tg_op;
end $$;

drop trigger if exists registry_history_no_change on registry_history;
create trigger registry_history_no_change before update or delete on registry_history
    for each row execute function registry_history_append_only();

drop trigger if exists registry_history_no_truncate on registry_history;
create trigger registry_history_no_truncate before truncate on registry_history
    for each statement execute function registry_history_append_only();
