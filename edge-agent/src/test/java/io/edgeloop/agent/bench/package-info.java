/** Benchmarks of the agent (run by hand, never by {@code ./mvnw verify}); see the module README. */
package io.edgeloop.agent.bench;
