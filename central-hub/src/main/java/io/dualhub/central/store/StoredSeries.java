package io.dualhub.central.store;

import java.util.List;
import java.util.SortedMap;

/** A query answer for one series: its identity and its points as {@code [epochMs, value]} pairs. */
public record StoredSeries(String metric, String edge, SortedMap<String, String> tags, List<double[]> points) {}
