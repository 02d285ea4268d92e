package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;

/** predict, validate and calibrate as a user runs them. */
class ValidationCommandsTest {

    private static final String H100 = "nvidia-h100-sxm";

    @TempDir
    Path dir;

    /** Rows of two "models", matmuls and adds, timed as a 400 TFLOP/s, 2.5 TB/s chip with 5 µs per op. */
    private Path cases() throws Exception {
        StringBuilder sb = new StringBuilder("hardware,model,tp,tokens,op,kind,dtype,m,n,k,rows,cols,median_ms,min_ms,max_ms,std_ms\n");
        int i = 0;
        for (long m : new long[] {1, 2, 8, 16, 64, 128, 256, 512, 1024, 2048, 4096, 8192}) {
            i++; // alternate the "model" by m, so both halves of a split hold matmuls and adds
            for (long n : new long[] {4096, 8192, 14336}) {
                double t = Math.max(2.0 * m * n * 4096 / 400e12, (m * 4096 + 4096L * n + m * n) * 2.0 / 2.5e12) + 5e-6;
                sb.append("h100,model").append(i % 2).append(",1,").append(m).append(",mm,matmul,fp16,").append(m).append(',')
                        .append(n).append(",4096,,,").append(t * 1e3).append(",,,\n");
                double a = 3.0 * m * n * 2 / 2.5e12 + 5e-6;
                sb.append("h100,model").append(i % 2).append(",1,").append(m).append(",add,add,fp16,,,,").append(m).append(',')
                        .append(n).append(',').append(a * 1e3).append(",,,\n");
            }
        }
        Path f = dir.resolve("cases.csv");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void predictAddsAPredictedColumnToEveryRow() throws Exception {
        Path in = cases();
        Path out = dir.resolve("predicted.csv");
        CliRun r = CliRun.run("predict", "--profile", H100, "--cases", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(Files.readAllLines(in).size(), lines.size());
        assertTrue(lines.get(0).endsWith(",predicted_ms"), lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            double predicted = Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
            assertTrue(predicted > 0 && Double.isFinite(predicted), line);
        }
    }

    @Test
    void validatePrintsErrorsPerKindAndDrawsTheScatterPlot() throws Exception {
        Path png = dir.resolve("scatter.png");
        CliRun r = CliRun.run("validate", "--profile", H100, "--cases", cases().toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("matmul") && r.out().contains("add") && r.out().contains("all"), r.out());
        byte[] bytes = Files.readAllBytes(png);
        // A PNG starts with \\x89 P N G.
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        assertTrue(bytes.length > 10_000, "plot is " + bytes.length + " bytes");
    }

    @Test
    void calibrateWritesALoadableProfileThatFitsBetterOnHeldOutModels() throws Exception {
        Path out = dir.resolve("calibrated.yaml");
        CliRun r = CliRun.run("calibrate", "--profile", H100, "--cases", cases().toString(), "--out", out.toString(), "--holdout");
        assertEquals(0, r.code(), r.err());
        HardwareProfile p = Opsim.loadProfile(out);
        assertTrue(p.name().endsWith("(calibrated)"), p.name());
        assertTrue(r.out().contains("before:") && r.out().contains("after:"), r.out());
        // The fitted stack is written beside the chip, each figure naming the rows it came from …
        org.opsim.hardware.SoftwareStack stack = Opsim.stack(dir.resolve("calibrated-stack.yaml").toString());
        org.opsim.hardware.KernelRule add = stack.kernel(org.opsim.graph.OpKind.ADD).orElseThrow();
        // (a small kernel's overhead is in cycles: the chip has a clock)
        assertTrue(add.overheadCycles().orElseThrow().source().contains("add rows of cases.csv models [model0]"),
                add.overheadCycles().orElseThrow().source());
        // … and on the held-out model it fits better than the datasheet profile: the "all" MAPE after < before.
        double before = allMape(r.out().substring(r.out().indexOf("before:"), r.out().indexOf("after:")));
        double after = allMape(r.out().substring(r.out().indexOf("after:")));
        assertTrue(after < before / 2, "before " + before + "%, after " + after + "%");
    }

    private static double allMape(String table) {
        for (String line : table.split("\n")) {
            if (line.startsWith("| all |")) {
                return Double.parseDouble(line.split("\\|")[3].trim());
            }
        }
        throw new AssertionError("no all row in " + table);
    }

    @Test
    void aCorruptCasesFileIsExitCodeTwoNamingTheRow() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "kind,dtype,m,n,k,rows,cols,median_ms\nmatmul,fp16,1,x,3,,,0.1\n");
        CliRun r = CliRun.run("validate", "--profile", H100, "--cases", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bad + ": $[1].n: not a number: 'x'"), r.err());
    }

    /** The side-by-side table's "moved": 2 → 2.2 is +10%, 1 → 20 a factor, a figure a fit drove to 0 says so. */
    @Test
    void theSideBySideTableSaysHowFarAFigureMoved() {
        assertEquals("+10%", org.opsim.cli.report.ValidationReport.moved(2.0, 2.2));
        assertEquals("-25%", org.opsim.cli.report.ValidationReport.moved(4.0, 3.0));
        assertEquals("×20.0", org.opsim.cli.report.ValidationReport.moved(1.0, 20.0));
        assertEquals("0 in one fit", org.opsim.cli.report.ValidationReport.moved(1765, 1.07e-7));
    }
}
