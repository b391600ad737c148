package io.edgeloop.deployment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the deployment service ({@code edgeloop.deployment.*}). */
@ConfigMapping(prefix = "edgeloop.deployment")
public interface DeploymentConfig {
    /** Most concurrent WatchAssignments streams; further devices get RESOURCE_EXHAUSTED. */
    @WithDefault("10000")
    int maxWatchStreams();

    /** Most deployments one {@code GET /deployments} page returns. */
    @WithDefault("500")
    int maxPageSize();
}
