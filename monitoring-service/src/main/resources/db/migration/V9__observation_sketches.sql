-- Agents summarize a window's inputs with one KLL quantile sketch per feature instead of raw rows (issue 12): a chunk
-- of the observation buffer holds either raw rows (data) or the serialized sketches (sketches, data then empty).
alter table observation_chunk add column sketches bytea;
