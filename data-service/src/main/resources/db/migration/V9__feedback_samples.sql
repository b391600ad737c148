-- Samples from labelled feedback (SampleLabelled) are found again by their source ("feedback:<model>/<inference id>")
-- when a corrected label arrives for the same inference.
create index sample_feedback_source_idx on sample (dataset_name, source) where source like 'feedback:%';
