package org.opsim.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.Repo;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.MatMul;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.Rope;
import org.opsim.io.InputException;

/** Reading measured operator latencies, and named errors for corrupt files. */
class MeasurementsTest {

    static final String HEADER = "hardware,model,tp,tokens,op,kind,dtype,m,n,k,rows,cols,median_ms,min_ms,max_ms,std_ms\n";

    @TempDir
    Path dir;

    private Path file(String body) throws Exception {
        Path f = dir.resolve("ops.csv");
        Files.writeString(f, body);
        return f;
    }

    private InputException bad(String body) throws Exception {
        Path f = file(body);
        return assertThrows(InputException.class, () -> Measurements.read(f));
    }

    @Test
    void rowsBecomeOpsWithTheirMeasuredSeconds() throws Exception {
        List<MeasuredCase> c = Measurements.read(file(HEADER
                + "a100,m1,1,16,qkv,matmul,fp16,16,6144,4096,,,0.05,,,\n"
                + "a100,m1,1,16,norm,rmsnorm,fp16,,,,16,4096,0.004,,,\n"));
        assertEquals(2, c.size());
        assertEquals(new MatMul("qkv", 16, 6144, 4096, Precision.FP16), c.get(0).op());
        assertEquals(5e-5, c.get(0).medianSeconds(), 1e-18);
        assertEquals(OpKind.RMSNORM, c.get(1).op().kind());
        assertEquals(2, c.get(1).row());
    }

    @Test
    void aSampleOfTheSharedA100RowsReads() throws Exception {
        // samples/a100-ops-sample.csv: the first row of each kind of shared/validation/a100-ops.csv, e.g.
        // "a100,Qwen/Qwen-72B,1,4096,attn_pre_proj,matmul,fp16,4096,24576,8192,,,7.306,..." and
        // "a100,Qwen/Qwen-72B,1,4096,attn_rope,rope,fp16,,,,4096,16384,0.304,...".
        List<MeasuredCase> c = Measurements.read(Path.of(getClass().getResource("/samples/a100-ops-sample.csv").toURI()));
        assertEquals(7, c.size());
        assertEquals(new Embedding("emb", 4096, 8192, 1, Precision.FP16), c.get(0).op());
        assertEquals(new MatMul("attn_pre_proj", 4096, 24576, 8192, Precision.FP16), c.get(2).op());
        assertEquals(7.306e-3, c.get(2).medianSeconds(), 1e-15);
        assertEquals("Qwen/Qwen-72B", c.get(2).model());
        // Rope over 16,384 values per token: heads of 128 (the largest even divisor up to 128).
        assertEquals(new Rope("attn_rope", 4096, 16384, 128, Precision.FP16), c.get(3).op());
        assertEquals(new Gelu("mlp_act", 4096L * 10240, Precision.FP16), c.get(6).op());
        assertEquals("microsoft/phi-2", c.get(6).model());
    }

    @Test
    void theSharedFilesParse() {
        Path llmcompass = Repo.shared("validation/a100-llmcompass-ops.csv");
        assumeTrue(Files.exists(llmcompass), "../shared/validation is not beside the repository");
        assertEquals(84, Measurements.read(llmcompass).size());
        assertEquals(91_029, Measurements.read(Repo.shared("validation/a100-ops.csv")).size());
        assertEquals(54_549, Measurements.read(Repo.shared("validation/a40-ops.csv")).size());
    }

    @Test
    void corruptFilesGiveNamedErrors() throws Exception {
        InputException missingColumn = bad("kind,dtype,m,n,k,rows,cols\nmatmul,fp16,1,2,3,,\n");
        assertEquals("$[0]", missingColumn.path());
        assertTrue(missingColumn.problem().contains("missing column 'median_ms'"), missingColumn.problem());

        InputException notANumber = bad(HEADER + "a100,m,1,1,x,matmul,fp16,16,abc,4096,,,0.05,,,\n");
        assertEquals("$[1].n", notANumber.path());
        assertEquals("not a number: 'abc'", notANumber.problem());

        InputException unknownKind = bad(HEADER + "a100,m,1,1,x,conv3d,fp16,16,16,16,,,0.05,,,\n");
        assertEquals("$[1].kind", unknownKind.path());

        InputException negative = bad(HEADER + "a100,m,1,1,x,add,fp16,,,,4,-4,0.05,,,\n");
        assertEquals("$[1].cols", negative.path());
        // Two negative factors would make a positive count: each is checked.
        InputException bothNegative = bad(HEADER + "a100,m,1,1,x,add,fp16,,,,-4,-4,0.05,,,\n");
        assertEquals("$[1].rows", bothNegative.path());
        assertEquals("must be > 0, got -4", bothNegative.problem());

        InputException zeroTime = bad(HEADER + "a100,m,1,1,x,add,fp16,,,,4,4,0,,,\n");
        assertEquals("$[1].median_ms", zeroTime.path());

        InputException shortRow = bad(HEADER + "a100,m,1\n");
        assertEquals("$[1]", shortRow.path());

        assertEquals("empty file: expected a header row", bad("").problem());
        assertEquals("no data rows", bad(HEADER).problem());
        InputException missing = assertThrows(InputException.class, () -> Measurements.read(dir.resolve("nope.csv")));
        assertEquals("file not found", missing.problem());
    }

    @Test
    void quantilesInterpolateLinearly() {
        // Values 1..10: median at position 4.5 → 5.5; p90 at position 8.1 → 9 + 0.1·(10 − 9) = 9.1; mean 5.5.
        ErrorStats s = ErrorStats.of("x", new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        assertEquals(5.5, s.mapePercent(), 1e-12);
        assertEquals(5.5, s.medianPercent(), 1e-12);
        assertEquals(9.1, s.p90Percent(), 1e-12);
    }

    @Test
    void aSplitByModelNeverScoresAFittedRow() throws Exception {
        StringBuilder body = new StringBuilder(HEADER);
        for (String m : new String[] {"b", "a", "c", "d"}) {
            for (int i = 1; i <= 3; i++) {
                body.append("a100,").append(m).append(",1,1,x,add,fp16,,,,").append(i).append(",4,0.01,,,\n");
            }
        }
        Split s = Split.byModel(Measurements.read(file(body.toString())));
        // Models sorted a, b, c, d alternate: fit a and c, score b and d.
        assertEquals(List.of("a", "c"), s.fitModels());
        assertEquals(List.of("b", "d"), s.scoreModels());
        assertEquals(6, s.fit().size());
        assertTrue(s.fit().stream().noneMatch(s.score()::contains));
    }
}
