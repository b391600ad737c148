/**
 * Fleet logic: device registration, staged rollouts created from ModelOptimized (label selection, a variant per
 * device by capabilities, canary and widening waves, health gates, automatic and manual rollback to the last known
 * good deployment), reported state and Deployed per wave through the outbox. Every change runs in one transaction
 * under a fleet-wide advisory lock; assignments to push to live watch streams are returned to the caller, which
 * sends them after the commit.
 */
package io.edgeloop.deployment.domain;
