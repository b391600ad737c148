package io.edgeloop.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chart the page's script draws with ECharts: categories on the x axis and one or more named series of numbers,
 * as {@code bar} or {@code line}. Pages put {@link #json()} in a {@code data-chart} attribute (HTML-escaped by Qute),
 * so no data is ever written into a script.
 *
 * @param title shown above the chart
 * @param kind {@code bar} or {@code line}
 * @param categories x-axis values
 * @param series name -> values (one per category; null where there is none)
 */
public record Chart(String title, String kind, List<String> categories, List<Series> series) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One named series. */
    public record Series(String name, List<Double> data) {}

    /** A bar chart. */
    public static Chart bars(String title, List<String> categories, List<Series> series) {
        return new Chart(title, "bar", List.copyOf(categories), List.copyOf(series));
    }

    /** A line chart. */
    public static Chart lines(String title, List<String> categories, List<Series> series) {
        return new Chart(title, "line", List.copyOf(categories), List.copyOf(series));
    }

    /** Whether there is anything to draw. */
    public boolean empty() {
        return categories.isEmpty() || series.isEmpty();
    }

    /** The chart as JSON for the page's script. */
    public String json() {
        List<Map<String, Object>> s = new ArrayList<>();
        for (Series one : series) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", one.name());
            m.put("data", one.data());
            s.add(m);
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("title", title);
        chart.put("kind", kind);
        chart.put("categories", categories);
        chart.put("series", s);
        try {
            return JSON.writeValueAsString(chart);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("chart not serializable", e);
        }
    }
}
