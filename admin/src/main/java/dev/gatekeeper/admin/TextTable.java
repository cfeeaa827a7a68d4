package dev.gatekeeper.admin;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces, for a terminal. */
final class TextTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    TextTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells).stream().map(TextTable::printable).toList());
        return this;
    }

    String render() {
        int[] widths = new int[headers.size()];
        for (List<String> line : lines()) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> line : lines()) {
            StringBuilder row = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                String cell = line.get(column);
                row.append(cell);
                if (column < widths.length - 1) {
                    row.append(" ".repeat(widths[column] - cell.length() + 2));
                }
            }
            text.append(row.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }

    private List<List<String>> lines() {
        List<List<String>> lines = new ArrayList<>(rows.size() + 1);
        lines.add(headers);
        lines.addAll(rows);
        return lines;
    }

    /** Names and labels are free text: a control character must not move the cursor or fake a row. */
    private static String printable(String cell) {
        return cell == null || cell.isEmpty() ? "-" : cell.replaceAll("\\p{Cntrl}", "?");
    }
}
