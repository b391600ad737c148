package io.edgeloop.agent.domain;

import io.edgeloop.proto.deployment.v1.Assignment;
import io.edgeloop.proto.deployment.v1.DeviceCapabilities;
import io.edgeloop.proto.model.v1.ModelSignature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What this device can run, sent at registration and checked against every assignment before its download: tensor
 * datatypes, the highest default-domain opset and the operator domains of ONNX Runtime, the memory budget for all
 * models together and the most models served at once.
 *
 * @param maxOpset highest default-domain ("ai.onnx") opset ONNX Runtime officially supports
 * @param opDomains operator domains besides the default one
 * @param memoryBudgetMb memory for all models together, MiB; 0 = unknown (not checked)
 * @param maxModels most models served at once; 0 = no limit
 */
public record DeviceLimits(
        int maxOpset, List<String> opDomains, List<String> datatypes, long memoryBudgetMb, int maxModels) {
    /**
     * Highest default-domain opset ONNX Runtime 1.29 officially supports (it refuses to load a model stamped 27:
     * "Current official support for domain ai.onnx is till opset 26"); checked by a test against the runtime.
     */
    public static final int ORT_MAX_OPSET = 26;

    /** Operator domains ONNX Runtime's CPU build runs besides the default one. */
    public static final List<String> ORT_OP_DOMAINS = List.of("ai.onnx.ml", "com.microsoft");

    private static final Set<String> DEFAULT_DOMAINS = Set.of("", "ai.onnx");

    public DeviceLimits {
        opDomains = List.copyOf(opDomains);
        datatypes = List.copyOf(datatypes);
    }

    /** ONNX Runtime's limits with the configured memory budget and model count. */
    public static DeviceLimits onnxRuntime(long memoryBudgetMb, int maxModels) {
        return new DeviceLimits(ORT_MAX_OPSET, ORT_OP_DOMAINS, DataType.NAMES, memoryBudgetMb, maxModels);
    }

    /** Adds these limits to the registration's capabilities. */
    public DeviceCapabilities.Builder describe(DeviceCapabilities.Builder b) {
        return b.setMaxOpset(maxOpset)
                .addAllOpDomains(opDomains)
                .addAllTensorDatatypes(datatypes)
                .setModelMemoryBudgetMb((int) Math.min(Integer.MAX_VALUE, memoryBudgetMb))
                .setMaxModels(maxModels);
    }

    /**
     * Why this device cannot run {@code a} next to the {@code others} models it serves (those of other names), or
     * empty when it can (or the assignment carries no signature spec to check: then the check happens at load).
     */
    public Optional<String> refusal(Assignment a, Collection<ModelDescriptor> others) {
        List<String> why = new ArrayList<>();
        if (maxModels > 0 && others.size() >= maxModels) {
            why.add("the device serves " + others.size() + " models, its maximum (max-models " + maxModels + ")");
        }
        long need = ramEstimate(a);
        if (memoryBudgetMb > 0 && need > 0) {
            long used = others.stream().mapToLong(ModelDescriptor::ramBytes).sum();
            long left = memoryBudgetMb * 1024 * 1024 - used;
            if (need > left) {
                why.add("the model needs " + mib(need) + " of RAM"
                        + (a.getRamBytes() > 0 ? "" : " (at least its artifact size; no ram_bytes estimate)")
                        + " and the memory budget leaves "
                        + mib(Math.max(0, left)) + " (budget " + memoryBudgetMb + " MiB, " + mib(used) + " used by "
                        + others.size() + " other models)");
            }
        }
        if (a.hasSignatureSpec()) {
            ModelSignature s = a.getSignatureSpec();
            if (maxOpset > 0 && s.getOpset() > maxOpset) {
                why.add("opset " + s.getOpset() + " is above the runtime's maximum " + maxOpset);
            }
            for (String d : s.getOpDomainsList()) {
                if (!DEFAULT_DOMAINS.contains(d) && !opDomains.contains(d)) {
                    why.add("operator domain " + d + " is not supported (supported: " + opDomains + ")");
                }
            }
            List<io.edgeloop.proto.model.v1.TensorSpec> tensors = new ArrayList<>(s.getInputsList());
            tensors.addAll(s.getOutputsList());
            for (var t : tensors) {
                if (!t.getDatatype().isBlank() && !datatypes.contains(t.getDatatype())) {
                    why.add("tensor " + t.getName() + " has datatype " + t.getDatatype()
                            + ", which the device does not support (supported: " + datatypes + ")");
                }
            }
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /**
     * The RAM {@code a}'s model is counted for against the budget: the assignment's {@code ram_bytes} estimate (the
     * compiler's), else its artifact size (a session holds at least its weights), else 0 (unknown, not checked).
     */
    public static long ramEstimate(Assignment a) {
        return a.getRamBytes() > 0 ? a.getRamBytes() : Math.max(0, a.getSizeBytes());
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
