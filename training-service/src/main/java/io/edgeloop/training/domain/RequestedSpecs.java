package io.edgeloop.training.domain;

import io.edgeloop.proto.events.v1.AugmentationSpec;
import io.edgeloop.proto.events.v1.ImpulseSpec;
import io.edgeloop.proto.events.v1.TrainingSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A requested training spec as the REST API shows it: the fields that were set, in the request's camelCase. */
final class RequestedSpecs {
    private RequestedSpecs() {}

    /** The set fields of {@code t}, by their REST names. */
    static Map<String, Object> asMap(TrainingSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!t.getArchitecture().isEmpty()) {
            m.put("architecture", t.getArchitecture());
        }
        if (t.getHiddenUnitsCount() > 0) {
            m.put("hiddenUnits", t.getHiddenUnitsList());
        }
        if (t.getMaxEpochs() != 0) {
            m.put("maxEpochs", t.getMaxEpochs());
        }
        if (t.getBatchSize() != 0) {
            m.put("batchSize", t.getBatchSize());
        }
        if (t.getLearningRate() != 0) {
            m.put("learningRate", t.getLearningRate());
        }
        if (!t.getOptimizer().isEmpty()) {
            m.put("optimizer", t.getOptimizer());
        }
        if (t.getPatience() != 0) {
            m.put("patience", t.getPatience());
        }
        if (t.getSeed() != 0) {
            m.put("seed", t.getSeed());
        }
        if (!t.getTargetProfile().isEmpty()) {
            m.put("targetProfile", t.getTargetProfile());
        }
        if (t.getDistillationTemperature() != 0) {
            m.put("distillationTemperature", t.getDistillationTemperature());
        }
        if (t.getStudentHiddenUnitsCount() > 0) {
            m.put("studentHiddenUnits", t.getStudentHiddenUnitsList());
        }
        if (t.getDistillationAlpha() != 0) {
            m.put("distillationAlpha", t.getDistillationAlpha());
        }
        if (!t.getNormalization().isEmpty()) {
            m.put("normalization", t.getNormalization());
        }
        if (t.getClassWeightsCount() > 0) {
            m.put("classWeights", new TreeMap<>(t.getClassWeightsMap()));
        } else if (!t.getClassWeighting().isEmpty()) {
            m.put("classWeights", t.getClassWeighting());
        }
        if (t.hasImpulse()) {
            m.put("impulse", impulse(t.getImpulse()));
        }
        if (t.hasAugmentation()) {
            m.put("augmentation", augmentation(t.getAugmentation()));
        }
        return m;
    }

    /** The set fields of an impulse, by their REST names. */
    static Map<String, Object> impulse(ImpulseSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!s.getBlock().isEmpty()) {
            m.put("block", s.getBlock());
        }
        putIfSet(m, "sampleRateHz", s.getSampleRateHz());
        putIfSet(m, "frameLength", s.getFrameLength());
        putIfSet(m, "frameStride", s.getFrameStride());
        putIfSet(m, "fftLength", s.getFftLength());
        putIfSet(m, "bands", s.getBands());
        putIfSet(m, "melFilters", s.getMelFilters());
        putIfSet(m, "coefficients", s.getCoefficients());
        putIfSet(m, "lowFrequencyHz", s.getLowFrequencyHz());
        putIfSet(m, "highFrequencyHz", s.getHighFrequencyHz());
        if (s.getNoWindow()) {
            m.put("noWindow", true);
        }
        putIfSet(m, "imageHeight", s.getImageHeight());
        putIfSet(m, "imageWidth", s.getImageWidth());
        putIfSet(m, "cropHeight", s.getCropHeight());
        putIfSet(m, "cropWidth", s.getCropWidth());
        if (s.getGrayscale()) {
            m.put("grayscale", true);
        }
        if (s.getChannelMeanCount() > 0) {
            m.put("channelMean", s.getChannelMeanList());
        }
        if (s.getChannelStdCount() > 0) {
            m.put("channelStd", s.getChannelStdList());
        }
        return m;
    }

    /** The set fields of an augmentation, by their REST names. */
    static Map<String, Object> augmentation(AugmentationSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "noiseStd", s.getNoiseStd());
        putIfSet(m, "timeShiftMax", s.getTimeShiftMax());
        if (!s.getTimeShiftMode().isEmpty()) {
            m.put("timeShiftMode", s.getTimeShiftMode());
        }
        putIfSet(m, "gainMin", s.getGainMin());
        putIfSet(m, "gainMax", s.getGainMax());
        if (s.getHorizontalFlip()) {
            m.put("horizontalFlip", true);
        }
        putIfSet(m, "shiftPixels", s.getShiftPixels());
        putIfSet(m, "brightness", s.getBrightness());
        putIfSet(m, "rotationDegrees", s.getRotationDegrees());
        putIfSet(m, "cropScaleMin", s.getCropScaleMin());
        putIfSet(m, "timeMasks", s.getTimeMasks());
        putIfSet(m, "timeMaskMax", s.getTimeMaskMax());
        putIfSet(m, "frequencyMasks", s.getFrequencyMasks());
        putIfSet(m, "frequencyMaskMax", s.getFrequencyMaskMax());
        return m;
    }

    private static void putIfSet(Map<String, Object> m, String key, Number value) {
        if (value.doubleValue() != 0) {
            m.put(key, value);
        }
    }
}
