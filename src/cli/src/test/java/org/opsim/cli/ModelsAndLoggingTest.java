package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The models listing, --help everywhere, and what --verbose does to logging. */
class ModelsAndLoggingTest {

    private record Run(int code, String out, String err, String log) {
    }

    /** Runs the CLI with standard error captured, where Logback's console appender writes. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setErr(saved);
        }
        return new Run(code, out.toString(), err.toString(), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void modelsListsTheBundledConfigsWithParameterCountsAndTheGraphFiles() {
        Run r = run("models");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("models/hf/llama-3.1-70b.json"), r.out());
        // 70,553,706,496 parameters (docs/api.md, checked against the model card in the importer tests).
        assertTrue(r.out().contains("70.6 B"), r.out());
        assertTrue(r.out().contains("mixtral"), r.out());
        assertTrue(r.out().contains("models/llama-3.1-8b-decode.yaml"), r.out());
    }

    @Test
    void modelsAsCsvHasOneRowPerConfig() {
        Run r = run("models", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        long configs = r.out().lines().filter(l -> l.contains(",models/hf/")).count();
        assertEquals(37, configs, r.out());
        // gpt-oss-120b: 36 layers, 18 of them full attention × 8 KV heads × 64 × (K + V) × 2 B = 36,864 B per token;
        // its experts are MXFP4 (the checkpoint's quantization_config).
        String gptOss = r.out().lines().filter(l -> l.startsWith("gpt-oss-120b,")).findFirst().orElseThrow();
        assertTrue(gptOss.contains(",36,2880,18 GQA window 128 +sinks + 18 GQA +sinks,\"36,864\",mxfp4 weight-only,"), gptOss);
    }

    @Test
    void modelsSkipsAConfigItCannotReadAndSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("t5.json"), "{\"model_type\": \"t5\"}");
        Run r = run("models", "--dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("skipped t5: ") && r.out().contains("unsupported model_type 't5'"), r.out());
        assertTrue(r.out().contains("gpt-oss-120b"), r.out());
    }

    @Test
    void aMissingModelsFolderExitsWithTwoAndNamesIt() {
        Run r = run("models", "--dir", "no/such/dir");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no/such/dir"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"compare", "run", "sweep", "report", "profiles", "models", "predict", "validate",
            "calibrate", "validation-report"}) {
            Run r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: opsim " + c), c + ":\n" + r.out());
            assertTrue(r.out().contains("--verbose"), c + " does not offer --verbose");
        }
    }

    @Test
    void quietByDefaultAndVerboseLogsWhatWasLoadedAndCosted() {
        String[] args = {"compare", "--profile", "nvidia-h100-sxm"};
        Run quiet = run(args);
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(quiet.log().contains("INFO"), quiet.log());

        Run verbose = run("--verbose", args[0], args[1], args[2]);
        assertEquals(0, verbose.code(), verbose.err());
        assertTrue(verbose.log().contains("INFO"), verbose.log());
        assertTrue(verbose.log().contains("profile nvidia-h100-sxm: NVIDIA H100 SXM5 80GB"), verbose.log());
        assertTrue(verbose.log().contains("costed"), verbose.log());
        // Logging never mixes into the table on standard output.
        assertEquals(quiet.out(), verbose.out());

        Run onSubcommand = run(args[0], args[1], args[2], "-v");
        assertTrue(onSubcommand.log().contains("profile nvidia-h100-sxm"), onSubcommand.log());

        Run quietAgain = run(args);
        assertFalse(quietAgain.log().contains("INFO"), "the next run starts quiet again: " + quietAgain.log());
    }
}
