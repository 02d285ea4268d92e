package org.opsim.bench;

import java.nio.file.Path;
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
import org.opsim.importer.transformer.HfConfigLoader;
import org.opsim.importer.transformer.TransformerModel;
import org.opsim.importer.transformer.Workload;

/**
 * Inputs for the benchmarks: graphs built in code, and the shipped profiles and configs, read from
 * the project root (the working directory, or {@code -Dopsim.root=DIR}).
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path root() {
        return Path.of(System.getProperty("opsim.root", "."));
    }

    /** A shipped profile by file name without {@code .yaml}, e.g. {@code nvidia-h100-sxm}. */
    static HardwareProfile profile(String stem) {
        return Opsim.loadProfile(root().resolve("hardware-profiles").resolve(stem + ".yaml"));
    }

    /** Every profile in hardware-profiles/. */
    static List<HardwareProfile> everyProfile() {
        return Opsim.loadProfiles(root().resolve("hardware-profiles"));
    }

    static TransformerModel llama70b() {
        return new TransformerModel(HfConfigLoader.load(root().resolve("models/hf/llama-3.1-70b.json")));
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
