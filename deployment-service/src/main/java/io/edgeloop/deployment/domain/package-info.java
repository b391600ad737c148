/**
 * Fleet logic: device registration, deployment policies (selector, auto rollout, rollout plan, promotion gate),
 * staged rollouts created from ModelOptimized (held without a policy, rejected by the promotion gate, a variant per
 * device by capabilities, canary and widening waves, fail-safe health gates, automatic and manual rollback to the last
 * known good deployment of the same model), per-model twins and reported state, and Deployed through the outbox. Every
 * change runs in one transaction under a fleet-wide advisory lock; assignments to push to live watch streams are
 * returned to the caller, which sends them after the commit.
 */
package io.edgeloop.deployment.domain;
