/**
 * A subset of MLflow 2.x's REST API ({@code /api/2.0/mlflow/...}) in MLflow's JSON shapes and error format: the
 * model registry over the registry ({@link io.edgeloop.registry.mlflow.MlflowResource}: models, versions, latest
 * versions, aliases, searches with {@code order_by} and page tokens; {@link
 * io.edgeloop.registry.mlflow.MlflowModelResource}: descriptions, rename and delete of registered models) and the
 * Tracking API over
 * {@link io.edgeloop.registry.tracking.TrackingStore} ({@link io.edgeloop.registry.mlflow.MlflowTrackingResource}:
 * experiments, runs, params, metrics, tags), so the official MLflow clients can read and write both. Every path under
 * the prefix answers MLflow's {@code {"error_code","message"}} ({@link io.edgeloop.registry.mlflow.MlflowErrorMapper}).
 */
package io.edgeloop.registry.mlflow;
