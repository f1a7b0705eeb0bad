# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Sweeps (the `bioxen sweep` schema): parsing, points, running on 1 and 2 threads, a Python
point function; the validations against published data."""

from __future__ import annotations

import json
import threading

import pytest

import bioxen

from conftest import EXAMPLES, small_sweep


def test_parse_sweep_and_points():
    sweep = bioxen.parse_sweep(small_sweep())
    assert isinstance(sweep, bioxen.Sweep)
    assert sweep.name == "pytest-sweep" and sweep.description == "policy x guest ribosomes"
    assert sweep.source == "<dict>"
    assert sweep.parameter_names == ["policy", "a_units"]
    assert sweep.parameter_values == {"policy": ["round_robin", "fair_share"], "a_units": [4, 12]}
    assert sweep.combination == "grid"
    assert sweep.point_count() == 4 == len(sweep)
    assert sweep.base["quanta"] == 20
    assert repr(sweep) == "Sweep('pytest-sweep', 2 parameters, 4 points)"
    values = [sweep.point(i)["values"] for i in range(4)]
    assert sorted(map(tuple, values)) == sorted([("round_robin", 4), ("round_robin", 12),
                                                 ("fair_share", 4), ("fair_share", 12)])
    p = sweep.point(3)
    assert p["index"] == 3
    assert p["scenario"]["config"]["scheduler_policy"] == p["values"][0]
    assert p["scenario"]["vms"][0]["allocation"]["ribosomes"] == p["values"][1]
    with pytest.raises(bioxen.BioXenException):
        sweep.point(4)
    bad = small_sweep()
    bad["parameters"][1]["values"] = ["many"]
    with pytest.raises(bioxen.InvalidConfigurationError, match="ribosomes"):
        bioxen.parse_sweep(bad)
    unchecked = bioxen.parse_sweep(bad, check=False)  # as the C++ parse_sweep() alone
    assert unchecked.point(0)["values"] == ["round_robin", "many"]
    with pytest.raises(bioxen.InvalidConfigurationError, match="many"):
        bioxen.check_sweep_values(unchecked)
    bioxen.check_sweep_values(sweep)


def test_read_sweep_file():
    for f in sorted((EXAMPLES / "sweeps").glob("*.json")):
        sweep = bioxen.read_sweep_file(f, check=False)
        bioxen.check_sweep_values(sweep)
        sweep = bioxen.read_sweep_file(f)
        assert len(sweep) > 0 and sweep.source.endswith(f.name)
    policies = bioxen.read_sweep_file(EXAMPLES / "sweeps" / "policies.json")
    assert policies.parameter_names == ["policy", "guests"] and len(policies) == 12
    growth = bioxen.read_sweep_file(EXAMPLES / "sweeps" / "growth_law.json")
    assert len(growth) == 21
    assert growth.parameter_values["guest_ribosome_units"] == [0, 500, 1000, 1500, 2000, 2500,
                                                               3000]


def test_run_sweep_jobs_2_equals_jobs_1():
    sweep = bioxen.parse_sweep(small_sweep())
    seen = []
    one = bioxen.run_sweep(sweep, jobs=1, on_point=seen.append)
    two = bioxen.run_sweep(sweep, jobs=2)
    assert (one["points"], one["run"], one["failed"]) == (4, 4, 0)
    assert (two["points"], two["run"], two["failed"]) == (4, 4, 0)
    assert [r["index"] for r in one["results"]] == [0, 1, 2, 3]
    assert sorted(r["index"] for r in seen) == [0, 1, 2, 3]
    for a, b in zip(one["results"], two["results"]):
        assert a["ok"] and b["ok"] and a["error"] is None and a["error_message"] == ""
        assert a["values"] == b["values"]
        assert a["metrics"] == b["metrics"]
        assert set(bioxen.sweep_point_metric_names()) <= set(a["metrics"])
    assert json.loads(json.dumps(one)) == one
    # the metrics are the point's scenario run on its own
    point = sweep.point(2)
    alone = bioxen.run_scenario(bioxen.parse_scenario(point["scenario"]), monitor=False)
    assert alone.metrics()["a.amino_acids"] == one["results"][2]["metrics"]["a.amino_acids"]


def test_a_failing_point_is_a_row():
    data = small_sweep()
    data["parameters"][1]["values"] = [4, 60]  # 60 + 8 units: more than the 68 there are
    out = bioxen.run_sweep(bioxen.parse_sweep(data), jobs=2)
    assert out["run"] == 4 and out["failed"] == 2
    failed = [r for r in out["results"] if not r["ok"]]
    assert {r["values"][1] for r in failed} == {60}
    assert all(r["error"] == "BX002" and r["error_message"] and r["metrics"] == {}
               for r in failed)


def test_python_point_function():
    sweep = bioxen.parse_sweep(small_sweep())
    threads = set()

    def point_function(point):
        threads.add(threading.get_ident())
        policy, units = point["values"]
        assert point["scenario"]["vms"][0]["allocation"]["ribosomes"] == units
        return {"units_twice": units * 2, "policy": policy, "index": point["index"]}

    out = bioxen.run_sweep(sweep, jobs=2, point_function=point_function)
    assert out["run"] == 4 and out["failed"] == 0
    for r in out["results"]:
        assert r["metrics"] == {"units_twice": r["values"][1] * 2, "policy": r["values"][0],
                                "index": r["index"]}
    assert threads and threading.get_ident() not in threads  # run on the sweep's threads

    # not a dict: a BX011, so each point fails (as a BioXenException of any point function)
    listed = bioxen.run_sweep(sweep, jobs=1, point_function=lambda p: [1, 2])
    assert listed["failed"] == 4
    assert all(r["error"] == "BX011" and "dict of metrics" in r["error_message"]
               for r in listed["results"])

    def broken(point):
        raise ZeroDivisionError("point bug")

    with pytest.raises(ZeroDivisionError, match="point bug"):
        bioxen.run_sweep(sweep, jobs=2, point_function=broken)


def test_a_bioxen_error_in_a_python_point_function_fails_that_point():
    sweep = bioxen.parse_sweep(small_sweep())

    def point_function(point):
        if point["index"] == 1:
            raise bioxen.InvalidArgumentError("no good", details={"index": 1})
        return {"ok": 1}

    out = bioxen.run_sweep(sweep, jobs=1, point_function=point_function)
    assert out["run"] == 4 and out["failed"] == 1
    bad = out["results"][1]
    assert bad["ok"] is False and bad["error"] == "BX011" and "no good" in bad["error_message"]


def test_validate_unneeded_protein():
    v = bioxen.validate_unneeded_protein()
    assert len(v["points"]) == 32
    assert v["phi_c"] == pytest.approx(0.377)
    assert v["rms_error"] <= 0.08
    for p in v["points"]:
        assert p["model_guest_fraction"] == pytest.approx(p["unneeded_fraction"], abs=1e-3)
        assert p["error"] == pytest.approx(p["model_relative_growth"]
                                           - p["data_relative_growth"])
        assert p["medium"] in ("unneeded-A", "unneeded-B", "unneeded-C")
        assert p["host_doubling_time_min"] > 0
    other = bioxen.validate_unneeded_protein(0.45)
    assert other["phi_c"] == 0.45 and other["rms_error"] != v["rms_error"]


def test_validate_bremer_dennis():
    rows = bioxen.validate_bremer_dennis()
    assert len(rows) == len(bioxen.bremer_dennis_rows())
    for c in rows:
        assert abs(c["model_doubling_time_min"] / c["doubling_time_min"] - 1.0) <= 0.05
        assert c["model_elongation_aa_per_s"] == c["elongation_aa_per_s"]
        assert c["model_rnap_per_cell"] == c["rnap_per_cell"]
        assert abs(c["model_ribosomes_per_cell"] / c["ribosomes_per_cell"] - 1.0) <= 0.025
