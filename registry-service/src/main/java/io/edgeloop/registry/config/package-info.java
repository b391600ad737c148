/** Settings of the registry service ({@code edgeloop.registry.*}). */
package io.edgeloop.registry.config;
