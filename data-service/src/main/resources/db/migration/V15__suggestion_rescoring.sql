-- Active learning: a captured input's suggestion is re-scored by each newer production version of the model that
-- captured it (compiler-service calls SuggestionService/Rescore when the production alias moves). scored_by_version
-- is the version whose prediction suggested_label and confidence are now (null = the capturing version,
-- model_version); rescored_at when that changed.
alter table sample_suggestion add column scored_by_version integer;
alter table sample_suggestion add column rescored_at timestamp(6) with time zone;
-- the captured inputs of one model in a data set, by sample id (what a re-scoring pages through)
create index sample_suggestion_model_idx on sample_suggestion (dataset_name, model_name, sample_id);
