/**
 * A subset of MLflow 2.x's model-registry REST API ({@code /api/2.0/mlflow/...}) over the registry, in MLflow's JSON
 * shapes and error format, so MLflow clients can read the registry, create models and versions and move aliases.
 */
package io.edgeloop.registry.mlflow;
