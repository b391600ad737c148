/**
 * The local stack launcher and the demo: {@link io.edgeloop.deploy.LocalStack} starts embedded Kafka and PostgreSQL,
 * a trace sink, the six services and simulated edge agents as separate JVMs; {@link io.edgeloop.deploy.LoopDriver}
 * drives one closed loop through them; {@link io.edgeloop.deploy.Main} is the command line.
 */
package io.edgeloop.deploy;
