package org.opsim.internal.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opsim.io.InputException;

/**
 * The one reader of CSV files (measured operator latencies, measured collectives, sweep output):
 * RFC 4180 quoting through Jackson's CSV parser, a header row naming the columns, blank lines
 * skipped. Errors name the file and the cell as {@code $[row].column}, rows counted from 1 after
 * the header.
 */
public final class CsvTable {
    private final String label;
    private final List<String> header;
    private final Map<String, Integer> index;
    private final List<Row> rows;

    private CsvTable(String label, List<String> header, List<Row> rows) {
        this.label = label;
        this.header = List.copyOf(header);
        this.index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.putIfAbsent(header.get(i), i);
        }
        this.rows = List.copyOf(rows);
    }

    /**
     * Reads {@code file}; a missing or unreadable file, a missing header, a row with another number of
     * cells than the header, or a file without data rows is an {@link InputException}.
     */
    public static CsvTable read(Path file) {
        String label = file.toString();
        try (Reader in = Files.newBufferedReader(file)) {
            return read(in, label);
        } catch (NoSuchFileException e) {
            throw new InputException(label, "$", "file not found");
        } catch (IOException e) {
            throw new InputException(label, "$", "cannot read file: " + e.getMessage(), e);
        }
    }

    /** Reads CSV text from {@code in} (not closed); {@code label} names it in errors. */
    public static CsvTable read(Reader in, String label) throws IOException {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        int number = 0;
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(in)) {
            while (it.hasNextValue()) {
                String[] cells = it.nextValue();
                if (cells.length == 0 || cells.length == 1 && cells[0].isBlank()) {
                    if (header != null) {
                        number++;
                    }
                    continue;
                }
                if (header == null) {
                    header = new ArrayList<>();
                    for (String c : cells) {
                        header.add(c.trim());
                    }
                    continue;
                }
                number++;
                if (cells.length != header.size()) {
                    throw new InputException(label, "$[" + number + "]",
                            "has " + cells.length + " cells, the header has " + header.size());
                }
                rows.add(new Row(label, number, cells));
            }
        } catch (RuntimeException e) {
            if (e instanceof InputException ie) {
                throw ie;
            }
            throw new InputException(label, "$[" + (number + 1) + "]", "malformed CSV: " + e.getMessage(), e);
        }
        if (header == null) {
            throw new InputException(label, "$", "empty file: expected a header row");
        }
        if (rows.isEmpty()) {
            throw new InputException(label, "$", "no data rows");
        }
        CsvTable t = new CsvTable(label, header, rows);
        for (Row r : rows) {
            r.table = t;
        }
        return t;
    }

    public String label() {
        return label;
    }

    public List<String> header() {
        return header;
    }

    public boolean has(String column) {
        return index.containsKey(column);
    }

    /** Fails, naming the file, unless every one of {@code columns} is in the header. */
    public CsvTable require(String... columns) {
        for (String c : columns) {
            if (!has(c)) {
                throw new InputException(label, "$[0]", "missing column '" + c + "' (the header has " + header + ")");
            }
        }
        return this;
    }

    /** The data rows, in file order. */
    public List<Row> rows() {
        return rows;
    }

    /** One data row; cells are read by column name and fail with the cell's location. */
    public static final class Row {
        private final String label;
        private final int number;
        private final String[] cells;
        private CsvTable table;

        private Row(String label, int number, String[] cells) {
            this.label = label;
            this.number = number;
            this.cells = cells;
        }

        /** 1 for the first data row (blank lines count, so the number matches the file's line after the header). */
        public int number() {
            return number;
        }

        public InputException error(String column, String problem) {
            return new InputException(label, "$[" + number + "]" + (column.isEmpty() ? "" : "." + column), problem);
        }

        /** The whole row as the file has it. */
        public List<String> cells() {
            return List.of(cells);
        }

        /** A required, non-blank cell, trimmed. */
        public String text(String column) {
            String v = raw(column).trim();
            if (v.isEmpty()) {
                throw error(column, "empty");
            }
            return v;
        }

        /** The cell trimmed, or {@code fallback} when the column is absent or the cell blank. */
        public String text(String column, String fallback) {
            Integer i = table.index.get(column);
            return i == null || cells[i].isBlank() ? fallback : cells[i].trim();
        }

        /** A finite number. */
        public double number(String column) {
            String v = text(column);
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw error(column, "not a number: '" + v + "'");
            }
            if (!Double.isFinite(d)) {
                throw error(column, "not a finite number: '" + v + "'");
            }
            return d;
        }

        /** A number > 0. */
        public double positive(String column) {
            double d = number(column);
            if (!(d > 0)) {
                throw error(column, "must be > 0, got " + text(column));
            }
            return d;
        }

        /**
         * A whole number (accepts 4096 and 4096.0): a type check only; the record the number goes into
         * checks its range.
         */
        public long whole(String column) {
            double d = number(column);
            if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
                throw error(column, "must be a whole number, got " + text(column));
            }
            return (long) d;
        }

        private String raw(String column) {
            Integer i = table.index.get(column);
            if (i == null) {
                throw new InputException(label, "$[0]", "missing column '" + column + "'");
            }
            return cells[i];
        }
    }
}
