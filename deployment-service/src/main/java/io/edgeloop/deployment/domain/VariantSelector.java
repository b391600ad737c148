package io.edgeloop.deployment.domain;

import io.edgeloop.proto.model.v1.ModelSignature;
import io.edgeloop.proto.model.v1.TensorSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the variant of a rollout that fits a device. Preference order: a variant built for one of the device's
 * accelerators (its target contains the accelerator's name), then {@code mcu-*} for tiny-RAM devices, then
 * {@code edge-<arch>-*} for the device's architecture, then the recommended variant, then any other variant. A
 * variant is only chosen when it fits: its estimated RAM within the device's RAM and its estimated flash (or, without
 * an estimate, its size) within the device's storage, where the device reported them; the device's model count below
 * its {@code max_models}; its RAM within what the device's other models leave of its model memory budget; and its
 * ModelSignature runnable by the device (opset, operator domains, tensor datatypes; unknown = not checked). Among equally preferred
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
        if (device.maxModels() > 0 && device.otherModels() >= device.maxModels()) {
            return "device serves at most " + device.maxModels() + " model(s) and has " + device.otherModels()
                    + " other(s) assigned";
        }
        if (device.memoryBudgetMb() > 0 && v.ramBytes() > 0) {
            long left = device.memoryBudgetMb() * MIB - device.otherModelsRamBytes();
            if (v.ramBytes() > left) {
                return "needs " + v.ramBytes() + " B RAM, the device's model memory budget of "
                        + device.memoryBudgetMb() + " MiB leaves " + Math.max(0, left) + " B beside its other models";
            }
        }
        return signatureMisfit(device, v.signatureSpec());
    }

    /** Why the device's runtime cannot run a model of this signature, or null (unknown capabilities pass). */
    static String signatureMisfit(DeviceProfile device, ModelSignature sig) {
        if (sig == null) {
            return null;
        }
        if (device.maxOpset() > 0 && sig.getOpset() > device.maxOpset()) {
            return "needs opset " + sig.getOpset() + ", device runs up to " + device.maxOpset();
        }
        if (device.maxOpset() > 0) {
            Set<String> domains = new HashSet<>(device.opDomains());
            List<String> missing = sig.getOpDomainsList().stream()
                    .filter(d -> !d.isBlank() && !"ai.onnx".equals(d) && !domains.contains(d))
                    .distinct()
                    .toList();
            if (!missing.isEmpty()) {
                return "needs operator domain(s) " + missing + ", device supports " + device.opDomains();
            }
        }
        if (!device.tensorDatatypes().isEmpty()) {
            Set<String> types = new HashSet<>();
            device.tensorDatatypes().forEach(t -> types.add(t.trim().toUpperCase(Locale.ROOT)));
            List<String> missing = new ArrayList<>();
            for (TensorSpec t : concat(sig.getInputsList(), sig.getOutputsList())) {
                String dt = t.getDatatype().trim().toUpperCase(Locale.ROOT);
                if (!dt.isEmpty() && !types.contains(dt) && !missing.contains(dt)) {
                    missing.add(dt);
                }
            }
            if (!missing.isEmpty()) {
                return "needs tensor datatype(s) " + missing + ", device supports " + device.tensorDatatypes();
            }
        }
        return null;
    }

    private static List<TensorSpec> concat(List<TensorSpec> a, List<TensorSpec> b) {
        List<TensorSpec> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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
