package org.opsim.bench;

import java.util.List;
import org.opsim.Opsim;
import org.opsim.graph.Attention;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.SiluAndMul;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * Inputs for the benchmarks: graphs built in code, and the bundled profiles and models, named from
 * the catalogue (the class path: the benchmarks run from any directory).
 */
final class Fixtures {
    private Fixtures() {
    }

    /** A bundled profile by name, e.g. {@code nvidia-h100-sxm}. */
    static HardwareProfile profile(String name) {
        return Opsim.profile(name);
    }

    /** Every chip of the bundled catalogue. */
    static List<HardwareProfile> everyProfile() {
        return Opsim.catalogue().profiles();
    }

    static Model llama70b() {
        return Opsim.model("llama-3.1-70b");
    }

    /**
     * One Llama-3.1-70B decode step as served: batch 64, 4096 tokens cached, bf16, tensor-parallel
     * over 8 chips (the per-chip graph: 18 distinct ops after lowering, 1,045 executions).
     */
    static Workload llama70bDecodeStep() {
        return Workload.decode(64, 4096).withTensorParallel(8);
    }

    static Graph llama8bDecode(int batch, int context) {
        Precision p = Precision.BF16;
        long h = 4096;
        long i = 14336;
        return Graph.builder("llama-3.1-8b decode")
                .block("embed", 1, new Embedding("embed", batch, h, 128_256, p))
                .block("layer", 32,
                        new RmsNorm("input_norm", batch, h, p),
                        new MatMul("qkv_proj", batch, 6144, h, p),
                        new Rope("rope", batch, 5120, 128, p),
                        new Attention("attn", batch, 32, 8, 1, context, 128, true, Attention.Form.FLASH, p),
                        new MatMul("o_proj", batch, h, h, p),
                        Elementwise.add("attn_residual", batch * h, p),
                        new RmsNorm("post_norm", batch, h, p),
                        new MatMul("gate_up_proj", batch, 2 * i, h, p),
                        new SiluAndMul("act", batch, i, p),
                        new MatMul("down_proj", batch, h, i, p),
                        Elementwise.add("mlp_residual", batch * h, p))
                .block("head", 1, new RmsNorm("final_norm", batch, h, p), new MatMul("lm_head", batch, 128_256, h, p))
                .build();
    }
}
