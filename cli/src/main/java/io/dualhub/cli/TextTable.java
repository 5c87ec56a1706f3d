package io.dualhub.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table for a terminal: columns as wide as their widest cell, two spaces apart. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    void row(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells in a table of " + rows.get(0).length);
        }
        rows.add(cells);
    }

    String render() {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
