package org.opsim.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the subgraphs exporters emit for operators ONNX (at their opset) lacks, so each becomes one
 * opsim op: decomposed LayerNorm and RMSNorm, erf- and tanh-GELU, SiLU as {@code x·sigmoid(x)}, and
 * a bias Add right after a weight MatMul (folded into it). A subgraph is fused only if nothing
 * outside it reads its intermediate tensors, so fusing never hides work.
 */
final class Patterns {

    /** The opsim op a fused subgraph becomes. */
    enum Kind { LAYER_NORM, RMS_NORM, GELU, SILU }

    /**
     * One fused subgraph.
     *
     * @param output the node whose output is the subgraph's result (the op is emitted there)
     * @param members every node of the subgraph, output included
     * @param input the tensor the subgraph normalises or activates
     */
    record Fusion(Kind kind, OnnxNode output, Set<OnnxNode> members, String input) {
        /** A name for the fused op: the members' common name prefix up to a '/', else the output's name. */
        String name() {
            String prefix = null;
            for (OnnxNode m : members) {
                String n = m.proto.getName();
                if (n.isBlank()) {
                    return output.name;
                }
                if (prefix == null) {
                    prefix = n;
                } else {
                    int i = 0;
                    while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) {
                        i++;
                    }
                    prefix = prefix.substring(0, i);
                }
            }
            int slash = prefix == null ? -1 : prefix.lastIndexOf('/');
            String scope = slash > 0 ? prefix.substring(0, slash) : "";
            return scope.isBlank() ? output.name : scope;
        }
    }

    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    private final GraphIndex graph;
    private final Map<String, TensorInfo> infos;
    private final Map<OnnxNode, Fusion> claimed = new HashMap<>();
    private final List<Fusion> fusions = new ArrayList<>();
    private final Map<OnnxNode, OnnxNode> biasAdds = new HashMap<>();

    Patterns(GraphIndex graph, Map<String, TensorInfo> infos) {
        this.graph = graph;
        this.infos = infos;
        for (OnnxNode n : graph.nodes) {
            if (n.opType.equals("ReduceMean") && free(n)) {
                layerNorm(n);
            }
        }
        for (OnnxNode n : graph.nodes) {
            if ((n.opType.equals("Pow") || n.opType.equals("Mul")) && free(n)) {
                rmsNorm(n);
            }
        }
        for (OnnxNode n : graph.nodes) {
            if (n.opType.equals("Erf") && free(n)) {
                erfGelu(n);
            } else if (n.opType.equals("Tanh") && free(n)) {
                tanhGelu(n);
            } else if (n.opType.equals("Sigmoid") && free(n)) {
                silu(n);
            }
        }
        for (OnnxNode n : graph.nodes) {
            if (n.opType.equals("Add") && free(n)) {
                biasAdd(n);
            }
        }
    }

    List<Fusion> fusions() {
        return fusions;
    }

    /** The fusion a node belongs to, or null. */
    Fusion fusionOf(OnnxNode n) {
        return claimed.get(n);
    }

    /** For a bias Add folded into the MatMul before it, that MatMul; else null. */
    OnnxNode biasOf(OnnxNode add) {
        return biasAdds.get(add);
    }

    // ---- patterns ----------------------------------------------------------------------------

    /** mean → x−mean → (·)² → mean → +ε → √ → ÷ (or ·1/√) → [·γ] → [+β]. */
    private void layerNorm(OnnxNode r1) {
        String x = r1.input(0);
        if (!runtime(x) || !lastAxisMean(r1, infos.get(x))) {
            return;
        }
        OnnxNode s = sole(r1, "Sub");
        if (s == null || !s.input(0).equals(x) || !s.input(1).equals(r1.output(0))) {
            return;
        }
        String d = s.output(0);
        List<OnnxNode> uses = graph.consumers(d);
        if (graph.isGraphOutput(d) || uses.size() != 2) {
            return;
        }
        OnnxNode p = null;
        OnnxNode v = null;
        for (OnnxNode u : uses) {
            if (isSquare(u, d)) {
                p = u;
            } else {
                v = u;
            }
        }
        if (p == null || v == null || !free(p) || !free(v)) {
            return;
        }
        OnnxNode r2 = sole(p, "ReduceMean");
        if (r2 == null || !lastAxisMean(r2, infos.get(d))) {
            return;
        }
        OnnxNode a = sole(r2, "Add");
        if (a == null || !constant(other(a, r2.output(0)))) {
            return;
        }
        OnnxNode q = sole(a, "Sqrt");
        if (q == null) {
            return;
        }
        Set<OnnxNode> members = new LinkedHashSet<>(List.of(r1, s, p, r2, a, q));
        OnnxNode next = sole(q, null);
        if (next == v && v.opType.equals("Div") && v.input(0).equals(d) && v.input(1).equals(q.output(0))) {
            members.add(v);
        } else if (next != null && next.opType.equals("Reciprocal") && sole(next, "Mul") == v
                && d.equals(other(v, next.output(0)))) {
            members.add(next);
            members.add(v);
        } else {
            return;
        }
        claim(Kind.LAYER_NORM, affine(v, members), members, x);
    }

    /** x² → mean → +ε → √ → x÷√ (or x·1/√) → [·γ]. */
    private void rmsNorm(OnnxNode p) {
        String x = p.input(0);
        if (!isSquare(p, x) || !runtime(x)) {
            return;
        }
        OnnxNode r = sole(p, "ReduceMean");
        if (r == null || !lastAxisMean(r, infos.get(x))) {
            return;
        }
        OnnxNode a = sole(r, "Add");
        if (a == null || !constant(other(a, r.output(0)))) {
            return;
        }
        OnnxNode q = sole(a, "Sqrt");
        if (q == null) {
            return;
        }
        Set<OnnxNode> members = new LinkedHashSet<>(List.of(p, r, a, q));
        OnnxNode next = sole(q, null);
        OnnxNode v;
        if (next != null && next.opType.equals("Div") && next.input(0).equals(x) && next.input(1).equals(q.output(0))) {
            v = next;
        } else if (next != null && (next.opType.equals("Reciprocal")
                || next.opType.equals("Div") && next.input(1).equals(q.output(0)) && near(next.input(0), 1))) {
            members.add(next);
            v = sole(next, "Mul");
            if (v == null || !x.equals(other(v, next.output(0)))) {
                return;
            }
        } else {
            return;
        }
        members.add(v);
        OnnxNode end = v;
        OnnxNode g = sole(v, "Mul");
        if (g != null && constant(other(g, v.output(0)))) {
            members.add(g);
            end = g;
        }
        claim(Kind.RMS_NORM, end, members, x);
    }

    /** x ÷ √2 (or · 1/√2) → erf → +1 → then the 0.5·x·(…) tail in any order. */
    private void erfGelu(OnnxNode e) {
        OnnxNode pre = graph.producer(e.input(0));
        if (pre == null || !free(pre) || sole(pre, "Erf") != e) {
            return;
        }
        String x;
        if (pre.opType.equals("Div") && near(pre.input(1), SQRT2)) {
            x = pre.input(0);
        } else if (pre.opType.equals("Mul") && near(pre.input(1), 1 / SQRT2)) {
            x = pre.input(0);
        } else if (pre.opType.equals("Mul") && near(pre.input(0), 1 / SQRT2)) {
            x = pre.input(1);
        } else {
            return;
        }
        OnnxNode a = sole(e, "Add");
        if (!runtime(x) || a == null || !near(other(a, e.output(0)), 1)) {
            return;
        }
        tail(x, a, new LinkedHashSet<>(List.of(pre, e, a)));
    }

    /** x + 0.044715·x³ → ·√(2/π) → tanh → +1 → then the 0.5·x·(…) tail in any order. */
    private void tanhGelu(OnnxNode t) {
        OnnxNode pre = graph.producer(t.input(0));
        if (pre == null || !pre.opType.equals("Mul") || !free(pre) || sole(pre, "Tanh") != t) {
            return;
        }
        String inner = near(pre.input(1), SQRT_2_OVER_PI) ? pre.input(0)
                : near(pre.input(0), SQRT_2_OVER_PI) ? pre.input(1) : null;
        OnnxNode u = inner == null ? null : graph.producer(inner);
        if (u == null || !u.opType.equals("Add") || !free(u) || sole(u, "Mul") != pre) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            String x = u.input(i);
            OnnxNode w = graph.producer(u.input(1 - i));
            if (w == null || !w.opType.equals("Mul") || !free(w) || sole(w, "Add") != u) {
                continue;
            }
            String cube = near(w.input(1), GELU_CUBIC) ? w.input(0) : near(w.input(0), GELU_CUBIC) ? w.input(1) : null;
            Set<OnnxNode> cubeNodes = cube == null ? null : cube(cube, x, w);
            if (cubeNodes == null || !runtime(x)) {
                continue;
            }
            OnnxNode a = sole(t, "Add");
            if (a == null || !near(other(a, t.output(0)), 1)) {
                return;
            }
            Set<OnnxNode> members = new LinkedHashSet<>(cubeNodes);
            members.addAll(List.of(w, u, pre, t, a));
            tail(x, a, members);
            return;
        }
    }

    /** The nodes computing {@code cube = x³} (Pow(x, 3), x·(x·x) or (x·x)·x), read only by {@code user}; else null. */
    private Set<OnnxNode> cube(String cube, String x, OnnxNode user) {
        OnnxNode c = graph.producer(cube);
        if (c == null || !free(c) || sole(c, null) != user) {
            return null;
        }
        if (c.opType.equals("Pow") && c.input(0).equals(x) && near(c.input(1), 3)) {
            return Set.of(c);
        }
        if (c.opType.equals("Mul")) {
            String o = other(c, x);
            OnnxNode sq = o == null ? null : graph.producer(o);
            if (sq != null && free(sq) && isSquare(sq, x) && sole(sq, null) == c) {
                return Set.of(c, sq);
            }
        }
        return null;
    }

    /** The end of both GELU forms: {@code a = 1 + f(x)}, then (x·a)·0.5, (a·0.5)·x, or (0.5·x)·a. */
    private void tail(String x, OnnxNode a, Set<OnnxNode> members) {
        OnnxNode m1 = sole(a, "Mul");
        if (m1 == null) {
            return;
        }
        String o = other(m1, a.output(0));
        if (x.equals(o)) {
            OnnxNode m2 = sole(m1, "Mul");
            if (m2 != null && near(other(m2, m1.output(0)), 0.5)) {
                members.addAll(List.of(m1, m2));
                claim(Kind.GELU, m2, members, x);
            }
        } else if (near(o, 0.5)) {
            OnnxNode m2 = sole(m1, "Mul");
            if (m2 != null && x.equals(other(m2, m1.output(0)))) {
                members.addAll(List.of(m1, m2));
                claim(Kind.GELU, m2, members, x);
            }
        } else {
            OnnxNode h = o == null ? null : graph.producer(o);
            if (h != null && h.opType.equals("Mul") && free(h) && sole(h, "Mul") == m1 && near(other(h, x), 0.5)) {
                members.addAll(List.of(h, m1));
                claim(Kind.GELU, m1, members, x);
            }
        }
    }

    /** x · sigmoid(x). */
    private void silu(OnnxNode s) {
        String x = s.input(0);
        OnnxNode m = sole(s, "Mul");
        if (m != null && runtime(x) && x.equals(other(m, s.output(0)))) {
            claim(Kind.SILU, m, new LinkedHashSet<>(List.of(s, m)), x);
        }
    }

    /** MatMul(x, W) + b, with b a constant of one value per output column: the bias of a linear layer. */
    private void biasAdd(OnnxNode add) {
        for (int i = 0; i < 2; i++) {
            OnnxNode mm = graph.producer(add.input(i));
            TensorInfo b = infos.get(add.input(1 - i));
            TensorInfo y = infos.get(add.input(i));
            if (mm != null && OpMapper.isWeightMatMul(mm, infos) && sole(mm, null) == add
                    && b != null && b.constant() && b.known() && y != null && y.known() && y.rank() > 0
                    && b.elements() == y.dim(-1) && (b.rank() == 0 || b.dim(-1) == y.dim(-1))) {
                biasAdds.put(add, mm);
                return;
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void claim(Kind kind, OnnxNode output, Set<OnnxNode> members, String input) {
        for (OnnxNode m : members) {
            if (!free(m)) {
                return;
            }
        }
        Fusion f = new Fusion(kind, output, Set.copyOf(members), input);
        for (OnnxNode m : members) {
            claimed.put(m, f);
        }
        fusions.add(f);
    }

    /** Extends a normalisation by the ·γ and +β that follow it, if they do. */
    private OnnxNode affine(OnnxNode v, Set<OnnxNode> members) {
        OnnxNode end = v;
        OnnxNode g = sole(end, "Mul");
        if (g != null && constant(other(g, end.output(0)))) {
            members.add(g);
            end = g;
        }
        OnnxNode b = sole(end, "Add");
        if (b != null && constant(other(b, end.output(0)))) {
            members.add(b);
            end = b;
        }
        return end;
    }

    private boolean free(OnnxNode n) {
        return !claimed.containsKey(n) && n.domain().isEmpty();
    }

    /** The single reader of a node's first output, if it is of {@code opType} (any type when null), unclaimed, and the output is not a graph output. */
    private OnnxNode sole(OnnxNode n, String opType) {
        String out = n.output(0);
        List<OnnxNode> uses = graph.consumers(out);
        if (graph.isGraphOutput(out) || uses.size() != 1) {
            return null;
        }
        OnnxNode u = uses.get(0);
        return (opType == null || u.opType.equals(opType)) && free(u) ? u : null;
    }

    /** The input of a two-input node other than {@code t}; {@code t} itself for {@code op(t, t)}; null if t is not an input. */
    private static String other(OnnxNode n, String t) {
        if (n.inputCount() != 2) {
            return null;
        }
        if (n.input(0).equals(t)) {
            return n.input(1);
        }
        return n.input(1).equals(t) ? n.input(0) : null;
    }

    private boolean isSquare(OnnxNode n, String x) {
        return n.inputCount() == 2 && n.input(0).equals(x)
                && (n.opType.equals("Pow") && near(n.input(1), 2) || n.opType.equals("Mul") && n.input(1).equals(x));
    }

    private boolean lastAxisMean(OnnxNode r, TensorInfo x) {
        if (x == null || !x.known() || x.rank() == 0 || r.attrInt("keepdims", 1) == 0) {
            return false;
        }
        long[] axes = r.attrInts("axes");
        if (r.inputCount() > 1 && !r.input(1).isEmpty()) {
            TensorInfo a = infos.get(r.input(1));
            axes = a == null || a.value() == null ? null : a.value().intArray();
        }
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == x.rank() - 1);
    }

    private boolean constant(String t) {
        TensorInfo i = t == null ? null : infos.get(t);
        return i != null && i.constant();
    }

    private boolean runtime(String t) {
        TensorInfo i = t == null ? null : infos.get(t);
        return i != null && !i.constant() && i.known();
    }

    /** Whether every element of a known constant is within 0.2 % of {@code target} (fp16 rounds these). */
    private boolean near(String t, double target) {
        TensorInfo i = t == null ? null : infos.get(t);
        if (i == null || i.value() == null || i.value().size() == 0) {
            return false;
        }
        for (int k = 0; k < i.value().size(); k++) {
            if (Math.abs(i.value().real(k) - target) > 2e-3 * Math.abs(target)) {
                return false;
            }
        }
        return true;
    }
}
