package org.opsim.model.transformer;

import java.util.ArrayList;
import java.util.List;
import org.opsim.graph.AllGather;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Attention;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.CausalConv1d;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Indexer;
import org.opsim.graph.LinearAttention;
import org.opsim.graph.MoeDispatch;
import org.opsim.graph.SelectiveScan;
import org.opsim.graph.TopK;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.Silu;
import org.opsim.graph.SiluAndMul;
import org.opsim.graph.Softmax;

/**
 * The backward pass of a list of forward ops, in reverse order.
 *
 * <ul>
 * <li>A matmul {@code C = A·B} (m×k by k×n) becomes the input gradient {@code dA = dC·Bᵀ} (m×n by n×k)
 *   and the weight gradient {@code dB = Aᵀ·dC} (k×m by m×n): twice its FLOPs.</li>
 * <li>Flash attention becomes its backward kernel (see {@link Attention}).</li>
 * <li>Vector ops (norms, activations, softmax, adds, rope, embedding) cost twice their forward work:
 *   the gradient reads the saved input and the incoming gradient and writes the outgoing one.</li>
 * <li>Collectives repeat: each tensor-parallel all-reduce has one in the backward pass.</li>
 * <li>Linear attention, the Mamba-2 scan, the causal convolution and the sparse-attention indexer
 *   cost twice their forward work (their backward kernels recompute the chunk states and write the
 *   gradients of every input): the same op over twice the sequences.</li>
 * <li>A top-k choice has no gradient (nothing); the gradient of a MoE dispatch is a combine of the
 *   same tensors and vice versa.</li>
 * <li>A custom op costs twice its forward work, as a vector op does (its FLOPs and bytes are all
 *   opsim knows of it).</li>
 * </ul>
 */
final class Backward {
    private Backward() {
    }

    static List<Op> of(List<Op> forward) {
        List<Op> out = new ArrayList<>();
        for (int i = forward.size() - 1; i >= 0; i--) {
            out.addAll(of(forward.get(i)));
        }
        return out;
    }

    static List<Op> of(Op op) {
        String n = op.name();
        if (op instanceof MatMul mm) {
            return List.of(
                    new MatMul(n + ".dgrad", mm.m(), mm.k(), mm.n(), mm.outputPrecision(), mm.weightPrecision(), mm.activationPrecision()),
                    new MatMul(n + ".wgrad", mm.k(), mm.n(), mm.m(), mm.activationPrecision(), mm.outputPrecision(), mm.weightPrecision()));
        }
        if (op instanceof GroupedMatMul g) {
            return List.of(
                    new GroupedMatMul(n + ".dgrad", g.rows(), g.k(), g.n(), g.groups(), g.outputPrecision(), g.weightPrecision(), g.activationPrecision()),
                    // Same bytes formula: X read (rows·k), each touched expert's dW written (groups·k·n), dY read (rows·n).
                    new GroupedMatMul(n + ".wgrad", g.rows(), g.n(), g.k(), g.groups(), g.activationPrecision(), g.weightPrecision(), g.outputPrecision()));
        }
        if (op instanceof BatchedMatMul b) {
            return List.of(
                    new BatchedMatMul(n + ".dgrad_a", b.batch(), b.m(), b.k(), b.n(), b.precision()),
                    new BatchedMatMul(n + ".dgrad_b", b.batch(), b.k(), b.n(), b.m(), b.precision()));
        }
        if (op instanceof Attention at) {
            return at.form() == Attention.Form.FLASH ? List.of(at.backward(n + ".bwd")) : of(at.lower());
        }
        if (op instanceof LinearAttention la) {
            return List.of(new LinearAttention(n + ".bwd", 2 * la.batch(), la.tokens(), la.keyHeads(), la.valueHeads(),
                    la.keyDim(), la.valueDim(), la.chunk(), la.precision(), la.statePrecision()));
        }
        if (op instanceof SelectiveScan s) {
            return List.of(new SelectiveScan(n + ".bwd", 2 * s.batch(), s.tokens(), s.heads(), s.headDim(), s.stateSize(),
                    s.groups(), s.chunk(), s.precision(), s.statePrecision()));
        }
        if (op instanceof CausalConv1d c) {
            return List.of(new CausalConv1d(n + ".bwd", 2 * c.batch(), c.tokens(), c.channels(), c.kernel(), c.precision()));
        }
        if (op instanceof Indexer ix) {
            return List.of(new Indexer(n + ".bwd", 2 * ix.batch(), ix.heads(), ix.queryLength(), ix.kvLength(),
                    ix.headDim(), ix.precision(), ix.keyPrecision()));
        }
        if (op instanceof TopK) {
            return List.of();
        }
        if (op instanceof MoeDispatch d) {
            MoeDispatch.Direction back = d.direction() == MoeDispatch.Direction.DISPATCH ? MoeDispatch.Direction.COMBINE
                    : MoeDispatch.Direction.DISPATCH;
            return List.of(new MoeDispatch(n + ".bwd", back, d.tokens(), d.k(), d.hidden(), d.precision()));
        }
        if (op instanceof CustomOp u) {
            return List.of(new CustomOp(n + ".bwd", u.supportKey(), u.engine(), 2 * u.matrixFlops(), 2 * u.vectorFlops(),
                    2 * u.bytes(), u.precision(), u.efficiency(), u.parallelRows()));
        }
        if (op instanceof Softmax s) {
            return List.of(new Softmax(n + ".bwd", 2 * s.rows(), s.cols(), s.precision()));
        }
        if (op instanceof LayerNorm l) {
            return List.of(new LayerNorm(n + ".bwd", 2 * l.rows(), l.hidden(), l.precision()));
        }
        if (op instanceof RmsNorm r) {
            return List.of(new RmsNorm(n + ".bwd", 2 * r.rows(), r.hidden(), r.precision()));
        }
        if (op instanceof Gelu g) {
            return List.of(new Gelu(n + ".bwd", 2 * g.elements(), g.precision()));
        }
        if (op instanceof Silu s) {
            return List.of(new Silu(n + ".bwd", 2 * s.elements(), s.precision()));
        }
        if (op instanceof SiluAndMul s) {
            return List.of(new SiluAndMul(n + ".bwd", 2 * s.rows(), s.cols(), s.precision()));
        }
        if (op instanceof Elementwise e) {
            return List.of(new Elementwise(n + ".bwd", e.kind(), 2 * e.elements(), e.precision()));
        }
        if (op instanceof Rope r) {
            return List.of(new Rope(n + ".bwd", 2 * r.tokens(), r.width(), r.headDim(), r.precision()));
        }
        if (op instanceof Embedding e) {
            return List.of(new Embedding(n + ".bwd", 2 * e.tokens(), e.hidden(), e.vocab(), e.precision()));
        }
        if (op instanceof AllReduce r) {
            return List.of(new AllReduce(n + ".bwd", r.payloadBytes(), r.groupSize()));
        }
        if (op instanceof AllGather g) {
            // The gradient of a gather is a reduce-scatter of the same buffer: costed as an all-gather's traffic.
            return List.of(new AllGather(n + ".bwd", g.payloadBytes(), g.groupSize()));
        }
        throw new IllegalArgumentException(n + ": " + op.kind().id() + " has no backward");
    }
}
