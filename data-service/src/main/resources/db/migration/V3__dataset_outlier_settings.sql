-- Outlier checking per data set: mode (dataset | per-class | off; null = the service default) and threshold in MADs
-- (null = the service default).
alter table dataset add column outlier_mode varchar(16);
alter table dataset add column outlier_mad_threshold double precision;
