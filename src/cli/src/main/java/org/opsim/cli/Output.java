package org.opsim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Shared {@code --format} and {@code --out} options. */
final class Output {
    @Option(names = "--format", defaultValue = "table", description = "table, csv, json or markdown (default: ${DEFAULT-VALUE})",
            converter = FormatConverter.class)
    Table.Format format;

    @Option(names = "--out", description = "write to FILE instead of standard output (written whole, or not at all)")
    Path out;

    void emit(String text, PrintWriter stdout) {
        if (out == null) {
            stdout.print(text);
            stdout.flush();
            return;
        }
        org.opsim.internal.io.AtomicFiles.writeString(out, text);
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Table.Format> {
        @Override
        public Table.Format convert(String value) {
            try {
                return Table.Format.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
