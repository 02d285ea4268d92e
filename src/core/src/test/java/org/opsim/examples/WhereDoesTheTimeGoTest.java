package org.opsim.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.Bound;
import org.opsim.cost.Evaluation;
import org.opsim.cost.OpResult;
import org.opsim.graph.Attention;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;
import org.opsim.report.OpCategory;

/**
 * Notebook: serving Llama-3.1-70B on four H100s (batch 32, 2048-token prompts, 256 new tokens), where
 * does the time go: matmul or softmax, norms and activations? prefill or decode? compute or memory?
 */
class WhereDoesTheTimeGoTest {

    private static final HardwareProfile H100 = Opsim.profile("nvidia-h100-sxm");
    private static final TransformerModel LLAMA_70B =
            Repo.transformer("llama-3.1-70b");
    private static final Workload SERVING = Workload.generation(32, 2048, 256).withTensorParallel(4);

    /** Seconds per bound of the ops whose block name starts with {@code prefix} ("prefill/" or "decode/"). */
    private static Map<Bound, Double> secondsByBound(Evaluation e, String prefix) {
        Map<Bound, Double> out = new EnumMap<>(Bound.class);
        for (OpResult r : e.ops()) {
            if (r.block().startsWith(prefix)) {
                out.merge(r.bound(), r.totals().latencySeconds(), Double::sum);
            }
        }
        return out;
    }

    private static double share(Map<Bound, Double> m, Bound b) {
        double total = m.values().stream().mapToDouble(Double::doubleValue).sum();
        return m.getOrDefault(b, 0.0) / total;
    }

    @Test
    void matmulsTakeMostOfTheTimeAndNormsAndActivationsLittle() {
        Evaluation e = Opsim.evaluate(LLAMA_70B.graph(SERVING), H100);
        // Per token, a matmul touches every weight (2 FLOPs each, 70 B of them) while a norm or an activation
        // touches a few numbers per hidden unit (8,192 or 28,672): three to four orders of magnitude less work.
        double matmul = OpCategory.MATMUL.share(e);
        double small = OpCategory.NORMS.share(e) + OpCategory.ACTIVATIONS.share(e) + OpCategory.SOFTMAX.share(e);
        assertTrue(matmul > 0.5, "matmul share " + matmul);
        assertTrue(small < 0.1, "norms + activations + softmax share " + small);
        assertTrue(matmul > 5 * small);
    }

    @Test
    void flashAttentionHasNoSoftmaxOfItsOwnWhileUnfusedAttentionPaysForTheScores() {
        // Flash attention computes the softmax inside the attention kernel, so no softmax op exists; the
        // unfused form writes batch × heads × queries × keys scores to memory and reads them back.
        Evaluation flash = Opsim.evaluate(LLAMA_70B.graph(SERVING), H100);
        Evaluation unfused = Opsim.evaluate(
                LLAMA_70B.graph(SERVING.withAttentionForm(Attention.Form.UNFUSED)), H100);
        assertEquals(0.0, OpCategory.SOFTMAX.share(flash));
        assertTrue(OpCategory.SOFTMAX.share(unfused) > 0);
        assertTrue(unfused.total().latencySeconds() > flash.total().latencySeconds());
        assertTrue(unfused.total().bytes() > flash.total().bytes());
    }

    @Test
    void prefillIsComputeBoundAndDecodeIsMemoryBound() {
        // The ridge point of an H100 is peak ÷ bandwidth, a few hundred FLOP/byte. A prefill matmul has
        // 32 × 2048 = 65,536 rows (≈ 65,536 FLOP per byte of bf16 weight); a decode matmul has 32.
        double ridge = H100.peak(Engine.MATRIX, Precision.BF16).orElseThrow().value()
                / H100.memory().bandwidthBytesPerSecond().value();
        assertTrue(32 < ridge && ridge < 32 * 2048, "ridge " + ridge);

        Evaluation e = Opsim.evaluate(LLAMA_70B.graph(SERVING), H100);
        Map<Bound, Double> prefill = secondsByBound(e, "prefill/");
        Map<Bound, Double> decode = secondsByBound(e, "decode/");
        assertTrue(share(prefill, Bound.COMPUTE) > 0.5, "prefill " + prefill);
        assertTrue(share(decode, Bound.MEMORY) > 0.5, "decode " + decode);
    }

    @Test
    void aDecodeFlopCostsFarMoreTimeThanAPrefillFlop() {
        // 255 decode steps each re-read every weight for 32 tokens; the prefill reads them once for 65,536.
        Evaluation e = Opsim.evaluate(LLAMA_70B.graph(SERVING), H100);
        double prefillFlops = 0;
        double decodeFlops = 0;
        double prefillSeconds = 0;
        double decodeSeconds = 0;
        for (OpResult r : e.ops()) {
            if (r.block().startsWith("prefill/")) {
                prefillFlops += r.totals().flops();
                prefillSeconds += r.totals().latencySeconds();
            } else if (r.block().startsWith("decode/")) {
                decodeFlops += r.totals().flops();
                decodeSeconds += r.totals().latencySeconds();
            }
        }
        assertTrue(decodeFlops < prefillFlops / 4, "decode does far fewer FLOPs");
        assertTrue(decodeSeconds / decodeFlops > 5 * prefillSeconds / prefillFlops,
                "but each decode FLOP costs far more time");
    }
}
