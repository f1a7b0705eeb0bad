# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""What hosting guests costs the host, notebook style: run a scenario, record the host's
growth rate quantum by quantum, and plot it (matplotlib, when it is installed).

    PYTHONPATH=build/dev/python python3 examples/python/host_growth.py [SCENARIO.json] [--plot FILE.svg]

Each step is a cell you can paste into Jupyter.
"""

import argparse
import math
import sys
from pathlib import Path

import bioxen

# --- 1. the scenario: the fair-share example (three guests, one joins, one leaves) -------
here = Path(__file__).resolve().parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("scenario", nargs="?", default=str(here.parent / "scenarios" / "fair_share.json"))
parser.add_argument("--plot", metavar="FILE", help="write the plot here (SVG or PNG)")
args = parser.parse_args()
scenario = bioxen.read_scenario_file(args.scenario)
print(scenario)

# --- 2. run it with a recorder attached (one row every 10 quanta; the GIL is released) ---
recorder = bioxen.Recorder(every=10)
events = []
result = bioxen.run_scenario(
    scenario,
    on_hypervisor=lambda hv: hv.add_observer(recorder),
    on_event=lambda action, vm, quantum: events.append((quantum, action, vm)))
print(result)

# --- 3. the time series, as NumPy arrays ---------------------------------------------------
columns = recorder.columns()
t_min = columns["time_s"] / 60.0
growth = columns["host_growth_rate_per_h"]
alone = result.host_alone.growth_rate_per_h
print(f"{len(recorder)} rows; host growth {growth.min():.3f}-{growth.max():.3f} /h "
      f"(alone {alone:.3f} /h, doubling {math.log(2) / alone * 60:.1f} min)")
for quantum, action, vm in events:
    print(f"  event at quantum {quantum}: {action} {vm}")
slowdown = 1.0 - result.host.growth_rate_per_h / alone
print(f"at the end the host grows {slowdown:.1%} slower than alone")
for guest in result.guests:
    print(f"  {guest.vm_id}: {guest.translation_share:.2%} of the cell's translation")

# --- 4. the plot -----------------------------------------------------------------------------
try:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
except ImportError:
    print("matplotlib is not installed (Debian: apt-get install python3-matplotlib): no plot")
    sys.exit(0)

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(t_min, growth, label="host with guests")
ax.axhline(alone, linestyle="--", color="grey", label="host alone")
for quantum, action, vm in events:
    ax.axvline(quantum * scenario.quantum_seconds() / 60.0, color="lightgrey", linewidth=0.8)
ax.set_xlabel("virtual time (min)")
ax.set_ylabel("growth rate (1/h)")
ax.set_title(f"{scenario.name}: the host's growth under its guests")
ax.legend()
out = args.plot or "host_growth.svg"
fig.savefig(out)
print(f"plot written to {out}")
