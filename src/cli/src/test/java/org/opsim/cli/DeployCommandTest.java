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
}
