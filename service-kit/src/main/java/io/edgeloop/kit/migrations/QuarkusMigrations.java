package io.edgeloop.kit.migrations;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** Adds {@link ReplicaSafeMigrations} to the Flyway that Quarkus runs at start ({@code migrate-at-start}). */
@Singleton
public class QuarkusMigrations implements FlywayConfigurationCustomizer {
    @Override
    public void customize(FluentConfiguration configuration) {
        Callback[] existing = configuration.getCallbacks();
        Callback[] callbacks = java.util.Arrays.copyOf(existing, existing.length + 1);
        callbacks[existing.length] = new ReplicaSafeMigrations(configuration.getTable());
        configuration.callbacks(callbacks);
    }
}
