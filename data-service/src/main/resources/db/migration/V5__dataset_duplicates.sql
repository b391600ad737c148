-- Duplicate handling per data set: 'keep' (every row is a sample: repeated identical readings stay; only the same
-- upload sent again is a duplicate) or 'drop' (identical features and label are one sample). Null = 'keep'.
alter table dataset add column duplicates varchar(16);
