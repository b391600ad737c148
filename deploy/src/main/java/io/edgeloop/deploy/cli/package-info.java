/**
 * The everyday command line of a running stack ({@code edgeloop datasets|runs|models|rollouts|devices|drift}): thin
 * clients of the services' REST APIs, one class per command group. {@link io.edgeloop.deploy.cli.Connection} picks the
 * servers and the bearer token ({@code --work-dir} of a local stack, {@code --url-<service>} or {@code
 * EDGELOOP_URL_<SERVICE>}, {@code --token} or {@code EDGELOOP_TOKEN}) and the output ({@code --output text|json});
 * {@link io.edgeloop.deploy.cli.CliCommand} turns a service's problem+json into a message on stderr and exit code 1.
 */
package io.edgeloop.deploy.cli;
