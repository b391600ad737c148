/**
 * The event plumbing's Prometheus series, the same in every service ({@code /q/metrics}, role viewer): events
 * consumed per type and outcome (dead-lettered ones included), events published by the outbox, the outbox backlog
 * and its parked rows, and durable job durations per kind and outcome. Names are listed in deploy/README.md
 * ("Prometheus") and used by the Grafana dashboard in deploy/grafana.
 */
package io.edgeloop.kit.metrics;
