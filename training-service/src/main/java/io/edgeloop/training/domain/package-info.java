/**
 * Training domain: the DJL MLP trainer, evaluation metrics, ONNX export and the training pipeline that ties data
 * fetching, training, registration and event emission together.
 */
package io.edgeloop.training.domain;
