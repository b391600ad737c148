/** Settings of the monitoring service ({@code edgeloop.monitoring.*}) and their start-up validation. */
package io.edgeloop.monitoring.config;
