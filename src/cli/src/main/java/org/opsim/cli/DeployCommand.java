package org.opsim.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.deploy.Capacity;
import org.opsim.deploy.Deployment;
import org.opsim.deploy.DeploymentModel;
import org.opsim.deploy.DeploymentResult;
import org.opsim.deploy.SystemProfile;
import org.opsim.deploy.Tco;
import org.opsim.graph.Precision;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim deploy}: a model on a multi-chip system: memory per chip, minimum chips, speed and $ per million tokens. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Cost a Hugging Face model on a multi-chip system file (hardware-profiles/systems/): memory per chip, "
                + "the minimum chips that hold it, step latency, throughput, and $ per million tokens rented vs owned (TCO).")
final class DeployCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model", "-c", "--config"}, required = true, paramLabel = "MODEL",
            description = "a bundled model (llama-3.1-70b) or a model file that takes a workload (a Hugging Face config.json)")
    String model;

    @Option(names = "--system", required = true, paramLabel = "SYSTEM",
            description = "a bundled system (nvidia-hgx-h100-8; see opsim profiles) or a system file")
    String system;

    @Option(names = "--profiles", paramLabel = "DIR", description = "add the profiles and systems in DIR to the catalogue")
    Path profileDir;

    @Option(names = "--stack", paramLabel = "STACK",
            description = "the software stack the system's chips run (a name, name@version or a stack file; "
                    + "default: the chip vendor's, as in compare)")
    String stack;

    @Option(names = "--phase", defaultValue = "decode", description = "prefill, decode, generation or training (default: ${DEFAULT-VALUE})")
    String phase;

    @Option(names = "--batch", defaultValue = "16", description = "sequences per replica (default: ${DEFAULT-VALUE})")
    long batch;

    @Option(names = {"--context", "--prompt"}, defaultValue = "4096",
            description = "context (decode) or prompt/sequence length (default: ${DEFAULT-VALUE})")
    long context;

    @Option(names = "--generate", defaultValue = "0", description = "new tokens of a generation")
    long generate;

    @Option(names = "--precision", defaultValue = "bf16", description = "weights, activations and KV cache (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--tp", description = "tensor-parallel degree (default: the minimum-chips deployment's)")
    Integer tp;

    @Option(names = "--pp", description = "pipeline-parallel degree (default: the minimum-chips deployment's)")
    Integer pp;

    @Option(names = "--dp", defaultValue = "1", description = "data-parallel replicas (default: ${DEFAULT-VALUE})")
    int dp;

    @Option(names = "--ep", defaultValue = "1", description = "expert-parallel degree (default: ${DEFAULT-VALUE})")
    int ep;

    @Option(names = "--micro-batches", description = "pipeline micro-batches (default: PP when it divides the batch, else 1)")
    Integer microBatches;

    @Option(names = "--nre-usd", description = "a custom ASIC's non-recurring engineering cost: prints its break-even volume")
    Double nreUsd;

    @Option(names = "--unit-cost-usd", description = "the ASIC's manufacturing cost per chip (with --nre-usd)")
    Double unitCostUsd;

    @Option(names = "--versus", paramLabel = "SYSTEM", description = "GPU system to break even against (with --nre-usd; needs capex and opex)")
    String versus;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Catalogue catalogue = Inputs.catalogue(profileDir);
        Model m = catalogue.parametricModel(this.model, "deploy");
        Workload w = workload();
        SystemProfile s = onStack(catalogue, catalogue.system(system));
        var out = spec.commandLine().getOut();
        out.println(m.name() + ", " + m.describe(w));
        out.println("system: " + s.name() + " (" + s.chips() + " chips of " + s.chip().name() + ", "
                + Capacity.gb(s.chip().memory().capacityBytes().value()) + " GB each)");
        out.println("stack: " + s.chip().stack().map(x -> x.id()).orElse("none"));
        Capacity.Minimum min = Capacity.minimumChips(m, w, s);
        out.println("minimum: " + min.chips() + " chip(s), TP " + min.tp() + ", PP " + min.pp());
        int tpDegree = tp != null ? tp : (pp != null ? 1 : min.tp());
        int ppDegree = pp != null ? pp : (tp != null ? 1 : min.pp());
        int micro = microBatches != null ? microBatches : (w.batch() % ppDegree == 0 ? ppDegree : 1);
        Deployment d = new Deployment(s, tpDegree, ppDegree, dp, ep, micro);
        DeploymentResult r = DeploymentModel.evaluate(m, w, d);
        out.println("deployment: " + d.describe());
        var f = r.perChip();
        out.println("memory per chip: " + Capacity.gb(f.totalBytes()) + " GB (weights " + Capacity.gb(f.weightsBytes())
                + ", KV " + Capacity.gb(f.kvCacheBytes()) + ", activations " + Capacity.gb(f.activationBytes())
                + (f.trainingStateBytes() > 0 ? ", training state " + Capacity.gb(f.trainingStateBytes()) : "") + ")");
        out.println(String.format(Locale.ROOT, "step: %s ms (collectives and hand-offs %s ms, pipeline bubble %.0f%%)",
                Numbers.sig(r.stepSeconds() * 1e3), Numbers.sig(r.collectiveSeconds() * 1e3), 100 * r.bubbleFraction()));
        out.println("throughput: " + Numbers.sig(r.tokensPerSecond()) + " tokens/s; " + Numbers.sig(r.averageWattsPerChip())
                + " W per chip on average");
        out.println(String.format(Locale.ROOT, "$ per million tokens: cloud %s at $%s per chip-hour", Numbers.sig(r.cloudUsdPerMillionTokens()),
                Numbers.sig(s.cloudUsdPerChipHour())));
        r.tcoUsdPerMillionTokens().ifPresentOrElse(
                t -> out.println("$ per million tokens: owned (TCO) " + Numbers.sig(t)),
                () -> out.println("$ per million tokens: owned (TCO) n/a (the system file has no capex and opex)"));
        if (nreUsd != null) {
            breakEven(out, catalogue, m, w, r, s);
        }
        out.flush();
        return 0;
    }

    private void breakEven(java.io.PrintWriter out, Catalogue catalogue, Model model, Workload w, DeploymentResult asic,
                           SystemProfile s) {
        if (unitCostUsd == null || versus == null) {
            throw new IllegalArgumentException("--nre-usd needs --unit-cost-usd and --versus");
        }
        SystemProfile gpu = onStack(catalogue, catalogue.system(versus));
        Capacity.Minimum gmin = Capacity.minimumChips(model, w, gpu);
        DeploymentResult g = DeploymentModel.evaluate(model, w, new Deployment(gpu, gmin.tp(), gmin.pp(), dp, 1, 1));
        if (g.tcoUsdPerMillionTokens().isEmpty() || s.capex().isEmpty() || s.opex().isEmpty()) {
            throw new IllegalArgumentException("break-even needs capex and opex in both system files");
        }
        double afford = Tco.affordableChipPriceUsd(g.tcoUsdPerMillionTokens().getAsDouble(), s.capex().get(), s.opex().get(),
                asic.averageWattsPerChip(), asic.deployment().chips(), asic.stepSeconds(), asic.tokensPerStep());
        OptionalDouble v = Tco.breakEvenVolume(nreUsd, unitCostUsd, afford);
        out.println("versus " + gpu.name() + " (stack " + gpu.chip().stack().map(x -> x.id()).orElse("none") + "): TCO " + Numbers.sig(g.tcoUsdPerMillionTokens().getAsDouble())
                + " $/M tokens; the ASIC matches it at a chip price of $" + Numbers.sig(afford));
        out.println(v.isPresent() ? "break-even volume: " + Numbers.sig(v.getAsDouble()) + " chips (NRE $" + Numbers.sig(nreUsd)
                + ", unit cost $" + Numbers.sig(unitCostUsd) + ")" : "break-even volume: never (the unit cost alone exceeds $" + Numbers.sig(afford) + ")");
    }

    /** The system's chip under --stack, else its own stack, else its vendor's default (Inputs.withStack). */
    private SystemProfile onStack(Catalogue c, SystemProfile s) {
        return s.withChip(Inputs.withStack(c, s.chip(), stack));
    }

    private Workload workload() {
        Precision p = Precision.parse(precision);
        Workload w = switch (Workload.Phase.parse(phase)) {
            case PREFILL -> Workload.prefill(batch, context);
            case DECODE -> Workload.decode(batch, context);
            case GENERATION -> Workload.generation(batch, context, generate);
            case TRAINING -> Workload.training(batch, context);
        };
        return w.withPrecision(p);
    }
}
