package org.opsim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One run of the command line in-process, as the CLI tests meet it: exit code, stdout, stderr. */
public record CliRun(int code, String out, String err) {

    /** Runs {@code opsim args…} through {@link Main#execute} and captures what it printed. */
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * A file of the repository ({@code opsim.root}, which Maven sets): the tests run with src/cli as
     * working directory, so a path relative to the repository root would not be found, as it would not
     * for a user elsewhere; the bundled catalogue is read from the class path.
     */
    public static Path repo(String relative) {
        return Path.of(System.getProperty("opsim.root", "../..")).resolve(relative).toAbsolutePath().normalize();
    }
}
