package org.opsim.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.opsim.cli.report.ServingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim serving-report}: regenerates the serving section of docs/validation.md. */
@Command(name = "serving-report", mixinStandardHelpOptions = true,
        description = "Fit each backend's serving parameters on part of shared/validation/serving-b200-gb200.csv and score "
                + "them on the rest (B200 -> GB200, GB200 -> B200, leave one model family out); rewrites the serving "
                + "section of docs/validation.md and prints the parameters fitted on the B200 rows.")
final class ServingReportCommand implements Callable<Integer> {

    @Option(names = "--cases", defaultValue = "../shared/validation/serving-b200-gb200.csv", paramLabel = "CSV",
            description = "serving measurements (default: ${DEFAULT-VALUE})")
    Path cases;

    @Option(names = "--out", defaultValue = "docs/validation.md", paramLabel = "FILE",
            description = "the document whose serving section is rewritten (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--threads", defaultValue = "2", description = "simulation threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--profiles", paramLabel = "DIR", description = "add the profiles, systems and stacks in DIR to the catalogue")
    Path profileDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var log = org.slf4j.LoggerFactory.getLogger(ServingReportCommand.class);
        ServingReport.Result r = ServingReport.run(Inputs.catalogue(profileDir), cases, threads,
                "java -jar src/cli/target/opsim-cli-0.1.0-SNAPSHOT.jar serving-report", log::info);
        ServingReport.write(out, r.markdown());
        var o = spec.commandLine().getOut();
        r.shipped().forEach((k, v) -> o.println(k + ": " + v.describe()));
        o.println("wrote the serving section of " + out);
        o.flush();
        return 0;
    }
}
