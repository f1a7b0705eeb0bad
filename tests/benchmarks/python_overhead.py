# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Python-level cost of the `bioxen` bindings against the original pure-Python BioXen.

Times, side by side and in one process, the same hypervisor operations through the original
library (``src.hypervisor.core`` of aptitudetechnology/BioXen) and through the pybind11
package ``bioxen``:

  1. one VM life cycle: create_vm, start_vm, pause_vm, resume_vm, destroy_vm (the original
     has no stop_vm; the bindings' cycle with stop_vm is shown on its own row);
  2. run_scheduler() with 4 running VMs (BioXen runs one quantum of the physiological model,
     the original only picks the next VM of its round robin);
  3. list_vms() and get_system_resources() with 10^4 VMs;
  4. the cost of a call through Python of a trivial operation (vm_count, has_vm,
     get_vm_state, pause_vm + resume_vm), against the same operation in C++ measured by the
     Google Benchmark suite of the module's own build tree when its binaries are there
     (bench_lifecycle, bench_scale, bench_scheduler; --cxx-bench DIR or BIOXEN_CXX_BENCH).

Every figure is timeit.Timer.repeat(repeat=N, number=n) with n chosen so that one repeat
lasts about 0.2 s (0.05 s with --quick); the table gives the MEDIAN of the N repeats per
call (the JSON has the minimum as well). timeit turns the garbage collector off while it
times, for both libraries alike. The original's logging is silenced with logging.disable,
so no I/O is timed (its f-string log messages are still built: that is its own code).

Run with the interpreter the module was built for and the package on the path:

  PYTHONPATH=<build>/python python3 tests/benchmarks/python_overhead.py \\
      --original <checkout of the original> [--repeat 5] [--quick] [--json out.json]

--original defaults to $BIOXEN_ORIGINAL, else /tmp/bioxen-original (a default only). If the
original is not found the script says so and exits 2; nothing is skipped silently.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

GOAL = 10.0  # the bindings should be at least this many times faster than the original


# --------------------------------------------------------------------------------------------
# Timing


class Timing:
    def __init__(self, budget_s: float, repeat: int):
        self.budget_s = budget_s
        self.repeat = repeat

    def per_call(self, stmt: str, env: dict, calls_per_stmt: int = 1, setup: str = "pass"):
        """Seconds per call: {'median': , 'min': , 'number': , 'repeat': }."""
        timer = timeit.Timer(stmt, setup=setup, globals=env)
        number = 1
        while True:  # like Timer.autorange, but to our budget
            t = timer.timeit(number)
            if t >= self.budget_s or number >= 10**7:
                break
            number = max(number * 2, int(number * self.budget_s / max(t, 1e-9) * 1.1))
        runs = timer.repeat(repeat=self.repeat, number=number)
        per = [r / number / calls_per_stmt for r in runs]
        return {"median": statistics.median(per), "min": min(per), "number": number,
                "repeat": self.repeat}


# --------------------------------------------------------------------------------------------
# Loading the two libraries


def load_original(path: Path):
    core_file = path / "src" / "hypervisor" / "core.py"
    if not core_file.is_file():
        print(f"error: the original BioXen was not found at {path} (no src/hypervisor/core.py);"
              " give its checkout with --original PATH or BIOXEN_ORIGINAL", file=sys.stderr)
        sys.exit(2)
    # the original's top level also holds a bioxen.py; the bindings are imported before this
    sys.path.insert(0, str(path))
    try:
        import src  # noqa: F401  (the original's top-level package)
        from src.hypervisor import core
        from src.chassis import ChassisType
    except Exception as e:  # an import failure is a failure, not a skip
        print(f"error: importing the original from {path} failed: {type(e).__name__}: {e}",
              file=sys.stderr)
        sys.exit(2)
    if not Path(core.__file__).resolve().is_relative_to(path.resolve()):
        print(f"error: 'src.hypervisor.core' resolved to {core.__file__}, not under {path}",
              file=sys.stderr)
        sys.exit(2)
    return core, ChassisType


def load_bindings():
    try:
        import bioxen
    except ImportError as e:
        print(f"error: the bioxen package is not importable ({e}); put <build>/python on"
              " PYTHONPATH", file=sys.stderr)
        sys.exit(2)
    if not hasattr(bioxen, "ProductionConfig"):
        print(f"error: 'bioxen' resolved to {bioxen.__file__}, not the bindings' package",
              file=sys.stderr)
        sys.exit(2)
    return bioxen


def cmake_build(start: Path):
    """(build dir, CMAKE_BUILD_TYPE) of the CMake build tree holding `start`, or (None, ...)."""
    for d in [start, *start.parents]:
        cache = d / "CMakeCache.txt"
        if cache.is_file():
            for line in cache.read_text(errors="replace").splitlines():
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return d, line.split("=", 1)[1] or "(empty: no optimisation flags)"
            return d, "unknown"
    return None, "unknown (not in a CMake build tree)"


# --------------------------------------------------------------------------------------------
# The C++ reference (Google Benchmark binaries, if built)

# Python row -> (executable, exact benchmark name, operations per benchmark iteration)
CXX_REFERENCE = {
    "vm_count": None,  # not benchmarked in C++ (a counter read)
    "has_vm": None,
    "get_vm_state": ("bench_scale", "BM_GetVmState/10", 1),
    "pause_vm + resume_vm": ("bench_lifecycle", "BM_PauseResume", 2),
    "get_system_resources": ("bench_scale", "BM_GetSystemResources/10", 1),
    "lifecycle (5 ops)": ("bench_lifecycle", "BM_LifecycleCycle/0", 1),
    "run_scheduler physiological": ("bench_scheduler", "BM_RunScheduler/0/4/1", 1),
    "run_scheduler capacity": ("bench_scheduler", "BM_RunScheduler/0/4/0", 1),
    "list_vms per VM": ("bench_scale", "BM_ListVms/1000", 1000),
}


def run_cxx(bench_dir: Path, repeat: int, quick: bool):
    """({row: {'s_per_op': , 'benchmark': }}, [what failed]) from the binaries in bench_dir.

    One process per benchmark, so that a benchmark that aborts does not take the others."""
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    out, missing = {}, []
    for row, ref in CXX_REFERENCE.items():
        if not ref:
            continue
        exe, name, ops = ref
        binary = bench_dir / exe
        if not os.access(binary, os.X_OK):
            missing.append(f"{exe} {name}: no executable {exe} in the benchmark directory")
            continue
        cmd = [str(binary), f"--benchmark_filter=^{name}$", "--benchmark_format=json",
               f"--benchmark_repetitions={repeat}", "--benchmark_report_aggregates_only=true",
               f"--benchmark_min_time={0.05 if quick else 0.2}"]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            lines = [ln.strip() for ln in res.stderr.splitlines() if ln.strip()]
            missing.append(f"{exe} {name}: exit {res.returncode}"
                           + (f": {lines[-1][:300]}" if lines else ""))
            continue
        medians = {b["run_name"]: b["cpu_time"] * scale[b["time_unit"]]
                   for b in json.loads(res.stdout)["benchmarks"]
                   if b.get("aggregate_name") == "median" or repeat == 1}
        if name in medians:
            out[row] = {"s_per_op": medians[name] / ops, "benchmark": f"{exe} {name}",
                        "statistic": "median CPU time"}
        else:
            missing.append(f"{exe} {name}: not in the executable's output")
    return out, missing


# --------------------------------------------------------------------------------------------
# The measurements


def measure(orig, OrigChassis, bx, timing: Timing, n_vms: int):
    rows = []  # main table: original vs bindings
    extra = {}  # bindings-only figures used by the overhead table

    def row(name, unit, what_original, what_bindings, o, b, note=""):
        rows.append({"operation": name, "unit": unit, "original_timed": what_original,
                     "bindings_timed": what_bindings, "original": o, "bindings": b,
                     "note": note})

    # ---- 1. life cycle of one VM on an otherwise empty hypervisor
    ohv = orig.BioXenHypervisor(max_vms=4, chassis_type=OrigChassis.ECOLI)
    oalloc = orig.ResourceAllocation(ribosomes=1, atp_percentage=1.0, rna_polymerase=1,
                                     memory_kb=1)
    oenv = {"c": ohv.create_vm, "s": ohv.start_vm, "p": ohv.pause_vm, "r": ohv.resume_vm,
            "d": ohv.destroy_vm, "a": oalloc}
    o_cycle = timing.per_call("c('cycle', 'syn3a_minimal', a); s('cycle'); p('cycle'); "
                              "r('cycle'); d('cycle')", oenv)
    assert not ohv.vms, "the original's cycle left a VM behind"

    bhv = bx.BioXenHypervisor()
    balloc = bx.ResourceAllocation(ribosomes=1, atp_percentage=1.0, memory_kb=1,
                                   rna_polymerase=1)
    benv = {"c": bhv.create_vm, "s": bhv.start_vm, "p": bhv.pause_vm, "r": bhv.resume_vm,
            "t": bhv.stop_vm, "d": bhv.destroy_vm, "a": balloc}
    b_cycle = timing.per_call("c('cycle', 'syn3a_recoded', a); s('cycle'); p('cycle'); "
                              "r('cycle'); d('cycle')", benv)
    b_cycle6 = timing.per_call("c('cycle', 'syn3a_recoded', a); s('cycle'); p('cycle'); "
                               "r('cycle'); t('cycle'); d('cycle')", benv)
    assert bhv.vm_count() == 0
    row("lifecycle: create, start, pause, resume, destroy", "us",
        "create_vm/start_vm/pause_vm/resume_vm/destroy_vm", "the same five calls",
        o_cycle, b_cycle)
    row("lifecycle with stop_vm (6 ops)", "us", "n/a: the original has no stop_vm",
        "create/start/pause/resume/stop/destroy", None, b_cycle6)
    extra["lifecycle (5 ops)"] = b_cycle

    # ---- 2. run_scheduler, 4 running VMs (default configurations, default allocations)
    ohv = orig.BioXenHypervisor(max_vms=4, chassis_type=OrigChassis.ECOLI)
    for i in range(4):
        assert ohv.create_vm(f"vm{i}") and ohv.start_vm(f"vm{i}")
    ohv.run_scheduler()  # the first call picks the active VM
    o_sched = timing.per_call("f()", {"f": ohv.run_scheduler})

    def running_bindings(work_model):
        hv = bx.BioXenHypervisor(config=bx.ProductionConfig(work_model=work_model))
        for i in range(4):
            hv.create_vm(f"vm{i}", "syn3a_recoded")
            hv.start_vm(f"vm{i}")
        # as bench_scheduler: 5 min of virtual time first (mRNA and chains built up)
        hv.run_quanta(3000 if work_model == bx.WorkModel.physiological else 1)
        return hv

    hv = running_bindings(bx.WorkModel.physiological)
    b_sched = timing.per_call("f()", {"f": hv.run_scheduler})
    hv = running_bindings(bx.WorkModel.capacity)
    b_sched_cap = timing.per_call("f()", {"f": hv.run_scheduler})
    row("run_scheduler, 4 running VMs", "us",
        "run_scheduler(): round-robin pick only (switches once a 60 s wall-clock quantum)",
        "run_scheduler(): one 100 ms quantum of the physiological model (round robin)",
        o_sched, b_sched,
        "not the same work: BioXen advances transcription, translation and growth of every "
        "running VM; the original only rotates the active VM")
    row("run_scheduler, 4 running VMs, capacity model", "us",
        "(the same original figure)", "run_scheduler(): one quantum, work_model=capacity",
        o_sched, b_sched_cap,
        "closer to the original's work: scheduling and ribosome-unit accounting only")
    extra["run_scheduler physiological"] = b_sched
    extra["run_scheduler capacity"] = b_sched_cap

    # ---- 3. 10^4 VMs: list_vms and get_system_resources
    ohv = orig.BioXenHypervisor(max_vms=n_vms, chassis_type=OrigChassis.ECOLI)
    tiny = orig.ResourceAllocation(ribosomes=0, atp_percentage=0.0, rna_polymerase=0,
                                   memory_kb=1)
    for i in range(n_vms):
        assert ohv.create_vm(f"vm{i:08}", "syn3a_minimal", tiny)
    o_list = timing.per_call("f()", {"f": ohv.list_vms})
    o_res = timing.per_call("f()", {"f": ohv.get_system_resources})

    cfg = bx.ProductionConfig(max_vms=n_vms, total_ribosomes=max(80, n_vms))
    chassis = bx.chassis_profile(bx.ChassisType.ecoli)
    chassis.name = "E. coli, genome space for the benchmark's idle guests"
    chassis.genome_space_kb = max(chassis.genome_space_kb, 2 * n_vms)
    bhv = bx.BioXenHypervisor(cfg, chassis)
    btiny = bx.ResourceAllocation(ribosomes=0, atp_percentage=0.0, memory_kb=1,
                                  rna_polymerase=0)
    for i in range(n_vms):
        bhv.create_vm(f"vm{i:08}", "syn3a_recoded", btiny)
    assert bhv.vm_count() == n_vms and len(bhv.list_vms()) == n_vms
    b_list = timing.per_call("f()", {"f": bhv.list_vms})
    b_ids = timing.per_call("f()", {"f": bhv.list_vm_ids})
    b_res = timing.per_call("f()", {"f": bhv.get_system_resources})
    row(f"list_vms, {n_vms} VMs", "ms",
        "list_vms(): a list of 9-key dicts (get_vm_status of every VM)",
        "list_vms(): a list of VmStatus objects (~40 fields each, strings copied)",
        o_list, b_list)
    row(f"get_system_resources, {n_vms} VMs", "us",
        "get_system_resources(): sums over every VM", "get_system_resources(): counters",
        o_res, b_res)
    extra["list_vms per VM"] = {k: (v / n_vms if k in ("median", "min") else v)
                                for k, v in b_list.items()}
    extra["list_vm_ids (all VMs)"] = b_ids
    extra["get_system_resources"] = b_res

    # ---- 4. trivial calls: the cost of going through Python (hypervisor with 4 VMs)
    hv = bx.BioXenHypervisor()
    for i in range(4):
        hv.create_vm(f"vm{i}", "syn3a_recoded")
    hv.start_vm("vm0")
    extra["vm_count"] = timing.per_call("f()", {"f": hv.vm_count})
    extra["has_vm"] = timing.per_call("f('vm1')", {"f": hv.has_vm})
    extra["get_vm_state"] = timing.per_call("f('vm1')", {"f": hv.get_vm_state})
    extra["pause_vm + resume_vm"] = timing.per_call("p('vm0'); r('vm0')",
                                                    {"p": hv.pause_vm, "r": hv.resume_vm},
                                                    calls_per_stmt=2)

    class Plain:  # an ordinary Python method: the interpreter's own call cost, for scale
        def vm_count(self):
            return 4

    extra["pure-Python method call (for scale)"] = timing.per_call("f()", {"f": Plain().vm_count})
    return rows, extra


# --------------------------------------------------------------------------------------------
# Output


def fmt(v, unit):
    if v is None:
        return "n/a"
    x = v * (1e3 if unit == "ms" else 1e6)
    return f"{x:.3g}" if x < 100 else f"{x:,.0f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--original", type=Path,
                    default=Path(os.environ.get("BIOXEN_ORIGINAL", "/tmp/bioxen-original")),
                    help="checkout of the original BioXen (default: $BIOXEN_ORIGINAL, else "
                         "/tmp/bioxen-original)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="timeit repeats (default 5, 3 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="0.05 s per repeat instead of 0.2 s and 3 repeats unless --repeat")
    ap.add_argument("--vms", type=int, default=10_000, help="VMs for list_vms (default 10^4)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    ap.add_argument("--cxx-bench", type=Path, metavar="DIR",
                    default=os.environ.get("BIOXEN_CXX_BENCH"),
                    help="directory of bench_lifecycle/bench_scale/bench_scheduler (default: "
                         "$BIOXEN_CXX_BENCH, else <module's build tree>/tests/benchmarks)")
    ap.add_argument("--no-cxx", action="store_true", help="do not run the C++ benchmarks")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 5
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")

    bx = load_bindings()  # first: the original's top level has a bioxen.py of its own
    orig, OrigChassis = load_original(args.original)
    logging.disable(logging.CRITICAL)  # the original logs every operation at INFO

    module_file = Path(importlib.import_module("bioxen._bioxen").__file__).resolve()
    build_dir, build_type = cmake_build(module_file.parent)
    load_before = os.getloadavg()
    timing = Timing(0.05 if args.quick else 0.2, args.repeat)
    rows, extra = measure(orig, OrigChassis, bx, timing, args.vms)

    cxx, cxx_missing, cxx_dir, cxx_type = {}, [], None, None
    if not args.no_cxx:
        cxx_dir = args.cxx_bench or (build_dir / "tests" / "benchmarks" if build_dir else None)
        if cxx_dir:
            cxx_type = cmake_build(Path(cxx_dir).resolve())[1]
            cxx, cxx_missing = run_cxx(Path(cxx_dir), args.repeat, args.quick)
    load_after = os.getloadavg()

    # ---- main table
    print(f"BioXen bindings vs the original pure-Python BioXen — median of {args.repeat} "
          f"timeit repeats, per call")
    print(f"bindings: bioxen {getattr(bx, '__version__', '?')}, module build type "
          f"{build_type}" + ("  ** Debug -O0: the bindings' figures are pessimistic **"
                             if build_type.lower() == "debug" else ""))
    print(f"original: {args.original}; Python {platform.python_version()}; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after\n")
    header = ("operation", "original", "bindings", "speed-up", f"goal >= {GOAL:g}x")
    table = []
    for r in rows:
        o, b = (r["original"] or {}).get("median"), r["bindings"]["median"]
        speed = o / b if o else None
        r["speedup"] = speed
        r["goal_met"] = None if speed is None else speed >= GOAL
        table.append((f"{r['operation']} [{r['unit'].replace('us', 'µs')}]", fmt(o, r["unit"]),
                      fmt(b, r["unit"]), "n/a" if speed is None else f"{speed:.2f}x",
                      "n/a" if speed is None else ("met" if speed >= GOAL else "NOT met")))
    widths = [max(len(str(x[i])) for x in [header, *table]) for i in range(len(header))]
    line = "  ".join("{:<%d}" % widths[0] if i == 0 else "{:>%d}" % w
                     for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for t in table:
        print(line.format(*t))
    print("\nWhat was timed:")
    for r in rows:
        print(f"- {r['operation']}: original = {r['original_timed']}; bindings = "
              f"{r['bindings_timed']}" + (f". NOTE: {r['note']}" if r["note"] else ""))

    # ---- overhead table
    print(f"\nCost of a call through Python (bindings; C++: Google Benchmark median CPU time"
          f"{', build type ' + cxx_type if cxx_type else ''})")
    oh_rows = []
    for name in ["pure-Python method call (for scale)", "vm_count", "has_vm", "get_vm_state",
                 "pause_vm + resume_vm", "get_system_resources", "lifecycle (5 ops)",
                 "run_scheduler physiological", "run_scheduler capacity", "list_vms per VM",
                 "list_vm_ids (all VMs)"]:
        py = extra[name]["median"]
        c = cxx.get(name)
        ref = CXX_REFERENCE.get(name)
        oh = {"operation": name, "python_s": py, "cxx_s": c["s_per_op"] if c else None,
              "overhead_s": (py - c["s_per_op"]) if c else None,
              "cxx_benchmark": c["benchmark"] if c else (
                  f"{ref[0]} {ref[1]} ({'no figure, below' if cxx_dir else 'not run'})"
                  if ref else None)}
        oh_rows.append(oh)
    h2 = ("operation (per call)", "Python µs", "C++ µs", "overhead µs", "C++ reference")
    t2 = [(o["operation"] + (", per op" if "+" in o["operation"] else ""),
           fmt(o["python_s"], "us"), fmt(o["cxx_s"], "us"), fmt(o["overhead_s"], "us"),
           o["cxx_benchmark"] or "—") for o in oh_rows]
    w2 = [max(len(str(x[i])) for x in [h2, *t2]) for i in range(len(h2))]
    l2 = "  ".join("{:<%d}" % w2[0] if i in (0,) else
                   ("{:<%d}" % w if i == 4 else "{:>%d}" % w) for i, w in enumerate(w2))
    print(l2.format(*h2))
    print("  ".join("-" * w for w in w2))
    for t in t2:
        print(l2.format(*t))
    if args.no_cxx:
        print("C++ side not run (--no-cxx).")
    elif not cxx_dir:
        print("C++ side not run: no benchmark directory (--cxx-bench DIR or BIOXEN_CXX_BENCH).")
    if cxx_missing:
        print("C++ benchmarks that gave no figure:")
        for m in cxx_missing:
            print(f"- {m}")
    print("vm_count and has_vm have no C++ benchmark; they are a counter read and one index "
          "lookup (the C++ get_vm_state row bounds them), so their Python figure is almost all "
          "binding overhead.")

    if args.json:
        doc = {"statistic": "median of timeit repeats (min also given), seconds per call",
               "repeat": args.repeat, "quick": args.quick, "vms": args.vms,
               "python": platform.python_version(), "platform": platform.platform(),
               "cpu_count": os.cpu_count(), "loadavg_before": load_before,
               "loadavg_after": load_after, "goal_speedup": GOAL,
               "bindings": {"version": getattr(bx, "__version__", None),
                            "module": str(module_file), "build_type": build_type},
               "original": {"path": str(args.original)},
               "rows": rows, "bindings_calls": extra,
               "cxx": {"dir": str(cxx_dir) if cxx_dir else None, "build_type": cxx_type,
                       "results": cxx, "missing": cxx_missing},
               "overhead": oh_rows}
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
