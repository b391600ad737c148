/** Settings of the edge agent ({@code edgeloop.agent.*}). */
package io.edgeloop.agent.config;
