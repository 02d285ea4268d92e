package org.opsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        try {
            Path abs = out.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), ".opsim-", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Table.Format> {
        @Override
        public Table.Format convert(String value) {
            try {
                return Table.Format.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of table, csv, json, markdown");
            }
        }
    }
}
