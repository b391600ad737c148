package io.edgeloop.data.domain;

import io.edgeloop.data.persistence.DatasetEntity;
import io.edgeloop.kit.api.ApiException;
import io.edgeloop.kit.api.Problem.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The window layout of a {@code timeseries} data set: its axes (the first dimension of a {@code [axes, length]}
 * sample shape, one axis for {@code [length]}) and the window length. A sample is a window flattened axis-major
 * ({@code [accX_0..accX_{L-1}, accY_0..]}), as training reads a {@code [C, L]} row (channel {@code j / L}).
 *
 * <p>Axis names come from the feature names: axis {@code a} is called {@code stem} when its {@code L} features are
 * {@code stem0..stem{L-1}}, {@code stem_0..}, {@code stem.0..}, {@code stem-0..}, {@code stem 0..} or
 * {@code stem[0]..} (a one-value axis: its feature name); when that does not hold for every axis, or two axes share a
 * stem, the axes are called {@code axis0}, {@code axis1}, ...
 *
 * @param axes axis names, in the sample's order
 * @param length values per axis in one window
 * @param sampleRateHz the data set's sampling rate, null when it declares none
 */
public record TimeseriesLayout(List<String> axes, int length, Double sampleRateHz) {
    private static final Pattern INDEXED = Pattern.compile("(.+?)([_.\\- \\[]?)0(]?)");

    /**
     * The layout of {@code ds}.
     *
     * @throws ApiException 422 naming {@code dataKind} or {@code sampleShape} when the data set is no time series
     */
    public static TimeseriesLayout of(DatasetEntity ds) {
        if (!"timeseries".equals(DatasetCatalog.dataKind(ds))) {
            throw ApiException.invalid(
                    "not a timeseries data set",
                    List.of(new FieldError(
                            "dataKind",
                            "recordings go into a timeseries data set; '" + ds.name + "' is "
                                    + DatasetCatalog.dataKind(ds))));
        }
        List<Integer> shape = DatasetCatalog.sampleShape(ds);
        if (shape.size() > 2) {
            throw ApiException.invalid(
                    "unsupported sample shape",
                    List.of(new FieldError("sampleShape", "recordings need a shape [axes, length], got " + shape)));
        }
        int axes = shape.size() == 2 ? shape.get(0) : 1;
        int length = shape.get(shape.size() - 1);
        return new TimeseriesLayout(axisNames(List.of(ds.featureNames), axes, length), length, ds.sampleRateHz);
    }

    /** Axis names from the feature names (see the type's description). */
    static List<String> axisNames(List<String> features, int axes, int length) {
        List<String> names = new ArrayList<>(axes);
        for (int a = 0; a < axes; a++) {
            String stem = stem(features.subList(a * length, (a + 1) * length));
            if (stem == null || names.contains(stem)) {
                names = null;
                break;
            }
            names.add(stem);
        }
        if (names == null) {
            names = new ArrayList<>(axes);
            for (int a = 0; a < axes; a++) {
                names.add("axis" + a);
            }
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalStateException("duplicate axis names " + names);
        }
        return List.copyOf(names);
    }

    private static String stem(List<String> axis) {
        if (axis.size() == 1) {
            return axis.get(0);
        }
        Matcher m = INDEXED.matcher(axis.get(0));
        if (!m.matches()) {
            return null;
        }
        for (int i = 1; i < axis.size(); i++) {
            if (!axis.get(i).equals(m.group(1) + m.group(2) + i + m.group(3))) {
                return null;
            }
        }
        return m.group(1);
    }

    /** Values in one window ({@code axes * length}). */
    public int windowSize() {
        return axes.size() * length;
    }
}
