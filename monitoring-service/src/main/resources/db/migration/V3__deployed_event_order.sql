-- occurred_at of the last Deployed event applied per model: older events arriving late are ignored.
alter table model_state add column last_event_at timestamp(6) with time zone;
