package io.edgeloop.deployment.domain;

import java.util.List;
import java.util.Locale;

/**
 * What a device offers, as registered.
 *
 * @param ramMb RAM in MiB, 0 when unknown
 * @param storageMb storage for models in MiB, 0 when unknown
 */
public record DeviceProfile(String architecture, int ramMb, int storageMb, List<String> accelerators) {
    public DeviceProfile {
        architecture = architecture == null ? "" : architecture;
        accelerators = accelerators == null ? List.of() : List.copyOf(accelerators);
    }

    /** {@code arm64} for arm64/aarch64, {@code amd64} for amd64/x86_64/x64, else the lower-cased value. */
    public String normalizedArchitecture() {
        String a = architecture.trim().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "aarch64", "arm64", "armv8" -> "arm64";
            case "x86_64", "x86-64", "x64", "amd64" -> "amd64";
            default -> a;
        };
    }
}
