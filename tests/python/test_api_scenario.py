# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Scenarios (the `bioxen run` schema) from dicts and files, run with Python callbacks."""

from __future__ import annotations

import json

import pytest

import bioxen

from conftest import EXAMPLES, small_scenario


def test_parse_scenario():
    s = bioxen.parse_scenario(small_scenario(50))
    assert isinstance(s, bioxen.Scenario)
    assert s.name == "pytest" and s.description.startswith("two guests")
    assert s.source == "<dict>" and s.chassis_name == "ecoli"
    assert isinstance(s.chassis, bioxen.ChassisProfile)
    assert s.quanta == 50 and s.length_text == "50 quanta" and s.warnings == []
    assert s.vm_ids == ["a", "b"] and s.event_count == 2
    assert s.quantum_seconds() == pytest.approx(0.1)
    assert s.config.log_level == "WARNING"
    assert repr(s) == "Scenario('pytest', 2 VMs, 2 events, 50 quanta)"
    d = s.to_dict()  # the parsed form: config and chassis in full
    assert json.loads(json.dumps(d)) == d
    assert d["chassis_profile"]["name"] == "E. coli K-12 MG1655"
    assert d["config"]["scheduler_policy"] == "fair_share" and len(d["vms"]) == 2
    again = bioxen.parse_scenario(small_scenario(50), "again")
    assert again.vm_ids == s.vm_ids and again.quanta == 50 and again.source == "again"
    s.quanta = 60
    assert s.quanta == 60
    s.config = bioxen.ProductionConfig(log_level="ERROR")
    assert s.config.log_level == "ERROR"
    longer = bioxen.parse_scenario(small_scenario(50), quanta=70)
    assert longer.quanta == 70
    timed = bioxen.parse_scenario(small_scenario(50), duration="3s")
    assert timed.quanta == 30


def test_parse_scenario_errors():
    bad = small_scenario()
    bad["vms"][0]["alocation"] = bad["vms"][0].pop("allocation")
    with pytest.raises(bioxen.InvalidConfigurationError, match="did you mean"):
        bioxen.parse_scenario(bad)
    late = small_scenario(10)
    with pytest.raises(bioxen.InvalidConfigurationError, match="after the end of the run"):
        bioxen.parse_scenario(late)


def test_read_scenario_file():
    for f in sorted((EXAMPLES / "scenarios").glob("*.json")):
        s = bioxen.read_scenario_file(f, quanta=5)
        assert s.quanta == 5 and s.source.endswith(f.name), f
    s = bioxen.read_scenario_file(EXAMPLES / "scenarios" / "two_guests.json", duration="40s")
    assert s.name == "two-guests" and s.quanta == 400 and s.event_count == 2
    with pytest.raises(bioxen.BioXenIOError):
        bioxen.read_scenario_file(EXAMPLES / "scenarios" / "missing.json")


def test_durations():
    assert bioxen.parse_duration("2.5s") == 2.5
    assert bioxen.parse_duration("10m") == 600.0
    assert bioxen.parse_duration("1h") == 3600.0
    assert bioxen.parse_duration("500ms") == pytest.approx(0.5)
    with pytest.raises(bioxen.InvalidConfigurationError, match="timeout"):
        bioxen.parse_duration("soon", "timeout")
    assert bioxen.format_virtual_seconds(150.0) == "2 min 30.0 s"
    assert bioxen.format_virtual_seconds(1.0) == "1.000 s"


def test_run_scenario_with_callbacks():
    s = bioxen.parse_scenario(small_scenario(50))
    calls = []
    progress = []
    alone = []
    recorders = []

    def on_hypervisor(hv):
        calls.append(("hypervisor", hv.vm_count()))
        recorders.append(bioxen.record(hv, every=5))

    result = bioxen.run_scenario(
        s, on_hypervisor=on_hypervisor, on_host_alone=alone.append,
        on_event=lambda action, vm, quantum: calls.append((action, vm, quantum)),
        on_progress=lambda done, total: progress.append((done, total)), prometheus=True)
    assert calls == [("hypervisor", 0), ("pause", "b", 10), ("resume", "b", 20)]
    assert progress[-1] == (50, 50) and all(t == 50 for _, t in progress)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(alone) == 1 and isinstance(alone[0], bioxen.HostStatus)
    assert isinstance(result, bioxen.ScenarioResult)
    assert [v.vm_id for v in result.vms] == ["a", "b"] and result.destroyed == []
    assert isinstance(result.resources, bioxen.SystemResources)
    assert result.resources.quanta == 50
    assert [(e.action, e.vm, e.quantum) for e in result.events] == [("pause", "b", 10),
                                                                   ("resume", "b", 20)]
    e = result.events[0]
    assert isinstance(e, bioxen.AppliedEvent)
    assert e.seconds == pytest.approx(1.0) and e.field == "events[0]"
    assert repr(e) == "AppliedEvent(pause b at 1.000 s)"
    assert isinstance(result.performance, bioxen.PerformanceSummary)
    assert "bioxen_" in result.prometheus
    assert result.chassis_info["name"] == "E. coli K-12 MG1655"
    assert result.resource_summary["total_vms"] == 2
    assert result.host_alone == alone[0]
    assert result.host.growth_rate_per_h < result.host_alone.growth_rate_per_h
    assert result.wall_seconds > 0
    assert [g.vm_id for g in result.guests] == ["a", "b"]
    g = result.guests[0]
    assert isinstance(g, bioxen.GuestShare)
    assert 0 < g.translation_share < 1 and 0 < g.ribosome_share < 1
    assert g.amino_acids_per_s > 0 and g.ribosomes_on_chains > 0
    assert repr(g).startswith("GuestShare('a', translation_share=")
    assert repr(result).startswith("ScenarioResult(2 VMs, host growth ")
    metrics = result.metrics()
    assert set(bioxen.sweep_point_metric_names()) <= set(metrics)
    for vm in ("a", "b"):
        for name in bioxen.sweep_vm_metric_names():
            assert f"{vm}.{name}" in metrics
    assert metrics["a.amino_acids"] == result.vms[0].amino_acids
    assert json.loads(json.dumps(metrics)) == metrics
    cols = recorders[0].columns()
    assert len(recorders[0]) == 10
    assert abs(cols["amino_acids:a"].sum() - result.vms[0].amino_acids) < 1.0


def test_run_scenario_options_and_a_failing_callback():
    s = bioxen.parse_scenario(small_scenario(30))
    plain = bioxen.run_scenario(s, monitor=False)
    factory = bioxen.run_scenario(s, use_factory=True)
    assert plain.metrics()["a.amino_acids"] == factory.metrics()["a.amino_acids"]
    assert plain.prometheus == ""

    def boom(action, vm, quantum):
        raise KeyError("callback failed")

    with pytest.raises(KeyError, match="callback failed"):
        bioxen.run_scenario(s, on_event=boom)


def test_a_refused_event_stops_the_run_with_its_code():
    d = small_scenario(30)
    d["events"].append({"at": 25, "action": "resume", "vm": "a"})
    with pytest.raises(bioxen.InvalidStateTransitionError):
        bioxen.run_scenario(bioxen.parse_scenario(d))
