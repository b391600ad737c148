package io.edgeloop.deployment.domain;

import java.util.List;
import java.util.Locale;

/**
 * What a device offers, as registered, and what its other models already take.
 *
 * @param ramMb RAM in MiB, 0 when unknown
 * @param storageMb storage for models in MiB, 0 when unknown
 * @param maxOpset highest default-domain opset its runtime runs, 0 = unknown (not checked)
 * @param opDomains operator domains besides the default one it supports (checked only with a known maxOpset)
 * @param tensorDatatypes tensor datatypes (KServe names) it can feed and read; empty = not checked
 * @param memoryBudgetMb memory granted to all its models together, MiB; 0 = unknown (not checked)
 * @param maxModels most models it serves at once; 0 = no limit
 * @param otherModelsRamBytes estimated RAM of the variants assigned to its other models
 * @param otherModels how many other models it is assigned
 */
public record DeviceProfile(
        String architecture,
        int ramMb,
        int storageMb,
        List<String> accelerators,
        int maxOpset,
        List<String> opDomains,
        List<String> tensorDatatypes,
        int memoryBudgetMb,
        int maxModels,
        long otherModelsRamBytes,
        int otherModels) {
    public DeviceProfile {
        architecture = architecture == null ? "" : architecture;
        accelerators = accelerators == null ? List.of() : List.copyOf(accelerators);
        opDomains = opDomains == null ? List.of() : List.copyOf(opDomains);
        tensorDatatypes = tensorDatatypes == null ? List.of() : List.copyOf(tensorDatatypes);
    }

    /** A device known only by architecture, RAM, storage and accelerators. */
    public DeviceProfile(String architecture, int ramMb, int storageMb, List<String> accelerators) {
        this(architecture, ramMb, storageMb, accelerators, 0, List.of(), List.of(), 0, 0, 0, 0);
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
