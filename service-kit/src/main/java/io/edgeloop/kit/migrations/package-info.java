/**
 * Schema migrations shared by every service: Flyway, as the Quarkus extension runs it at start, made safe for
 * replicas that start at the same time against one database.
 */
package io.edgeloop.kit.migrations;
