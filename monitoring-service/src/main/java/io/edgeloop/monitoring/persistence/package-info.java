/**
 * PostgreSQL state of the monitoring service (Hibernate-managed schema): reference profiles, the deployed version
 * per model, telemetry window summaries, the observation buffer and fired drift alerts.
 */
package io.edgeloop.monitoring.persistence;
