-- What a snapshot's consumers should know before trusting its metrics (e.g. a test split too small to measure on).
alter table snapshot add column warnings varchar(500) array;
