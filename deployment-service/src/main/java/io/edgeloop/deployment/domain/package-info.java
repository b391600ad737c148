/**
 * Fleet logic: device registration, rollouts created from ModelOptimized, reported state and completion (Deployed
 * through the outbox). Every change runs in one transaction under a fleet-wide advisory lock; assignments to push to
 * live watch streams are returned to the caller, which sends them after the commit.
 */
package io.edgeloop.deployment.domain;
