package io.edgeloop.training.domain;

import java.util.List;
import java.util.Locale;

/**
 * Limits of a target device class, for the architecture search's fit estimates.
 *
 * @param name profile name ({@code mcu}, {@code edge-arm64}, {@code cpu}, optionally suffixed {@code -int8} or
 *     {@code -fp32})
 * @param ramBytes RAM available to the model ({@link Long#MAX_VALUE} = unbounded)
 * @param flashBytes storage available to the model ({@link Long#MAX_VALUE} = unbounded)
 * @param latencyBudgetMicros largest acceptable single-sample latency ({@link Double#POSITIVE_INFINITY} = none)
 * @param macsPerSecond assumed sustained multiply-accumulate rate, for the latency estimate
 * @param weightsInRam whether weights are loaded into RAM (false on an MCU: they execute from flash)
 * @param int8 whether the model will be deployed int8-quantized (weights and activations 1 byte instead of 4)
 */
public record DeviceProfile(
        String name,
        long ramBytes,
        long flashBytes,
        double latencyBudgetMicros,
        double macsPerSecond,
        boolean weightsInRam,
        boolean int8) {

    /** Base profiles: name, RAM, flash, latency budget, MAC/s, weights in RAM. */
    private static final List<DeviceProfile> BASE = List.of(
            new DeviceProfile("mcu", 64L << 10, 256L << 10, 100_000, 50e6, false, false),
            new DeviceProfile("edge-arm64", 512L << 20, 1L << 30, 10_000, 2e9, true, false),
            new DeviceProfile("cpu", Long.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY, 2e10, true, false));

    /** Names accepted by {@link #parse}. */
    public static List<String> names() {
        return BASE.stream().map(DeviceProfile::name).toList();
    }

    /**
     * Looks a profile up: {@code mcu}, {@code edge-arm64} or {@code cpu}, optionally with {@code -int8} / {@code
     * -fp32}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static DeviceProfile parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        boolean int8 = n.endsWith("-int8");
        String base = int8 ? n.substring(0, n.length() - 5) : n.endsWith("-fp32") ? n.substring(0, n.length() - 5) : n;
        for (DeviceProfile p : BASE) {
            if (p.name.equals(base)) {
                return new DeviceProfile(
                        n, p.ramBytes, p.flashBytes, p.latencyBudgetMicros, p.macsPerSecond, p.weightsInRam, int8);
            }
        }
        throw new IllegalArgumentException("unknown target profile " + FieldProblem.quoted(name) + " (known: "
                + String.join(", ", names()) + ", each optionally with -int8 or -fp32)");
    }

    /**
     * Estimates how a model fits this device. A processing block counts in full: its matrix products in the MACs
     * (hence the latency), its constants in the flash (the ONNX file holds them) and its raw window + features in the
     * RAM; with {@code -int8} its constants and activations stay float32 (the compiler keeps the processing in float,
     * only the network is quantized).
     *
     * @param footprint the model's per-sample footprint (float32)
     * @param onnxBytes size of the float32 ONNX file
     */
    public Estimate estimate(Footprint footprint, long onnxBytes) {
        int bytes = int8 ? 1 : 4;
        long weights = footprint.parameterCount() * bytes;
        // the network's int8 activations, or the block's float ones when larger (a peak of the block stays float)
        long activations = int8
                ? Math.max(footprint.peakActivationBytes() / 4, footprint.processingActivationBytes())
                : footprint.peakActivationBytes();
        long ram = activations + (weightsInRam ? weights : 0);
        // an int8 file stores weights in a quarter of the space; the graph structure and the block's constants stay
        long flash = int8 ? onnxBytes - footprint.parameterBytes() + weights : onnxBytes;
        double latency = footprint.macs() / macsPerSecond * 1e6;
        StringBuilder reason = new StringBuilder();
        if (ram > ramBytes) {
            reason.append("RAM ").append(ram).append(" B > ").append(ramBytes).append(" B; ");
        }
        if (flash > flashBytes) {
            reason.append("flash ")
                    .append(flash)
                    .append(" B > ")
                    .append(flashBytes)
                    .append(" B; ");
        }
        if (latency > latencyBudgetMicros) {
            reason.append(String.format(Locale.ROOT, "latency %.0f us > %.0f us; ", latency, latencyBudgetMicros));
        }
        String why = reason.length() == 0 ? "" : reason.substring(0, reason.length() - 2);
        return new Estimate(
                name,
                ram,
                flash,
                footprint.macs(),
                latency,
                why.isEmpty(),
                why,
                footprint.processingMacs(),
                footprint.processingMacs() / macsPerSecond * 1e6,
                footprint.processingConstantBytes());
    }

    /**
     * Why a processing block alone cannot fit this device whatever network follows it (its constants above the flash,
     * its window and features above the RAM, its MACs above the latency budget), or null when it may fit.
     *
     * @param block the block's footprint (the network's figures are ignored)
     */
    public String processingMisfit(Footprint block) {
        double latency = block.processingMacs() / macsPerSecond * 1e6;
        if (block.processingConstantBytes() > flashBytes) {
            return "the processing block's constants alone take " + block.processingConstantBytes() + " B > "
                    + flashBytes + " B of flash on " + name;
        }
        if (block.processingActivationBytes() > ramBytes) {
            return "the processing block's window and features alone take " + block.processingActivationBytes()
                    + " B > " + ramBytes + " B of RAM on " + name;
        }
        if (latency > latencyBudgetMicros) {
            return String.format(
                    Locale.ROOT,
                    "the processing block alone takes %.0f us > the %.0f us latency budget of %s",
                    latency,
                    latencyBudgetMicros,
                    name);
        }
        return null;
    }

    /**
     * Estimated fit of a model on a profile.
     *
     * @param targetProfile profile name
     * @param ramBytes working memory (activations, plus weights where they live in RAM)
     * @param flashBytes model file size
     * @param macs multiply-accumulates per sample
     * @param latencyMicros MACs / the profile's MAC rate
     * @param fits whether every limit holds
     * @param reason which limits do not hold
     * @param processingMacs the processing block's part of {@code macs} (0 without a block)
     * @param processingLatencyMicros the processing block's part of {@code latencyMicros}
     * @param processingFlashBytes the processing block's constants, part of {@code flashBytes}
     */
    public record Estimate(
            String targetProfile,
            long ramBytes,
            long flashBytes,
            long macs,
            double latencyMicros,
            boolean fits,
            String reason,
            long processingMacs,
            double processingLatencyMicros,
            long processingFlashBytes) {}
}
