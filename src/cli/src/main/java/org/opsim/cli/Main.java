package org.opsim.cli;

import java.io.PrintWriter;
import org.opsim.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code opsim}: the command line. Exit codes: 0 ok, 1 unexpected failure, 2 bad input or usage. Quiet by
 * default (warnings only, on standard error); {@code -v}/{@code --verbose} on any command logs more.
 */
@Command(name = "opsim", mixinStandardHelpOptions = true, version = "opsim 0.1.0",
        description = "What does this model cost on that chip? Operator-level latency, energy and dollars on GPUs and ASICs.",
        subcommands = {CompareCommand.class, RunCommand.class, SweepCommand.class, ReportCommand.class, ProfilesCommand.class,
            ModelsCommand.class, PredictCommand.class, ValidateCommand.class, CalibrateCommand.class,
            ValidationReportCommand.class, DeployCommand.class, ServeCommand.class, ServingReportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Given on the top command or any subcommand: -v logs what is loaded and costed, -vv debug detail. */
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "log to standard error what is loaded and costed, with timings (-vv: more detail)")
    void setVerbose(boolean[] verbose) {
        Logging.verbosity(verbose.length);
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (for tests and embedding). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Logging.verbosity(0);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof InputException) {
                commandLine.getErr().println("opsim: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof ArithmeticException || ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("opsim: " + ex.getMessage());
                return 2;
            }
            commandLine.getErr().println("opsim: unexpected failure: " + ex);
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("stack trace", ex);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
