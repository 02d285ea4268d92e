package org.opsim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Stage;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/** Time to first token and time per output token, from the evaluation's stages. */
class ChipResultTest {

    @Test
    void tpotIsTheDecodeStageOverTheStepsAfterTheFirstToken() {
        // A generation of 5 new tokens: the first comes out of the prefill, so the decode blocks hold 4 steps.
        Model llama = Opsim.model("llama-3.1-8b");
        Comparison c = Comparison.of(llama, Workload.generation(2, 128, 5), false, List.of(Opsim.profile("h100")));
        ChipResult r = c.results().get(0);
        Evaluation e = r.evaluation().orElseThrow();
        double decode = e.seconds(Stage.DECODE);
        assertTrue(decode > 0);
        assertEquals(decode / 4, r.tpotSeconds().getAsDouble(), 1e-15);
        assertEquals(e.seconds(Stage.PREFILL), r.ttftSeconds().getAsDouble(), 1e-15);
        // The four steps attend to 129..132 keys: their mean step is within 0.1% of one step at context 130.
        double oneStep = Opsim.evaluate(llama.graph(Workload.decode(2, 130)), Opsim.profile("h100")).total().latencySeconds();
        assertEquals(oneStep, r.tpotSeconds().getAsDouble(), 1e-3 * oneStep);
        // TTFT is the prefill of the whole batch: a prefill of the same prompts costs the same.
        double prefill = Opsim.evaluate(llama.graph(Workload.prefill(2, 128)), Opsim.profile("h100")).total().latencySeconds();
        assertEquals(prefill, r.ttftSeconds().getAsDouble(), 1e-12 * prefill);
    }

    @Test
    void aDecodeStepsTpotIsTheStepAndAPrefillHasNoTpot() {
        Model llama = Opsim.model("llama-3.1-8b");
        ChipResult decode = Comparison.of(llama, Workload.decode(4, 1024), false, List.of(Opsim.profile("h100"))).results().get(0);
        assertEquals(decode.latencySeconds().getAsDouble(), decode.tpotSeconds().getAsDouble());
        assertTrue(decode.ttftSeconds().isEmpty());
        ChipResult prefill = Comparison.of(llama, Workload.prefill(4, 1024), false, List.of(Opsim.profile("h100"))).results().get(0);
        assertTrue(prefill.tpotSeconds().isEmpty());
        assertEquals(prefill.latencySeconds().getAsDouble(), prefill.ttftSeconds().getAsDouble());
    }
}
