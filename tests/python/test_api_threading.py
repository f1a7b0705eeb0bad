# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The long calls release the GIL: a Python thread keeps running while the engine works."""

from __future__ import annotations

import threading
import time

import bioxen

from conftest import small_scenario, small_sweep


class Counter:
    """Counts iterations of a pure-Python loop on another thread while `call` runs."""

    def __init__(self):
        self.count = 0
        self.stop = threading.Event()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        self.started.set()
        while not self.stop.is_set():
            self.count += 1

    def during(self, call):
        self.thread.start()
        self.started.wait()
        time.sleep(0.01)
        before = self.count
        result = call()
        after = self.count
        self.stop.set()
        self.thread.join()
        return result, after - before


def busy_hypervisor():
    hv = bioxen.BioXenHypervisor(bioxen.ProductionConfig(log_level="WARNING"))
    hv.create_vm("a", "ecoli", bioxen.ResourceAllocation(ribosomes=20))
    hv.create_vm("b", "syn3a_recoded", bioxen.ResourceAllocation(ribosomes=20))
    hv.start_vm("a")
    hv.start_vm("b")
    return hv


def quanta_for(seconds):
    """About how many quanta of busy_hypervisor() take `seconds` of wall time here."""
    hv = busy_hypervisor()
    t = time.perf_counter()
    hv.run_quanta(200)
    per_quantum = (time.perf_counter() - t) / 200
    return max(200, int(seconds / max(per_quantum, 1e-7)))


def test_run_quanta_releases_the_gil():
    n = quanta_for(0.5)
    hv = busy_hypervisor()
    ran, advanced = Counter().during(lambda: hv.run_quanta(n))
    assert ran == n
    assert advanced > 1000


def test_run_for_releases_the_gil():
    n = quanta_for(0.3)
    hv = busy_hypervisor()
    ran, advanced = Counter().during(lambda: hv.run_for(n / 10 - 0.01))  # rounded up to n
    assert ran == n and advanced > 1000


def test_run_scheduler_from_threads():
    hv = busy_hypervisor()
    threads = [threading.Thread(target=lambda: [hv.run_scheduler() for _ in range(50)])
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hv.quanta_elapsed == 100


def test_run_scenario_releases_the_gil():
    s = bioxen.parse_scenario(small_scenario(quanta_for(0.3)))
    result, advanced = Counter().during(lambda: bioxen.run_scenario(s, monitor=False))
    assert result.resources.quanta == s.quanta and advanced > 1000


def test_run_sweep_releases_the_gil():
    data = small_sweep()
    data["base"]["quanta"] = quanta_for(0.1)
    sweep = bioxen.parse_sweep(data)
    out, advanced = Counter().during(lambda: bioxen.run_sweep(sweep, jobs=1))
    assert out["run"] == 4 and advanced > 1000
