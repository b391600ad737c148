/**
 * Training domain. Plain classes usable without CDI: {@link io.edgeloop.training.domain.ClassifierTrainer} (MLP,
 * 1D-CNN, 2D-CNN with DJL), {@link io.edgeloop.training.domain.TrainedModel} (inference, evaluation, ONNX export),
 * {@link io.edgeloop.training.domain.Distiller}, {@link io.edgeloop.training.domain.ArchitectureSearch}, metrics and
 * device estimates. CDI beans: the {@link io.edgeloop.training.domain.TrainingPipeline} (fetch, train, register,
 * emit), the {@link io.edgeloop.training.domain.ExperimentService} (distillations and searches) and the
 * {@link io.edgeloop.training.domain.ProgressHub} (server-sent progress events).
 */
package io.edgeloop.training.domain;
