#!/usr/bin/env python3
"""Chip-physics microbenchmarks for opsim's profiles and stacks, one short run on a lent GPU.

What it measures (each a CSV under --out, plus meta.json; a short table is printed last):
  clocks.csv   SM and memory clock, power and temperature sampled by nvidia-smi while a bf16 GEMM loop
               and a copy loop run (the profiles' clock.sustainedHz under load)
  stream.csv   add (c = a + b, fp16) and copy kernel time against the working set, warm (the same buffers
               call after call: L2-resident when they fit, as an operator timed alone in a loop) and cold
               (the L2 flushed by a 4x-L2 fill between calls): the L2 streaming rate and the DRAM rate
               (the profiles' onChip bandwidth and efficiency, docs/cost-model.md §8.4)
  rowwise.csv  rms_norm, layer_norm and softmax over 8192-wide fp16 rows, 1 row to 16,384 rows through
               1..4x the SM count (row chains and caps, §8.2-§8.3)
  gemm.csv     cuBLAS bf16 GEMM over m (n = k = 8192, and n = 28672, k = 8192) with the kernel names
               the library picked (tile shapes and split-K of a stack's gemmConfigs, §8.6)
  launch.csv   the smallest kernel: eager wall time per call, CUDA-graph replay per call, kernel time
  latency.csv  pointer-chase load latency through L2 (ld.global.cg) over 16 KiB..1 GiB, idle and under
               a concurrent copy (the profiles' memory and L2 latencySeconds)

Timing: kernel durations from torch.profiler (CUPTI), the method of the Vidur rows in shared/validation/
(docs/validation/datasets.yaml); medians over repeats. Measures the card as it is found: it changes no
clock, power or mode setting.

Run through the device tool from the repository root (about two minutes on an H100):
    python3 benchmarks/device/chip_physics.py --out "$OUT"
Results go to docs/validation/<chip>-physics-<date>.md with the CSVs, never into ../shared/.
Prepared before any device was lent to this project: not yet run on a GPU (docs/validation/README.md).
"""

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import time
import traceback

import torch

DEV = "cuda"


def kernel_times_us(fn, calls, names=None):
    """Per-call device time of fn (µs): the kernels' CUPTI durations summed per call, median over calls.

    With names, only kernels whose name is in names count (to drop a flush kernel between calls).
    Returns (median µs, kernels per call, sorted kernel names)."""
    from torch.profiler import ProfilerActivity, profile

    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
    kernels = []
    for e in prof.events():
        if e.device_type != torch.autograd.DeviceType.CUDA:
            continue
        if names is not None and e.name not in names:
            continue
        kernels.append((e.time_range.start, e.time_range.elapsed_us(), e.name))
    kernels.sort()
    if not kernels:
        raise RuntimeError("the profiler recorded no kernel")
    per_call = max(1, len(kernels) // calls)
    sums = [sum(k[1] for k in kernels[i:i + per_call]) for i in range(0, per_call * calls, per_call)]
    # Kernels that are not a whole number per call (a one-off workspace memset, say) are not hidden:
    # the count comes back as a fraction, so the CSV's kernels column shows it.
    count = per_call if len(kernels) == per_call * calls else round(len(kernels) / calls, 3)
    return statistics.median(sums), count, sorted({k[2] for k in kernels})


def graph_time_us(fn, inner=20, replays=20):
    """Per-call time of fn (µs) replayed in a CUDA graph of `inner` calls: no launch gaps."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(inner):
            fn()
    g.replay()
    torch.cuda.synchronize()
    times = []
    for _ in range(replays):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        g.replay()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b) * 1e3 / inner)
    return statistics.median(times)


def smi(fields):
    out = subprocess.run(["nvidia-smi", "--query-gpu=" + ",".join(fields), "--format=csv,noheader,nounits"],
                         capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    return [x.strip() for x in out.split(",")]


def write(path, rows):
    if not rows:
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


def section_clocks(out, summary):
    import threading

    fields = ["clocks.sm", "clocks.mem", "power.draw", "temperature.gpu"]
    rows = [dict(zip(["load"] + fields, ["idle"] + smi(fields)))]
    a = torch.randn(8192, 8192, device=DEV, dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device=DEV, dtype=torch.bfloat16)
    x = torch.randn(256 * 2**20, device=DEV, dtype=torch.float16)
    y = torch.empty_like(x)
    for load, step, n in (("gemm bf16 8192^3", lambda: a @ b, 2500), ("copy 512 MiB", lambda: y.copy_(x), 12000)):
        step()
        torch.cuda.synchronize()
        samples, running = [], threading.Event()
        running.set()

        def sample():
            time.sleep(0.5)
            while running.is_set():
                samples.append(smi(fields))
                time.sleep(0.3)

        t = threading.Thread(target=sample)
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        e0.record()
        t.start()
        for _ in range(n):          # a few seconds of work; the sampler reads nvidia-smi meanwhile
            step()
        e1.record()
        e1.synchronize()
        running.clear()
        t.join()
        ms = e0.elapsed_time(e1)
        for smp in samples[:-1]:    # the last sample may fall after the queue drained
            rows.append(dict(zip(["load"] + fields, [load] + smp)))
        rate = (2 * 8192**3 * n / (ms * 1e-3) / 1e12, "TFLOP/s") if load.startswith("gemm") \
            else (2 * x.numel() * 2 * n / (ms * 1e-3) / 1e12, "TB/s (read + write)")
        rows.append({"load": load + f": achieved {rate[0]:.1f} {rate[1]} over {ms:.0f} ms",
                     fields[0]: "", fields[1]: "", fields[2]: "", fields[3]: ""})
        clocks = [float(smp[0]) for smp in samples[:-1] if smp[0].replace(".", "").isdigit()]
        summary.append(f"{load}: {rate[0]:.1f} {rate[1]}, SM clock under load "
                       f"{statistics.median(clocks) if clocks else float('nan'):.0f} MHz (median of {len(clocks)})")
    write(os.path.join(out, "clocks.csv"), rows)


def section_stream(out, summary, l2_bytes):
    flush = torch.empty(4 * l2_bytes // 4, device=DEV, dtype=torch.float32)
    rows = []
    sizes = sorted({int(2 ** (k / 2)) for k in range(32, 63)})    # 64 KiB .. 2 GiB footprint, x sqrt 2
    for footprint in sizes:
        n = max(1, footprint // 6)                                # add: a, b, c of n fp16 each
        a = torch.randn(n, device=DEV, dtype=torch.float16)
        b = torch.randn(n, device=DEV, dtype=torch.float16)
        c = torch.empty_like(a)
        for op, fn, moved in (("add", lambda: torch.add(a, b, out=c), 6 * n), ("copy", lambda: c.copy_(a), 4 * n)):
            calls = 30 if footprint < 2**28 else 10
            warm, k, names = kernel_times_us(fn, calls)
            # The flush reads (a sum) rather than writes: dirty lines left in L2 would be written back
            # inside the timed op and bias its DRAM rate low.
            cold, _, _ = kernel_times_us(lambda: (flush.sum(), fn()), calls, names=set(names))
            rows.append({"op": op, "footprint_bytes": moved, "l2_bytes": l2_bytes,
                         "warm_us": round(warm, 3), "cold_us": round(cold, 3),
                         "warm_bytes_per_second": moved / (warm * 1e-6), "cold_bytes_per_second": moved / (cold * 1e-6),
                         "kernels": k, "kernel": names[0][:120]})
        del a, b, c
    write(os.path.join(out, "stream.csv"), rows)
    for op in ("add", "copy"):
        fits = [r for r in rows if r["op"] == op and 4 * 2**20 <= r["footprint_bytes"] <= l2_bytes // 2]
        big = [r for r in rows if r["op"] == op and r["footprint_bytes"] >= 8 * l2_bytes]
        if fits and big:
            summary.append(f"{op}: warm L2-resident {max(r['warm_bytes_per_second'] for r in fits) / 1e12:.2f} TB/s, "
                           f"DRAM {statistics.median(r['cold_bytes_per_second'] for r in big) / 1e12:.2f} TB/s")


def section_rowwise(out, summary, sms):
    hidden = 8192
    rows = []
    counts = sorted({1, 2, 4, 8, 16, 32, 64, sms // 2, sms, 3 * sms // 2, 2 * sms, 3 * sms, 4 * sms,
                     1024, 2048, 4096, 8192, 16384})
    w = torch.randn(hidden, device=DEV, dtype=torch.float16)
    bias = torch.randn(hidden, device=DEV, dtype=torch.float16)
    for r in counts:
        x = torch.randn(r, hidden, device=DEV, dtype=torch.float16)
        for op, fn in (("rms_norm", lambda: torch.nn.functional.rms_norm(x, (hidden,), w, 1e-6)),
                       ("layer_norm", lambda: torch.nn.functional.layer_norm(x, (hidden,), w, bias, 1e-5)),
                       ("softmax", lambda: torch.softmax(x, dim=-1))):
            t, k, names = kernel_times_us(fn, 30)
            rows.append({"op": op, "rows": r, "cols": hidden, "sms": sms, "kernel_us": round(t, 3),
                         "bytes_per_second": 2 * 2 * r * hidden / (t * 1e-6), "kernels": k, "kernel": names[0][:120]})
    write(os.path.join(out, "rowwise.csv"), rows)
    one = [r for r in rows if r["op"] == "rms_norm" and r["rows"] == 1]
    full = [r for r in rows if r["op"] == "rms_norm" and r["rows"] == 16384]
    if one and full:
        summary.append(f"rms_norm 8192 wide: 1 row {one[0]['kernel_us']:.2f} us, 16384 rows "
                       f"{full[0]['bytes_per_second'] / 1e12:.2f} TB/s, {one[0]['kernels']} kernel(s) per call")


def section_gemm(out, summary):
    rows = []
    ms = [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 448, 512, 640, 768, 1024, 1536,
          2048, 3072, 4096, 6144, 8192, 16384]
    for n, k in ((8192, 8192), (28672, 8192)):
        wt = torch.randn(n, k, device=DEV, dtype=torch.bfloat16)
        for m in ms:
            x = torch.randn(m, k, device=DEV, dtype=torch.bfloat16)
            fn = lambda: torch.nn.functional.linear(x, wt)
            t, kk, names = kernel_times_us(fn, 10 if m >= 4096 else 20)
            rows.append({"m": m, "n": n, "k": k, "kernel_us": round(t, 3),
                         "tflops": 2 * m * n * k / (t * 1e-6) / 1e12,
                         "weight_bytes_per_second": 2 * n * k / (t * 1e-6), "kernels": kk, "kernel": " + ".join(names)[:240]})
        del wt
    write(os.path.join(out, "gemm.csv"), rows)
    big = [r for r in rows if r["m"] == 16384 and r["n"] == 8192]
    small = [r for r in rows if r["m"] == 1 and r["n"] == 8192]
    if big and small:
        summary.append(f"GEMM 16384x8192x8192 {big[0]['tflops']:.0f} TFLOP/s; m = 1 streams the weights at "
                       f"{small[0]['weight_bytes_per_second'] / 1e12:.2f} TB/s")


def section_launch(out, summary):
    a = torch.randn(1, device=DEV, dtype=torch.float16)
    c = torch.empty_like(a)
    fn = lambda: torch.add(a, a, out=c)
    fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(2000):
        fn()
    torch.cuda.synchronize()
    eager = (time.perf_counter() - t0) / 2000 * 1e6
    graph = graph_time_us(fn, inner=200, replays=20)
    kern, _, names = kernel_times_us(fn, 200)
    rows = [{"what": "eager wall time per call", "us": round(eager, 3)},
            {"what": "CUDA graph replay per call", "us": round(graph, 3)},
            {"what": "kernel time (profiler)", "us": round(kern, 3)},
            {"what": "kernel", "us": names[0][:120]}]
    write(os.path.join(out, "launch.csv"), rows)
    summary.append(f"smallest kernel: eager {eager:.2f} us per call, graph {graph:.2f} us, kernel {kern:.2f} us")


CHASE = r"""
extern "C" __global__ void chase(const unsigned int* __restrict__ next, unsigned int start, int warm, int steps,
                                 unsigned long long* out, unsigned int* sink) {
    unsigned int j = start;
    for (int i = 0; i < warm; ++i) j = __ldcg(next + j);           // warm pass: lines into L2 where they fit
    unsigned long long g0, g1;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(g0));
    long long t0 = clock64();
    for (int i = 0; i < steps; ++i) j = __ldcg(next + j);
    asm volatile("" : "+r"(j) :: "memory");                        // keep the loads before the clock read
    long long t1 = clock64();
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(g1));
    out[0] = (unsigned long long)(t1 - t0);
    out[1] = g1 - g0;
    sink[0] = j;
}
"""


def section_latency(out, summary):
    import cupy as cp
    import numpy as np

    kernel = cp.RawKernel(CHASE, "chase")
    rows = []
    stride = 32                                                    # uint32s: one 128-byte line per hop
    big_x = torch.randn(512 * 2**20, device=DEV, dtype=torch.float16)
    big_y = torch.empty_like(big_x)
    for size in (16 * 2**10, 256 * 2**10, 2**20, 4 * 2**20, 16 * 2**20, 32 * 2**20, 256 * 2**20, 2**30):
        lines = size // (4 * stride)
        order = np.random.default_rng(1).permutation(lines).astype(np.uint32)
        nxt = np.zeros(lines * stride, dtype=np.uint32)
        nxt[order * stride] = np.roll(order, -1) * stride
        d_next = cp.asarray(nxt)
        res = cp.zeros(2, dtype=cp.uint64)
        sink = cp.zeros(1, dtype=cp.uint32)
        warm = int(min(lines, 2**20))                              # the whole cycle where it is not huge
        steps = int(min(max(lines, 20000), 200000))
        for loaded in (False, True):
            kernel((1,), (1,), (d_next, np.uint32(order[0] * stride), np.int32(warm), np.int32(steps), res, sink))
            if loaded:                                             # copies on a side stream keep DRAM busy
                s = torch.cuda.Stream()                            # while the chase (launched first) runs
                with torch.cuda.stream(s):
                    for _ in range(4000 if size >= 2**28 else 1500):
                        big_y.copy_(big_x)
            cp.cuda.Device().synchronize()
            cyc, ns = (int(v) for v in res.get())
            rows.append({"bytes": size, "loaded": loaded, "cycles_per_load": round(cyc / steps, 1),
                         "ns_per_load": round(ns / steps, 1), "implied_clock_mhz": round(cyc / ns * 1e3, 0) if ns else ""})
            torch.cuda.synchronize()
        del d_next
    write(os.path.join(out, "latency.csv"), rows)
    l2 = [r for r in rows if r["bytes"] == 4 * 2**20 and not r["loaded"]]
    dram = [r for r in rows if r["bytes"] == 2**30]
    if l2 and dram:
        summary.append(f"load latency: L2 {l2[0]['cycles_per_load']:.0f} cycles ({l2[0]['ns_per_load']:.0f} ns), "
                       f"DRAM idle {dram[0]['ns_per_load']:.0f} ns, under a copy {dram[1]['ns_per_load']:.0f} ns")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.environ.get("OUT", "physics-out"))
    p.add_argument("--only", default="launch,latency,stream,rowwise,gemm,clocks")
    p.add_argument("--budget", type=float, default=400, help="seconds; sections not begun by then are skipped")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if not torch.cuda.is_available():
        sys.exit("no CUDA device: this script runs on a lent GPU (benchmarks/device/chip_physics.py)")
    props = torch.cuda.get_device_properties(0)
    l2 = int(getattr(props, "L2_cache_size", 0))
    assumed = l2 == 0
    if assumed:                                                    # said in meta.json and the printout
        l2 = 50 * 2**20
    meta = {"device": props.name, "sms": props.multi_processor_count, "l2_bytes": l2, "l2_bytes_assumed": assumed,
            "memory_bytes": props.total_memory, "torch": torch.__version__, "cuda": torch.version.cuda,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "driver": smi(["driver_version"])[0], "script": "benchmarks/device/chip_physics.py"}
    summary, failed = [], {}
    if assumed:
        summary.append("L2 size not reported by torch: 50 MiB assumed (flush size, fit thresholds)")
    sections = {"clocks": lambda: section_clocks(args.out, summary),
                "stream": lambda: section_stream(args.out, summary, l2),
                "rowwise": lambda: section_rowwise(args.out, summary, props.multi_processor_count),
                "gemm": lambda: section_gemm(args.out, summary),
                "launch": lambda: section_launch(args.out, summary),
                "latency": lambda: section_latency(args.out, summary)}
    unknown = [n for n in args.only.split(",") if n not in sections]
    if unknown:
        print(f"--only: unknown section(s) {', '.join(unknown)}; known: {', '.join(sections)}", file=sys.stderr)
        return 2
    start = time.time()
    for name in args.only.split(","):
        t0 = time.time()
        if t0 - start > args.budget:
            failed[name] = f"skipped: the {args.budget:.0f} s budget was spent"
            continue
        print(f"[{t0 - start:6.1f} s] {name}", flush=True)
        try:
            sections[name]()
            meta[name + "_seconds"] = round(time.time() - t0, 1)
        except Exception:                                          # the other sections still run
            failed[name] = traceback.format_exc(limit=3)
        torch.cuda.empty_cache()
    meta["failed"] = failed
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"{meta['device']}: {meta['sms']} SMs, L2 {l2 / 2**20:.0f} MiB, torch {meta['torch']}, driver {meta['driver']}")
    for line in summary:
        print("  " + line)
    for name, tb in failed.items():
        print(f"  FAILED {name}: {tb.strip().splitlines()[-1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
