#!/usr/bin/python3
"""Turns one scripts/bench.sh run into its table, chart data and verdicts.

Reads the Google Benchmark JSON files <flavour>.round<R>.json of one run,
plus the compile-time and memory measurements the script wrote, and writes

    summary.md     the table, the targets (full runs only), compile time,
                   memory and the machine: what bench/RESULTS.md records
    ratios.tsv     the median ratios to baseline, for the chart
    results.json   every number above, and every repetition it came from

ns/op is CPU time per iteration divided by the case's ops_per_iter counter.
In a threaded case Google Benchmark reports CPU time per iteration of one
thread, so ns/op is per thread there. CPU time rather than wall time: this
2-core machine is shared with builds and tests, and a descheduled benchmark
thread inflates wall time but not CPU time. Wall-clock ratios are kept in
results.json for comparison.

A ratio is taken per round (a flavour against the baseline of the same
round, each the median of its repetitions) and the table shows the median
over rounds, with the smallest and largest round in brackets.
"""
import argparse
import datetime
import glob
import json
import os
import re
import statistics
import sys

FLAVOURS = ["baseline", "strict", "fast", "tsan"]
GUARDED = ["strict", "fast"]

# Benchmark name -> (short label for the chart, what the case does).
CASES = [
    ("HotWrite", "hot write",
     "unordered_map<uint32_t, uint32_t>, m[k] += 1 over 1,000 resident keys "
     "(one guarded window per run of the loop)"),
    ("HotWriteEach", "hot write, each",
     "the same loop with an asm comment in it: one guarded window per write"),
    ("ChurnUnorderedMap", "churn umap",
     "reserved unordered_map<uint64_t, uint64_t>: emplace then erase 1M keys"),
    ("ChurnMap", "churn map",
     "std::map<int, int>: emplace then erase 1M keys"),
    ("UnorderedSetStringInsert", "uset<string>",
     "unordered_set<std::string>: 100k inserts of 31-char keys, then clear()"),
    ("Find", "find",
     "unordered_map<uint32_t, uint32_t>::find over 1,000 keys (one read check "
     "per run of the loop, at its end)"),
    ("FindEach", "find, each",
     "the same loop with an asm comment in it: a read check per lookup"),
    ("OwnMapHotWrite/threads:1", "own map x1",
     "hot write, 1 thread on its own map (per-thread ns/op)"),
    ("OwnMapHotWrite/threads:2", "own map x2",
     "hot write, 2 threads each on its own map (per-thread ns/op)"),
    ("OwnMapHotWrite/threads:4", "own map x4",
     "hot write, 4 threads each on its own map (per-thread ns/op)"),
    ("SharedMutexMap/threads:4", "mutex x4",
     "4 threads, one unordered_map, every m[k] += 1 under one std::mutex"),
    ("SharedMutexMapFloorStore/threads:4", "floor st",
     "the mutex loop with fast mode's least check written by hand (plain "
     "loads and stores of one table line), MapGuard kept out: the same code "
     "in every flavour"),
    ("SharedMutexMapFloorCas/threads:4", "floor CAS",
     "the same with strict mode's least check (the claim a compare-and-swap)"),
]

# The hand-written floor of each mode's check in the mutex case
# (bench/map_overhead.cpp): what any check that marks the map in a table
# line costs there, so the mutex targets are read against it.
FLOORS = {"fast": "SharedMutexMapFloorStore/threads:4",
          "strict": "SharedMutexMapFloorCas/threads:4"}

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
MIB = 1024 * 1024


def load_runs(raw_dir):
    """{flavour: {round: {case: {"cpu": [ns/op...], "wall": [...]}}}}, context."""
    runs = {}
    context = None
    pattern = re.compile(r"^(\w+)\.round(\d+)\.json$")
    for path in sorted(glob.glob(os.path.join(raw_dir, "*.round*.json"))):
        match = pattern.match(os.path.basename(path))
        if not match:
            continue
        flavour, rnd = match.group(1), int(match.group(2))
        with open(path) as f:
            data = json.load(f)
        context = context or data.get("context")
        per_case = runs.setdefault(flavour, {}).setdefault(rnd, {})
        for b in data["benchmarks"]:
            if b.get("run_type") != "iteration" or b.get("error_occurred"):
                continue
            ops = b.get("ops_per_iter")
            if not ops:
                sys.exit(f"summarize: {path}: {b['name']} has no ops_per_iter")
            unit = UNIT_NS[b.get("time_unit", "ns")]
            threads = b.get("threads", 1)
            name = b["run_name"]
            entry = per_case.setdefault(name, {"cpu": [], "wall": []})
            entry["cpu"].append(b["cpu_time"] * unit / ops)
            # real_time of a threaded run is wall time over all threads'
            # iterations: times threads gives one thread's wall time.
            entry["wall"].append(b["real_time"] * unit * threads / ops)
    return runs, context


def summarise_case(runs, case, flavour, metric):
    """Median ns/op over everything, and per-round ratios to baseline."""
    samples, ratios = [], []
    for rnd, per_case in sorted(runs.get(flavour, {}).items()):
        if case not in per_case:
            continue
        mine = statistics.median(per_case[case][metric])
        samples.extend(per_case[case][metric])
        base = runs.get("baseline", {}).get(rnd, {}).get(case)
        if base:
            ratios.append(mine / statistics.median(base[metric]))
    if not samples:
        return None
    return {
        "ns_per_op": statistics.median(samples),
        "ratio": statistics.median(ratios) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "rounds": len(ratios),
        "samples": len(samples),
    }


def floor_ratio(runs, floor_case, case="SharedMutexMap/threads:4"):
    """The floor case's ns/op over the baseline's `case` in the same round.

    The floor loops are the same code in the baseline, strict and fast
    builds (MapGuard keeps out of them), so each of the three processes of
    a round gives a sample, paired with the baseline's unguarded loop as
    the guarded flavours' own ratios are."""
    ratios = []
    for rnd, per_case in sorted(runs.get("baseline", {}).items()):
        if case not in per_case:
            continue
        base = statistics.median(per_case[case]["cpu"])
        for flavour in ["baseline"] + GUARDED:
            mine = runs.get(flavour, {}).get(rnd, {}).get(floor_case)
            if mine:
                ratios.append(statistics.median(mine["cpu"]) / base)
    if not ratios:
        return None
    return {"ratio": statistics.median(ratios), "ratio_min": min(ratios),
            "ratio_max": max(ratios), "samples": len(ratios)}


def read_pairs(path):
    """KEY VALUE... lines -> {key: [values...]}."""
    out = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2:
                    out.setdefault(parts[0], []).append(parts[1:])
    return out


def fmt_ns(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def fmt_ratio(s, spread=True):
    if not s or s["ratio"] is None:
        return "-"
    text = f"{s['ratio']:.2f}x"
    if spread and s["rounds"] > 1:
        text += f" [{s['ratio_min']:.2f}-{s['ratio_max']:.2f}]"
    return text


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model,
            "date": datetime.datetime.now().astimezone().strftime(
                "%Y-%m-%d %H:%M %Z")}


def compile_figures(path):
    pairs = read_pairs(path)
    if "baseline" not in pairs or "mapguard" not in pairs:
        return None
    base = [float(v[0]) for v in pairs["baseline"]]
    guarded = [float(v[0]) for v in pairs["mapguard"]]
    # The script compiles in pairs, one of each back to back: a pair shares
    # the machine's load, so the ratio is the median of the pairs' ratios.
    fig = {
        "sites": int(pairs.get("sites", [["0"]])[0][0]),
        "hooked": int(pairs.get("hooked", [["0"]])[0][0]),
        "baseline_s": statistics.median(base),
        "mapguard_s": statistics.median(guarded),
        "runs": len(base),
        "pair_ratios": [g / b for b, g in zip(base, guarded)],
    }
    fig["ratio"] = statistics.median(fig["pair_ratios"])
    if "ir_baseline" in pairs and "ir_mapguard" in pairs:
        fig["ir_sites"] = int(pairs["ir_sites"][0][0])
        fig["ir_baseline"] = int(pairs["ir_baseline"][0][0])
        fig["ir_mapguard"] = int(pairs["ir_mapguard"][0][0])
        fig["ir_ratio"] = fig["ir_mapguard"] / fig["ir_baseline"]
    return fig


# The cases judged on the instructions their loops execute (CPU time shown
# beside): their targets are finer than CPU time resolves here.
INSTRUCTION_CASES = ("ChurnUnorderedMap", "ChurnMap")


def instruction_figures(path):
    """{case: {flavour: instructions}} from CASE FLAVOUR COUNT lines."""
    counts = {}
    if not path or not os.path.exists(path):
        return counts
    with open(path) as f:
        for number, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if (len(parts) != 3 or parts[1] not in FLAVOURS
                    or not parts[2].isdigit() or int(parts[2]) == 0):
                sys.exit(f"summarize: {path}:{number}: expected 'CASE "
                         f"FLAVOUR COUNT' (a flavour of "
                         f"{', '.join(FLAVOURS)}, a positive count), got "
                         f"{line.strip()!r}")
            counts.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return counts


def memory_figures(path):
    pairs = read_pairs(path)
    if not pairs:
        return None
    fig = {"runtime_data": int(pairs["rt_data"][0][0]),
           "runtime_bss": int(pairs["rt_bss"][0][0]),
           "runtime_text": int(pairs["rt_text"][0][0]),
           "binary_static": {}, "rss_kib": {}}
    for flavour, value in pairs.get("static", []):
        fig["binary_static"][flavour] = int(value)
    rss = {}
    for flavour, value in pairs.get("rss", []):
        rss.setdefault(flavour, []).append(int(value))
    fig["rss_kib"] = {f: statistics.median(v) for f, v in rss.items()}
    fig["largest"] = sorted(((" ".join(v[1:]), int(v[0], 16))
                             for v in pairs.get("sym", [])),
                            key=lambda item: -item[1])
    fig["rss_runs"] = max((len(v) for v in rss.values()), default=0)
    return fig


# The fixed bounds on a case's ratio to baseline, per mode.
BOUNDS = {
    "HotWrite": {"fast": 1.30, "strict": 2.0},
    "HotWriteEach": {"fast": 1.30, "strict": 2.0},
    "ChurnUnorderedMap": {"fast": 1.03, "strict": 1.08},
    "ChurnMap": {"fast": 1.03, "strict": 1.08},
    "SharedMutexMap/threads:4": {"fast": 1.25, "strict": 1.25},
    "Find": {"fast": 1.15, "strict": 1.5},
}


def target_bound(table, case, flavour):
    """The highest ratio that meets the case's target, or None."""
    if case in BOUNDS:
        return BOUNDS[case][flavour]
    match = re.match(r"OwnMapHotWrite/threads:(\d+)$", case)
    if match and match.group(1) != "1":
        one = table.get("OwnMapHotWrite/threads:1", {}).get(flavour)
        return one["ratio"] * 1.10 if one else None
    return None


def judge(table, compile_fig, memory_fig, floors=None, instructions=None):
    """[(target, measured text, ok)] for the issue's targets; ok is None for
    a line that is not a target (the mutex case's floors)."""
    verdicts = []
    instructions = instructions or {}

    def ratio(case, flavour):
        s = table.get(case, {}).get(flavour)
        return s["ratio"] if s else None

    def limit(name, case, flavour, bound):
        s = table.get(case, {}).get(flavour)
        if s and s["ratio"] is not None:
            measured = f"{s['ratio']:.2f}x"
            if s["rounds"] > 1 and s["ratio_min"] <= bound < s["ratio_max"]:
                measured += (f" (rounds {s['ratio_min']:.2f}-"
                             f"{s['ratio_max']:.2f}: either side)")
            verdicts.append((f"{name}, {flavour} <= {bound:.2f}x",
                             measured, s["ratio"] <= bound))

    for flavour in ("fast", "strict"):
        limit("hot write", "HotWrite", flavour, BOUNDS["HotWrite"][flavour])
    for flavour in ("fast", "strict"):
        limit("hot write, a check per write", "HotWriteEach", flavour,
              BOUNDS["HotWriteEach"][flavour])
    for case, label in (("ChurnUnorderedMap", "churn unordered_map"),
                        ("ChurnMap", "churn map")):
        for flavour in ("fast", "strict"):
            counts = instructions.get(case, {})
            if "baseline" in counts and flavour in counts:
                bound = BOUNDS[case][flavour]
                r = counts[flavour] / counts["baseline"]
                s = table.get(case, {}).get(flavour)
                verdicts.append((
                    f"{label}, {flavour} <= {bound:.2f}x, instructions "
                    f"executed", f"{r:.4f}x (CPU time {fmt_ratio(s)})",
                    r <= bound))
            else:
                limit(label, case, flavour, BOUNDS[case][flavour])
    for flavour in ("fast", "strict"):
        limit("find", "Find", flavour, BOUNDS["Find"][flavour])
    for flavour in GUARDED:
        one = ratio("OwnMapHotWrite/threads:1", flavour)
        for n in (2, 4):
            r = ratio(f"OwnMapHotWrite/threads:{n}", flavour)
            if one and r:
                rel = r / one
                verdicts.append((
                    f"own maps, {n} threads, {flavour}: per-thread ratio "
                    f"within 10% of 1 thread's ({one:.2f}x)",
                    f"{r:.2f}x ({rel - 1:+.0%})", abs(rel - 1) <= 0.10))
    for flavour in GUARDED:
        limit("4 threads, mutex-protected shared map",
              "SharedMutexMap/threads:4", flavour,
              BOUNDS["SharedMutexMap/threads:4"][flavour])
    for flavour in GUARDED:
        fl = (floors or {}).get(flavour)
        if fl:
            verdicts.append((
                f"(not a target) the mutex case's floor for {flavour} mode: "
                f"its least check written by hand, "
                f"{'a compare-and-swap' if flavour == 'strict' else 'plain stores'}"
                f" on one table line",
                f"{fl['ratio']:.2f}x [{fl['ratio_min']:.2f}-"
                f"{fl['ratio_max']:.2f}, {fl['samples']} samples]", None))
    if compile_fig and "ir_ratio" in compile_fig:
        # Judged on instructions executed: CPU time here is too noisy.
        verdicts.append((f"compile time, {compile_fig['ir_sites']:,} write "
                         "sites, instructions executed, <= 1.05x",
                         f"{compile_fig['ir_ratio']:.3f}x (CPU time, "
                         f"{compile_fig['sites']:,} sites: "
                         f"{compile_fig['ratio']:.3f}x)",
                         compile_fig["ir_ratio"] <= 1.05))
    elif compile_fig:
        verdicts.append(("compile time, 2,000 write sites, <= 1.05x",
                         f"{compile_fig['ratio']:.3f}x",
                         compile_fig["ratio"] <= 1.05))
    if memory_fig:
        fixed = memory_fig["runtime_data"] + memory_fig["runtime_bss"]
        verdicts.append(("runtime .data + .bss <= 1 MiB",
                         f"{fixed / 1024:.0f} KiB", fixed <= MIB))
        base = memory_fig["rss_kib"].get("baseline")
        for flavour in GUARDED:
            mine = memory_fig["rss_kib"].get(flavour)
            if base is not None and mine is not None:
                extra = (mine - base) * 1024
                verdicts.append((f"max RSS added to a tiny program, {flavour}, "
                                 "<= 1 MiB", f"{extra / 1024:+.0f} KiB",
                                 extra <= MIB))
    return verdicts


def markdown(args, table, flavours, compile_fig, memory_fig, verdicts,
             context, info, instructions=None):
    out = []
    w = out.append
    kind = "quick (smoke test, timings not judged)" if args.quick else "full"
    w(f"Run: {kind}; {args.rounds} round(s) x {args.repetitions} "
      f"repetition(s) per flavour, min_time {args.min_time}s, flavour order "
      f"rotated per round.  ")
    w(f"Source: {args.source}; tools built just before the run.  ")
    w(f"Machine: {info['nproc']} CPUs, {info['cpu']}; {info['date']}"
      + (f"; load average at start {context.get('load_avg')}"
         if context and context.get("load_avg") else "") + ".")
    w("")
    w("ns/op: median CPU time per map operation (per thread in threaded "
      "cases). Ratio: median over rounds of the flavour's ns/op over the "
      "baseline's in the same round, [lowest-highest round].")
    w("")
    head = ["case"] + [f"{f} ns/op" for f in flavours] + \
        [f"{f}/baseline" for f in flavours if f != "baseline"]
    w("| " + " | ".join(head) + " |")
    w("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for case, _, _ in CASES:
        if case not in table:
            continue
        row = [case]
        row += [fmt_ns(table[case][f]["ns_per_op"]) if table[case].get(f)
                else "-" for f in flavours]
        row += [fmt_ratio(table[case].get(f)) for f in flavours
                if f != "baseline"]
        w("| " + " | ".join(row) + " |")
    w("")
    for case, _, what in CASES:
        if case in table:
            w(f"- `{case}`: {what}")
    w("")
    w("## Targets")
    w("")
    if args.quick:
        w("Not judged in a quick run.")
    else:
        w("| target | measured | |")
        w("|---|---:|:---:|")
        for name, measured, ok in verdicts:
            mark = "floor" if ok is None else "✓" if ok else "✗"
            w(f"| {name} | {measured} | {mark} |")
    w("")
    if instructions:
        w("## Instructions")
        w("")
        w("Instructions executed by the churn cases' loops (valgrind "
          "--tool=callgrind, from each call of the loop's function to its return, the "
          "map's own code included; the untimed first pass and one timed "
          "iteration: 4,000,000 map operations). "
          "The same on every run, unlike CPU time, so these cases' targets "
          "are judged on them:")
        w("")
        w("| case | baseline | strict | fast | strict/baseline "
          "| fast/baseline |")
        w("|---|---:|---:|---:|---:|---:|")
        for case in INSTRUCTION_CASES:
            c = instructions.get(case, {})
            if "baseline" not in c:
                continue
            cells = [f"{c[f] / 1e6:,.1f} M" if f in c else "-"
                     for f in ("baseline", "strict", "fast")]
            cells += [f"{c[f] / c['baseline']:.4f}x" if f in c else "-"
                      for f in ("strict", "fast")]
            w(f"| {case} | " + " | ".join(cells) + " |")
        w("")
    w("## Compile time")
    w("")
    if compile_fig:
        w(f"A generated translation unit with {compile_fig['sites']} map "
          f"write sites (bench/gen_write_sites.py; {compile_fig['hooked']} "
          f"reported guarded by the pass's remarks; strict mode, so each "
          f"site calls its operation's guarded stub but the one in ten that "
          f"is in a loop, wrapped in place), `-std=c++17 -O2 -g -c`, "
          f"user+sys CPU "
          f"time, median of {compile_fig['runs']} run(s) each; the ratio is "
          f"the median over back-to-back pairs ("
          + ", ".join(f"{r:.2f}" for r in compile_fig["pair_ratios"]) + "):")
        w("")
        w("| clang++ 19 | with MapGuard (strict) | ratio |")
        w("|---:|---:|---:|")
        w(f"| {compile_fig['baseline_s']:.2f} s | {compile_fig['mapguard_s']:.2f} s "
          f"| {compile_fig['ratio']:.3f}x |")
        if "ir_ratio" in compile_fig:
            w("")
            w(f"Instructions executed by `clang -cc1` on a "
              f"{compile_fig['ir_sites']}-site file (valgrind --tool=callgrind;"
              f" the same on every run, so the target is judged on it):")
            w("")
            w("| clang++ 19 | with MapGuard (strict) | ratio |")
            w("|---:|---:|---:|")
            w(f"| {compile_fig['ir_baseline'] / 1e9:.3f} G | "
              f"{compile_fig['ir_mapguard'] / 1e9:.3f} G | "
              f"{compile_fig['ir_ratio']:.3f}x |")
    else:
        w("Not measured.")
    w("")
    w("## Memory")
    w("")
    if memory_fig:
        m = memory_fig
        w(f"Runtime fixed memory (`size` totals of libmapguard_rt.a): "
          f".data {m['runtime_data']} B, .bss {m['runtime_bss']} B "
          f"(= {(m['runtime_data'] + m['runtime_bss']) / 1024:.0f} KiB), "
          f"text {m['runtime_text']} B.")
        if m["largest"]:
            w("")
            w("Largest variables: " + ", ".join(
                f"`{name}` {size / 1024:.0f} KiB" if size >= 1024
                else f"`{name}` {size} B" for name, size in m["largest"]) + ".")
        w("")
        w("bench/tiny_program.cpp (two threads, 2,000 writes each), "
          f"median of {m['rss_runs']} run(s):")
        w("")
        w("| build | .data + .bss of the binary | max RSS |")
        w("|---|---:|---:|")
        base_rss = m["rss_kib"].get("baseline")
        for flavour in ["baseline"] + GUARDED:
            static = m["binary_static"].get(flavour)
            rss = m["rss_kib"].get(flavour)
            delta = ""
            if flavour != "baseline" and rss is not None and base_rss is not None:
                delta = f" ({rss - base_rss:+.0f} KiB)"
            w(f"| {flavour} | {static / 1024:.0f} KiB | "
              f"{rss:.0f} KiB{delta} |" if static is not None and rss is not None
              else f"| {flavour} | - | - |")
    else:
        w("Not measured.")
    w("")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--compile")
    p.add_argument("--memory")
    p.add_argument("--instructions",
                   help="CASE FLAVOUR COUNT lines: the churn cases' "
                   "instructions")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--repetitions", type=int, default=1)
    p.add_argument("--min-time", default="?")
    p.add_argument("--source", default="unknown",
                   help="the sources measured (commit, local changes)")
    args = p.parse_args()

    runs, context = load_runs(args.raw)
    missing = [f for f in FLAVOURS if f not in runs]
    if missing:
        sys.exit(f"summarize: no results for {', '.join(missing)}")
    flavours = FLAVOURS
    names = {c for per_round in runs["baseline"].values() for c in per_round}
    table, wall = {}, {}
    for case, _, _ in CASES:
        if case not in names:
            continue
        table[case] = {f: summarise_case(runs, case, f, "cpu") for f in flavours}
        wall[case] = {f: summarise_case(runs, case, f, "wall") for f in flavours}
        for f in flavours:
            if table[case][f] is None:
                sys.exit(f"summarize: {f} has no result for {case}")
    unknown = names - {c for c, _, _ in CASES}
    if unknown:
        sys.exit(f"summarize: cases missing from CASES: {sorted(unknown)}")

    compile_fig = compile_figures(args.compile)
    memory_fig = memory_figures(args.memory)
    floors = {f: floor_ratio(runs, case) for f, case in FLOORS.items()}
    instructions = instruction_figures(args.instructions)
    verdicts = judge(table, compile_fig, memory_fig, floors, instructions)
    info = machine()
    md = markdown(args, table, flavours, compile_fig, memory_fig, verdicts,
                  context, info, instructions)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(md + "\n")
    with open(os.path.join(args.out, "ratios.tsv"), "w") as f:
        f.write("# case\t" + "\t".join(x for x in flavours if x != "baseline")
                + "\tstrict_target\tfast_target\n")
        for case, label, _ in CASES:
            if case in table:
                limits = [target_bound(table, case, x) for x in GUARDED]
                f.write(f'"{label}"\t' + "\t".join(
                    [f"{table[case][x]['ratio']:.4f}" for x in flavours
                     if x != "baseline"] +
                    [f"{b:.4f}" if b else "?" for b in limits]) + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "source": args.source, "context": context,
                   "quick": args.quick, "cpu": table, "wall": wall,
                   "compile": compile_fig, "memory": memory_fig,
                   "instructions": instructions,
                   "floors": floors,
                   "targets": [{"target": n, "measured": m, "ok": ok}
                               for n, m, ok in verdicts],
                   "runs": runs}, f, indent=1)
    print(md)


if __name__ == "__main__":
    main()
