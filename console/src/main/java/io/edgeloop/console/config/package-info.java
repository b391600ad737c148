/**
 * The console's configuration ({@code edgeloop.console.*}): where the services are and which token the console
 * calls them with.
 */
package io.edgeloop.console.config;
