/**
 * Durable jobs: every unit of work an event starts (a training run, a compilation, a profile) is a row that one
 * worker claims under a lease, that survives a crash of its worker (the lease lapses and any replica takes it over),
 * that is retried with backoff and parked after too many attempts, and that completes together with its effects.
 */
package io.edgeloop.kit.jobs;
