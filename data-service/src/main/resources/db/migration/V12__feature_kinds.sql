-- Kind of each feature of a data set, in feature order: 'numerical' or 'categorical' (integer category codes). Null =
-- every feature numerical (data sets defined before, and data sets that declare no categorical feature). Part of the
-- schema; carried in DataReady.feature_kinds so that monitoring tests categorical features with chi-square.
alter table dataset add column feature_kinds text[];
