/** Administrators' operations on a service's jobs and outbox ({@code /ops}). */
package io.edgeloop.kit.ops;
