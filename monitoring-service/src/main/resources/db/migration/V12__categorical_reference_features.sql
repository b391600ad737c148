-- Categorical input features (DataReady.feature_kinds): a reference feature is 'numerical' (every feature before) or
-- 'categorical'; a categorical one keeps its TRAIN rows per category code over all rows, as little-endian float64
-- pairs (code, rows) in ascending code order (null for a numerical feature). Drift of such a feature is the chi-square
-- test / Jensen-Shannon distance of its category shares.
alter table reference_feature add column kind varchar(16) not null default 'numerical';
alter table reference_feature add column category_counts bytea;
