-- A deleted recording keeps its row (snapshots that hold its windows stay reproducible); its windows are
-- soft-deleted at the same instant, so sending the same recording again restores exactly those windows.
alter table recording add column deleted_at timestamp(6) with time zone;
alter table recording add column deleted_by varchar(255);
