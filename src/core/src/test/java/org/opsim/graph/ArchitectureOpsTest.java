package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opsim.io.InvalidValueException;

/** The 2026 architectures' operators, each against FLOPs and bytes worked by hand from its Javadoc formula. */
class ArchitectureOpsTest {

    private static Attention attn(long q, long kv, Attention.Limit limit, long keyLimit, boolean sinks, long stride) {
        return new Attention("a", 1, 2, 1, q, kv, 4, 4, false, true, Attention.Form.FLASH, Attention.Pass.FORWARD,
                Precision.BF16, Precision.BF16, limit, keyLimit, sinks, stride);
    }

    @Test
    void slidingWindowCapsTheKeysEachQuerySees() {
        // Prefill of 8 tokens, window 3: Σ_{v=1..8} min(v, 3) = 1 + 2 + 3·6 = 21 pairs; every key is read once.
        Attention prefill = attn(8, 8, Attention.Limit.WINDOW, 3, false, 1);
        assertEquals(21.0, prefill.scorePairs());
        assertEquals(8, prefill.keysRead());
        // A decode step at context 10 sees and reads only the last 3 keys.
        Attention step = attn(1, 10, Attention.Limit.WINDOW, 3, false, 1);
        assertEquals(3.0, step.scorePairs());
        assertEquals(3, step.keysRead());
        // Matrix FLOPs 2·b·h_q·P·(d + d_v) = 2·1·2·3·8 = 96; cache bytes 1 KV head · 3 keys · (4 + 4) · 2 B = 48.
        assertEquals(96.0, step.matrixFlops());
        assertEquals(48.0, step.kvCacheBytes());
    }

    @Test
    void chunkedAttentionSeesItsOwnChunkOnly() {
        // Llama 4 chunks of 4 over 10 tokens: (p mod 4) + 1 for p = 0..9 = 1+2+3+4+1+2+3+4+1+2 = 23.
        assertEquals(23.0, attn(10, 10, Attention.Limit.CHUNK, 4, false, 1).scorePairs());
        // A decode step at context 10 is position 9: 9 mod 4 + 1 = 2 keys, those of the chunk from position 8.
        Attention step = attn(1, 10, Attention.Limit.CHUNK, 4, false, 1);
        assertEquals(2.0, step.scorePairs());
        assertEquals(2, step.keysRead());
    }

    @Test
    void topKAttentionReadsItsKeysOnly() {
        Attention step = attn(1, 5000, Attention.Limit.TOP_K, 2048, false, 1);
        assertEquals(2048.0, step.scorePairs());
        assertEquals(2048, step.keysRead());
        // Below the cap every visible key is kept: a 100-token prefill is full causal attention, 100·101/2.
        assertEquals(5050.0, attn(100, 100, Attention.Limit.TOP_K, 2048, false, 1).scorePairs());
    }

    @Test
    void aCompressedCacheHasOneEntryPerStrideTokens() {
        // Stride 4 over 8 tokens: ⌊v/4⌋ for v = 1..8 = 0,0,0,1,1,1,1,2 → 6 pairs; with top-1: 0,0,0,1,1,1,1,1 → 5.
        assertEquals(6.0, attn(8, 8, Attention.Limit.NONE, 0, false, 4).scorePairs());
        assertEquals(5.0, attn(8, 8, Attention.Limit.TOP_K, 1, false, 4).scorePairs());
        // A decode step at context 10: ⌊10/4⌋ = 2 complete entries seen, ⌈10/4⌉ = 3 cached and read.
        Attention step = attn(1, 10, Attention.Limit.NONE, 0, false, 4);
        assertEquals(2.0, step.scorePairs());
        assertEquals(3, step.keysRead());
    }

    @Test
    void sinksAddOneLogitPerHeadAndQuery() {
        // 4 causal queries: P = 10; vector FLOPs 5·b·h_q·(P + q) = 5·1·2·14 = 140 (without sinks 100).
        assertEquals(140.0, attn(4, 4, Attention.Limit.NONE, 0, true, 1).vectorFlops());
        assertEquals(100.0, attn(4, 4, Attention.Limit.NONE, 0, false, 1).vectorFlops());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(InvalidValueException.class, () -> attn(1, 10, Attention.Limit.WINDOW, 0, false, 1));
        assertThrows(InvalidValueException.class, () -> attn(1, 10, Attention.Limit.WINDOW, 3, false, 4));
        assertThrows(InvalidValueException.class, () -> new Attention("a", 1, 2, 1, 4, 4, 4, 4, false, false,
                Attention.Form.FLASH, Attention.Pass.FORWARD, Precision.BF16, Precision.BF16, Attention.Limit.WINDOW, 2,
                false, 1));
    }

    @Test
    void gatedDeltaRuleRecurrentStep() {
        // b = 2, H_k = 1, H = 2, dk = 4, dv = 8, bf16, fp32 state.
        LinearAttention la = new LinearAttention("la", 2, 1, 1, 2, 4, 8, 64, Precision.BF16, Precision.FP32);
        assertEquals(Engine.VECTOR, la.engine());
        assertEquals(0.0, la.matrixFlops());
        // 7·dk·dv per head per token: 2 · 2 · 7 · 32 = 896.
        assertEquals(896.0, la.vectorFlops());
        // Tokens: (2·1·4 + 2·2·8 + 2·2) · 2 B = 88 per token, × 2 = 176; state 2·4·8·4 B = 256 per sequence,
        // read and written for 2 sequences = 1024. Total 1200.
        assertEquals(1200.0, la.bytes());
    }

    @Test
    void gatedDeltaRuleChunkedPrefill() {
        // 128 tokens, one head of dk = dv = 64, chunks of 64: per token 2·64·(3·64 + 2·64) + 6·64·64 + ⅔·64²
        // = 40960 + 24576 + 2730.67 = 68266.67, × 128 = 8,738,133.3.
        LinearAttention la = new LinearAttention("la", 1, 128, 1, 1, 64, 64, 64, Precision.BF16, Precision.FP32);
        assertEquals(Engine.MATRIX, la.engine());
        assertEquals(8_738_133.33, la.matrixFlops(), 0.01);
        // Vector 128 · (9·64 + 64) = 81,920. Bytes: 128 · (2·64 + 2·64 + 2) · 2 B = 66,048; state 64·64·4 = 16,384 B
        // × (2·2 chunks + 1) = 81,920. Total 147,968.
        assertEquals(81_920.0, la.vectorFlops());
        assertEquals(147_968.0, la.bytes());
    }

    @Test
    void mamba2ScanRecurrentStep() {
        // b = 1, H = 2, P = 4, N = 8, G = 1: vector 2 · (5·4·8 + 2·4) = 336.
        SelectiveScan s = new SelectiveScan("ssm", 1, 1, 2, 4, 8, 1, 128, Precision.BF16, Precision.FP32);
        assertEquals(336.0, s.vectorFlops());
        // Tokens (2·2·4 + 2·1·8 + 2) · 2 B = 68; state 2·4·8·4 B = 256, read and written = 512. Total 580.
        assertEquals(580.0, s.bytes());
        assertEquals(0.0, s.matrixFlops());
    }

    @Test
    void mamba2ScanChunked() {
        // 256 tokens, H = 2, P = 4, N = 8, G = 1, C = 128: per token 2·128·8·1 + 2·(2·128·4 + 4·8·4) = 2048 + 2304 = 4352.
        SelectiveScan s = new SelectiveScan("ssm", 1, 256, 2, 4, 8, 1, 128, Precision.BF16, Precision.FP32);
        assertEquals(256.0 * 4352, s.matrixFlops());
        // Vector 256 · 2 · (128 + 8 + 5) = 72,192.
        assertEquals(72_192.0, s.vectorFlops());
    }

    @Test
    void causalConvTopKDispatchAndIndexer() {
        // Conv: (2·4 + 5)·10·4 = 520 FLOPs; bytes 2·40·2 + 4·4·2 + 3·4·2 (state written) = 160 + 32 + 24 = 216.
        CausalConv1d conv = new CausalConv1d("conv", 1, 10, 4, 4, Precision.BF16);
        assertEquals(520.0, conv.vectorFlops());
        assertEquals(216.0, conv.bytes());
        // Top-2 of 8, 2 rows, fp32: 2·8·(1 + ⌈log₂2⌉) = 32 FLOPs; bytes 2·8·4 + 2·2·(4 + 4) = 96.
        TopK top = new TopK("topk", 2, 8, 2, Precision.FP32);
        assertEquals(32.0, top.vectorFlops());
        assertEquals(96.0, top.bytes());
        // Combine 4 tokens × 2 experts × 8 wide, bf16: 2·4·2·8 = 128 FLOPs; 4·8·2·(2 + 1) = 192 bytes.
        MoeDispatch combine = new MoeDispatch("c", MoeDispatch.Direction.COMBINE, 4, 2, 8, Precision.BF16);
        assertEquals(128.0, combine.vectorFlops());
        assertEquals(192.0, combine.bytes());
        assertEquals(0.0, new MoeDispatch("d", MoeDispatch.Direction.DISPATCH, 4, 2, 8, Precision.BF16).vectorFlops());
        // Indexer: 2 heads of 8, 4 causal queries (P = 10): matrix 2·2·10·8 = 320, vector 3·2·10 = 60; bytes:
        // queries 4·2·(8·2 + 4) = 160, fp8 keys 4·8·1 = 32, fp32 scores 10·4 = 40 → 232.
        Indexer ix = new Indexer("ix", 1, 2, 4, 4, 8, Precision.BF16, Precision.FP8);
        assertEquals(320.0, ix.matrixFlops());
        assertEquals(60.0, ix.vectorFlops());
        assertEquals(232.0, ix.bytes());
    }

    @Test
    void blockScaledFormatsCountTheirScales() {
        assertEquals(0.5625, Precision.NVFP4.bytesPerElement());      // 0.5 + 1 B e4m3 / 16
        assertEquals(0.53125, Precision.MXFP4.bytesPerElement());     // 0.5 + 1 B e8m0 / 32
        assertEquals(1.03125, Precision.MXFP8.bytesPerElement());     // 1 + 1 / 32
        assertEquals(1.000244140625, Precision.FP8_BLOCK.bytesPerElement()); // 1 + 4 B / (128·128)
        assertEquals(0.515625, Precision.INT4_G128.bytesPerElement()); // 0.5 + 2 B / 128
        assertEquals(0.5625, Precision.INT4_G32.bytesPerElement());    // 0.5 + 2 B / 32
        assertEquals(Precision.FP4, Precision.NVFP4.arithmetic());
        assertEquals(Precision.FP8, Precision.MXFP8.arithmetic());
        assertEquals(Precision.INT4, Precision.INT4_G32.arithmetic());
        // A W4A16 GEMM computes in bf16 (it dequantises): the wider operand.
        assertEquals(Precision.BF16, new MatMul("w4a16", 8, 8, 8, Precision.BF16, Precision.INT4_G128, Precision.BF16)
                .precision());
    }

    @Test
    void customOperatorsLowerToTheGenericOp() {
        record HyperMix(String name, long tokens, long width, int streams) implements CustomOperator {
            public String supportKey() {
                return "hyper_connection";
            }

            public Precision precision() {
                return Precision.BF16;
            }

            public double vectorFlops() {
                return 2.0 * tokens * width * streams * (streams + 2);
            }

            public double bytes() {
                return (double) tokens * width * (2 * streams + 1) * 2;
            }
        }
        CustomOp op = new HyperMix("hc", 10, 8, 4).toOp();
        assertEquals(OpKind.CUSTOM, op.kind());
        assertEquals(Engine.VECTOR, op.engine());
        assertEquals(2.0 * 10 * 8 * 4 * 6, op.vectorFlops()); // 3840
        assertEquals(10.0 * 8 * 9 * 2, op.bytes());            // 1440
        assertThrows(InvalidValueException.class, () -> new CustomOp("x", "Bad Key", Engine.VECTOR, 0, 1, 1,
                Precision.BF16));
        assertThrows(InvalidValueException.class, () -> new CustomOp("x", "k", Engine.VECTOR, 0, 0, 0, Precision.BF16));
        assertThrows(InvalidValueException.class, () -> new CustomOp("x", "k", Engine.VECTOR, 0, Double.NaN, 1,
                Precision.BF16));
    }
}
