-- Active learning: the inputs a window's inferences carried are published as SampleCaptured by a durable job per
-- window (kind captured-samples), which reads them back by window id. Only rows with an input are indexed.
create index inference_record_captured_idx on inference_record (window_id) where input is not null;
