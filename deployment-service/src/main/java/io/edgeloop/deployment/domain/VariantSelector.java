package io.edgeloop.deployment.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the variant of a rollout that fits a device. Preference order: a variant built for one of the device's
 * accelerators (its target contains the accelerator's name), then {@code mcu-*} for tiny-RAM devices, then
 * {@code edge-<arch>-*} for the device's architecture, then the recommended variant, then any other variant. A
 * variant is only chosen when it fits: its estimated RAM within the device's RAM and its estimated flash (or, without
 * an estimate, its size) within the device's storage, where the device reported them. Among equally preferred
 * variants the more accurate wins.
 */
public final class VariantSelector {
    private static final long MIB = 1024L * 1024L;

    private VariantSelector() {}

    /**
     * The choice for one device.
     *
     * @param variant the chosen variant, empty when none fits
     * @param reason why it was chosen, or why none fits
     */
    public record Selection(Optional<VariantOption> variant, String reason) {}

    public static Selection select(DeviceProfile device, List<VariantOption> variants, int tinyRamMb) {
        List<String> misfits = new ArrayList<>();
        List<VariantOption> fitting = new ArrayList<>();
        for (VariantOption v : variants) {
            String misfit = misfit(device, v);
            if (misfit == null) {
                fitting.add(v);
            } else {
                misfits.add(v.variantId() + ": " + misfit);
            }
        }
        if (fitting.isEmpty()) {
            return new Selection(Optional.empty(), "no variant fits: " + String.join("; ", misfits));
        }
        String arch = device.normalizedArchitecture();
        for (String acc : device.accelerators()) {
            String a = acc.trim().toLowerCase(Locale.ROOT);
            if (a.isEmpty()) {
                continue;
            }
            Optional<VariantOption> v = best(fitting, o -> target(o).contains(a));
            if (v.isPresent()) {
                return new Selection(v, "accelerator " + a);
            }
        }
        if (device.ramMb() > 0 && device.ramMb() <= tinyRamMb) {
            Optional<VariantOption> v = best(fitting, o -> target(o).startsWith("mcu-"));
            if (v.isPresent()) {
                return new Selection(v, "tiny RAM (" + device.ramMb() + " MiB): mcu profile");
            }
        }
        if (!arch.isEmpty()) {
            Optional<VariantOption> v = best(fitting, o -> target(o).startsWith("edge-" + arch + "-"));
            if (v.isPresent()) {
                return new Selection(v, "architecture " + arch + ": edge-" + arch + " profile");
            }
        }
        Optional<VariantOption> rec = best(fitting, VariantOption::recommended);
        if (rec.isPresent()) {
            return new Selection(rec, "recommended variant");
        }
        // generic variants before ones built for another device profile
        Optional<VariantOption> generic =
                best(fitting, o -> !target(o).startsWith("mcu-") && !target(o).startsWith("edge-"));
        if (generic.isPresent()) {
            return new Selection(generic, "recommended variant does not fit; best generic variant that fits");
        }
        return new Selection(best(fitting, o -> true), "only variants of other profiles fit");
    }

    /** Why {@code v} does not fit {@code device}, or null when it fits. */
    static String misfit(DeviceProfile device, VariantOption v) {
        if (device.ramMb() > 0 && v.ramBytes() > device.ramMb() * MIB) {
            return "needs " + v.ramBytes() + " B RAM, device has " + device.ramMb() + " MiB";
        }
        long flash = v.flashBytes() >= 0 ? v.flashBytes() : v.sizeBytes();
        if (device.storageMb() > 0 && flash > device.storageMb() * MIB) {
            return "needs " + flash + " B storage, device has " + device.storageMb() + " MiB";
        }
        return null;
    }

    private static Optional<VariantOption> best(
            List<VariantOption> options, java.util.function.Predicate<VariantOption> filter) {
        return options.stream()
                .filter(filter)
                .max(Comparator.comparingDouble(VariantOption::accuracy)
                        .thenComparing(VariantOption::recommended)
                        .thenComparing(VariantOption::variantId, Comparator.reverseOrder()));
    }

    private static String target(VariantOption v) {
        return v.target() == null ? "" : v.target().toLowerCase(Locale.ROOT);
    }
}
