package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.opsim.cli.Main;

/** {@code opsim deploy} end to end. */
class DeployCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void printsMemoryMinimumChipsAndBothPrices() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "deploy", "-m", "llama-3.1-70b", "--system",
                "nvidia-hgx-h100-8", "--batch", "1", "--tp", "8");
        assertEquals(0, rc, err.toString());
        String s = out.toString();
        assertTrue(s.contains("minimum: 2 chip(s), TP 2, PP 1"), s);
        assertTrue(s.contains("$ per million tokens: cloud"), s);
        assertTrue(s.contains("$ per million tokens: owned (TCO)"), s);
    }

    @Test
    void anImpossibleDeploymentIsANamedErrorWithExitCode2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "deploy", "-m", "llama-3.1-70b", "--system",
                "nvidia-hgx-h100-8", "--batch", "1", "--tp", "1");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("llama-3.1-70b bf16 needs 141.1 GB of weights"), err.toString());
        assertTrue(err.toString().contains("one NVIDIA H100 SXM5 80GB has 80.0 GB"), err.toString());
    }

    /**
     * deploy runs the chip vendor's default stack unless told otherwise; --stack none costs the chip's own
     * figures (its 4 µs dispatch prior per op instead of the fitted stack's fixed times), so its step differs.
     */
    @Test
    void theSystemsChipsRunTheVendorsStackOrTheOneNamed() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "deploy", "-m", "llama-3.1-70b", "--system", "nvidia-hgx-h100-8", "--batch", "1",
                "--tp", "8"), err.toString());
        assertTrue(out.toString().contains("stack: vllm@sarathi-serve-vidur-a100"), out.toString());
        StringWriter none = new StringWriter();
        assertEquals(0, run(none, err, "deploy", "-m", "llama-3.1-70b", "--system", "nvidia-hgx-h100-8", "--batch", "1",
                "--tp", "8", "--stack", "none"), err.toString());
        assertTrue(none.toString().contains("stack: none"), none.toString());
        assertTrue(!step(out.toString()).equals(step(none.toString())), step(out.toString()));
        StringWriter bad = new StringWriter();
        assertEquals(2, run(new StringWriter(), bad, "deploy", "-m", "llama-3.1-70b", "--system", "nvidia-hgx-h100-8",
                "--stack", "nope"));
        assertTrue(bad.toString().contains("no stack 'nope'"), bad.toString());
    }

    private static String step(String out) {
        return out.lines().filter(l -> l.startsWith("step:")).findFirst().orElseThrow();
    }
}
