/**
 * The MLflow Tracking store: experiments, runs, their parameters, tags and logged metric points, in the registry's
 * PostgreSQL database (migration {@code V3__mlflow_tracking.sql}); written by the MLflow Tracking API and by
 * {@link io.edgeloop.registry.tracking.TrainingRunRecorder} for every {@code ModelTrained} event.
 */
package io.edgeloop.registry.tracking;
