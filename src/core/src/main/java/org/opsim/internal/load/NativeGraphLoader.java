package org.opsim.internal.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.opsim.graph.AllGather;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Attention;
import org.opsim.graph.CausalConv1d;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Indexer;
import org.opsim.graph.LinearAttention;
import org.opsim.graph.MoeDispatch;
import org.opsim.graph.SelectiveScan;
import org.opsim.graph.TopK;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.Block;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.Graph;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.OptimizerUpdate;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.Silu;
import org.opsim.graph.SiluAndMul;
import org.opsim.graph.Softmax;
import org.opsim.graph.Stage;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.io.InputException;
import org.opsim.model.GraphFile;

/**
 * Reads opsim's own graph files (JSON or YAML; format in {@code docs/model-format.md}): named blocks
 * with a repeat count, each a list of ops given by kind and shapes. Errors name the file and path.
 */
public final class NativeGraphLoader {

    private NativeGraphLoader() {
    }

    public static GraphFile load(Path file) {
        return read(Documents.read(file));
    }

    public static GraphFile parse(String text, Documents.Format format, String label) {
        return read(Documents.parse(text, format, label));
    }

    static GraphFile read(Node root) {
        root.allowOnly("name", "description", "source", "precision", "tokensPerExecution", "blocks");
        String name = root.field("name").text();
        root.optional("description").ifPresent(Node::text);
        Optional<String> source = root.optional("source").map(Node::text);
        Optional<Precision> defaultPrecision = root.optional("precision").map(n -> n.parse(Precision::parse));
        OptionalLong tokens = root.optional("tokensPerExecution")
                .map(n -> OptionalLong.of(n.whole())).orElse(OptionalLong.empty());
        Node blocksNode = root.field("blocks");
        List<Node> blockNodes = blocksNode.elements();
        if (blockNodes.isEmpty()) {
            throw blocksNode.error("needs at least one block");
        }
        List<Block> blocks = new ArrayList<>();
        for (Node b : blockNodes) {
            b.allowOnly("name", "stage", "repeat", "ops");
            String blockName = b.field("name").text();
            Stage stage = b.optional("stage").map(n -> n.parse(Stage::parse)).orElse(Stage.FORWARD);
            long repeat = b.optional("repeat").map(Node::whole).orElse(1L);
            Node opsNode = b.field("ops");
            List<Node> opNodes = opsNode.elements();
            if (opNodes.isEmpty()) {
                throw opsNode.error("needs at least one op");
            }
            List<Op> ops = new ArrayList<>();
            for (Node o : opNodes) {
                ops.add(op(o, defaultPrecision));
            }
            blocks.add(b.build(() -> new Block(blockName, stage, repeat, ops)));
        }
        Graph graph = root.build(() -> new Graph(name, blocks));
        return root.build(() -> new GraphFile(graph, tokens, source));
    }

    private static Op op(Node o, Optional<Precision> defaultPrecision) {
        o.requireObject();
        OpKind kind = o.field("kind").parse(OpKind::parse);
        String name = o.optional("name").map(Node::text).orElse(kind.id());
        return switch (kind) {
            case MATMUL -> {
                o.allowOnly("kind", "name", "m", "n", "k", "groups", "precision", "activationPrecision",
                        "weightPrecision", "outputPrecision");
                long m = o.field("m").whole();
                long n = o.field("n").whole();
                long k = o.field("k").whole();
                Precision base = o.optional("precision").map(p -> p.parse(Precision::parse)).orElse(null);
                Precision act = operand(o, "activationPrecision", base, defaultPrecision);
                Precision w = operand(o, "weightPrecision", base, defaultPrecision);
                Precision out = operand(o, "outputPrecision", base, defaultPrecision);
                if (o.has("groups")) {
                    long groups = o.field("groups").whole();
                    yield o.build(() -> new GroupedMatMul(name, m, n, k, groups, act, w, out));
                }
                yield o.build(() -> new MatMul(name, m, n, k, act, w, out));
            }
            case BATCHED_MATMUL -> {
                o.allowOnly("kind", "name", "batch", "m", "n", "k", "precision");
                long batch = o.field("batch").whole();
                long m = o.field("m").whole();
                long n = o.field("n").whole();
                long k = o.field("k").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new BatchedMatMul(name, batch, m, n, k, p));
            }
            case SOFTMAX -> {
                o.allowOnly("kind", "name", "rows", "cols", "precision");
                long rows = o.field("rows").whole();
                long cols = o.field("cols").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new Softmax(name, rows, cols, p));
            }
            case LAYERNORM, RMSNORM -> {
                o.allowOnly("kind", "name", "rows", "hidden", "precision");
                long rows = o.field("rows").whole();
                long hidden = o.field("hidden").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> kind == OpKind.LAYERNORM ? new LayerNorm(name, rows, hidden, p)
                        : new RmsNorm(name, rows, hidden, p));
            }
            case GELU, SILU, ADD, MUL -> {
                o.allowOnly("kind", "name", "elements", "precision");
                long elements = o.field("elements").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> switch (kind) {
                    case GELU -> new Gelu(name, elements, p);
                    case SILU -> new Silu(name, elements, p);
                    default -> new Elementwise(name, kind, elements, p);
                });
            }
            case SILU_AND_MUL -> {
                o.allowOnly("kind", "name", "rows", "cols", "precision");
                long rows = o.field("rows").whole();
                long cols = o.field("cols").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new SiluAndMul(name, rows, cols, p));
            }
            case ROPE -> {
                o.allowOnly("kind", "name", "tokens", "width", "headDim", "precision");
                long tokens = o.field("tokens").whole();
                long width = o.field("width").whole();
                long headDim = o.field("headDim").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new Rope(name, tokens, width, headDim, p));
            }
            case EMBEDDING -> {
                o.allowOnly("kind", "name", "tokens", "hidden", "vocab", "precision");
                long tokens = o.field("tokens").whole();
                long hidden = o.field("hidden").whole();
                long vocab = o.field("vocab").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new Embedding(name, tokens, hidden, vocab, p));
            }
            case ATTENTION -> {
                o.allowOnly("kind", "name", "batch", "queryHeads", "kvHeads", "queryLength", "kvLength", "headDim",
                        "valueHeadDim", "sharedKv", "causal", "form", "pass", "precision", "kvPrecision", "limit", "keyLimit",
                        "sinks", "stride");
                long batch = o.field("batch").whole();
                long qh = o.field("queryHeads").whole();
                long kvh = o.optional("kvHeads").map(Node::whole).orElse(qh);
                long ql = o.field("queryLength").whole();
                long kvl = o.field("kvLength").whole();
                long d = o.field("headDim").whole();
                long dv = o.optional("valueHeadDim").map(Node::whole).orElse(d);
                boolean shared = o.optional("sharedKv").map(Node::bool).orElse(false);
                boolean causal = o.optional("causal").map(Node::bool).orElse(true);
                Attention.Form form = o.optional("form").map(f -> f.parse(Attention.Form::parse)).orElse(Attention.Form.FLASH);
                Attention.Pass pass = o.optional("pass").map(f -> f.parse(Attention.Pass::parse)).orElse(Attention.Pass.FORWARD);
                Precision p = precision(o, defaultPrecision);
                Precision kvp = o.optional("kvPrecision").map(n -> n.parse(Precision::parse)).orElse(p);
                Attention.Limit limit = o.optional("limit").map(f -> f.parse(Attention.Limit::parse)).orElse(Attention.Limit.NONE);
                long keyLimit = o.optional("keyLimit").map(Node::whole).orElse(0L);
                boolean sinks = o.optional("sinks").map(Node::bool).orElse(false);
                long stride = o.optional("stride").map(Node::whole).orElse(1L);
                yield o.build(() -> new Attention(name, batch, qh, kvh, ql, kvl, d, dv, shared, causal, form, pass, p, kvp,
                        limit, keyLimit, sinks, stride));
            }
            case LINEAR_ATTENTION -> {
                o.allowOnly("kind", "name", "batch", "tokens", "keyHeads", "valueHeads", "keyDim", "valueDim", "chunk",
                        "precision", "statePrecision", "carriedState");
                long batch = o.field("batch").whole();
                long tokens = o.field("tokens").whole();
                long kh = o.field("keyHeads").whole();
                long vh = o.optional("valueHeads").map(Node::whole).orElse(kh);
                long dk = o.field("keyDim").whole();
                long dv = o.optional("valueDim").map(Node::whole).orElse(dk);
                long chunk = o.optional("chunk").map(Node::whole).orElse(64L);
                Precision p = precision(o, defaultPrecision);
                Precision sp = o.optional("statePrecision").map(n -> n.parse(Precision::parse)).orElse(Precision.FP32);
                boolean carried = o.optional("carriedState").map(Node::bool).orElse(false);
                yield o.build(() -> new LinearAttention(name, batch, tokens, kh, vh, dk, dv, chunk, p, sp, carried));
            }
            case SSM_SCAN -> {
                o.allowOnly("kind", "name", "batch", "tokens", "heads", "headDim", "stateSize", "groups", "chunk",
                        "precision", "statePrecision", "carriedState");
                long batch = o.field("batch").whole();
                long tokens = o.field("tokens").whole();
                long heads = o.field("heads").whole();
                long hd = o.field("headDim").whole();
                long n = o.field("stateSize").whole();
                long groups = o.optional("groups").map(Node::whole).orElse(1L);
                long chunk = o.optional("chunk").map(Node::whole).orElse(256L);
                Precision p = precision(o, defaultPrecision);
                Precision sp = o.optional("statePrecision").map(x -> x.parse(Precision::parse)).orElse(Precision.FP32);
                boolean carried = o.optional("carriedState").map(Node::bool).orElse(false);
                yield o.build(() -> new SelectiveScan(name, batch, tokens, heads, hd, n, groups, chunk, p, sp, carried));
            }
            case CONV1D -> {
                o.allowOnly("kind", "name", "batch", "tokens", "channels", "kernel", "precision", "carriedState");
                long batch = o.field("batch").whole();
                long tokens = o.field("tokens").whole();
                long ch = o.field("channels").whole();
                long kernel = o.field("kernel").whole();
                Precision p = precision(o, defaultPrecision);
                boolean carried = o.optional("carriedState").map(Node::bool).orElse(false);
                yield o.build(() -> new CausalConv1d(name, batch, tokens, ch, kernel, p, carried));
            }
            case TOPK -> {
                o.allowOnly("kind", "name", "rows", "cols", "k", "precision");
                long rows = o.field("rows").whole();
                long cols = o.field("cols").whole();
                long k = o.field("k").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new TopK(name, rows, cols, k, p));
            }
            case MOE_DISPATCH -> {
                o.allowOnly("kind", "name", "direction", "tokens", "k", "hidden", "precision");
                MoeDispatch.Direction dir = o.field("direction").parse(MoeDispatch.Direction::parse);
                long tokens = o.field("tokens").whole();
                long k = o.field("k").whole();
                long hidden = o.field("hidden").whole();
                Precision p = precision(o, defaultPrecision);
                yield o.build(() -> new MoeDispatch(name, dir, tokens, k, hidden, p));
            }
            case INDEXER -> {
                o.allowOnly("kind", "name", "batch", "heads", "queryLength", "kvLength", "headDim", "precision",
                        "keyPrecision");
                long batch = o.field("batch").whole();
                long heads = o.field("heads").whole();
                long ql = o.field("queryLength").whole();
                long kvl = o.field("kvLength").whole();
                long d = o.field("headDim").whole();
                Precision p = precision(o, defaultPrecision);
                Precision kp = o.optional("keyPrecision").map(x -> x.parse(Precision::parse)).orElse(p);
                yield o.build(() -> new Indexer(name, batch, heads, ql, kvl, d, p, kp));
            }
            case CUSTOM -> {
                o.allowOnly("kind", "name", "supportKey", "engine", "matrixFlops", "vectorFlops", "bytes", "precision",
                        "efficiency", "parallelRows");
                String key = o.field("supportKey").text();
                double mf = o.optional("matrixFlops").map(Node::nonNegative).orElse(0.0);
                double vf = o.optional("vectorFlops").map(Node::nonNegative).orElse(0.0);
                double bytes = o.field("bytes").nonNegative();
                Engine engine = o.optional("engine").map(x -> x.parse(Engine::parse))
                        .orElse(mf > 0 ? Engine.MATRIX : Engine.VECTOR);
                Precision p = precision(o, defaultPrecision);
                double eff = o.optional("efficiency").map(Node::number).orElse(0.0);
                long rows = o.optional("parallelRows").map(Node::whole).orElse(Long.MAX_VALUE);
                yield o.build(() -> new CustomOp(name, key, engine, mf, vf, bytes, p, eff, rows));
            }
            case OPTIMIZER -> {
                o.allowOnly("kind", "name", "parameters", "weightPrecision", "gradientPrecision", "precision");
                long params = o.field("parameters").whole();
                Precision base = o.optional("precision").map(p -> p.parse(Precision::parse)).orElse(null);
                Precision w = operand(o, "weightPrecision", base, defaultPrecision);
                Precision g = operand(o, "gradientPrecision", base, defaultPrecision);
                yield o.build(() -> new OptimizerUpdate(name, params, w, g));
            }
            case ALL_REDUCE, ALL_GATHER -> {
                o.allowOnly("kind", "name", "payloadBytes", "groupSize");
                double bytes = o.field("payloadBytes").number();
                int group = o.field("groupSize").wholeInt();
                yield o.build(() -> kind == OpKind.ALL_REDUCE ? new AllReduce(name, bytes, group)
                        : new AllGather(name, bytes, group));
            }
        };
    }

    private static Precision precision(Node o, Optional<Precision> defaultPrecision) {
        Optional<Node> n = o.optional("precision");
        if (n.isPresent()) {
            return n.get().parse(Precision::parse);
        }
        return defaultPrecision.orElseThrow(() -> new InputException(o.file(), o.path(),
                "missing required field 'precision' (and the graph sets no default 'precision')"));
    }

    private static Precision operand(Node o, String field, Precision base, Optional<Precision> defaultPrecision) {
        Optional<Node> n = o.optional(field);
        if (n.isPresent()) {
            return n.get().parse(Precision::parse);
        }
        if (base != null) {
            return base;
        }
        return defaultPrecision.orElseThrow(() -> new InputException(o.file(), o.path(),
                "missing '" + field + "' (or 'precision', or a graph-wide default 'precision')"));
    }
}
