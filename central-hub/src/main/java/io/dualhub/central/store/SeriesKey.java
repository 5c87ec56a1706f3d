package io.dualhub.central.store;

import java.util.SortedMap;

/** The identity of a stored series: the edge it came from, its metric name and its tags. */
public record SeriesKey(String edge, String metric, SortedMap<String, String> tags) {}
