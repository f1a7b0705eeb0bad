# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""ProductionMonitor, its samples and summaries, Prometheus text, ProductionLogger."""

from __future__ import annotations

import json
import time

import pytest

import bioxen


def test_monitor_samples_and_summary(running_hv):
    options = bioxen.MonitorOptions(history_capacity=3, latency_sample_period=1, max_vm_shares=8,
                                    sample_vms=True, latency_window=50)
    assert (options.history_capacity, options.latency_sample_period, options.max_vm_shares,
            options.sample_vms, options.latency_window) == (3, 1, 8, True, 50)
    assert repr(options).startswith("MonitorOptions(latency_window=50, history_capacity=3")
    with pytest.raises(TypeError):
        bioxen.MonitorOptions(history=3)
    mon = bioxen.ProductionMonitor(running_hv, options)
    running_hv.start_vm("g2")
    running_hv.run_quanta(20)
    sample = mon.sample_now()
    assert isinstance(sample, bioxen.MonitorSample)
    d = sample.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert sample.vms == 2 and sample.running_vms == 2
    assert sample.virtual_time_seconds == pytest.approx(2.0)
    assert 0.0 < sample.fairness_index <= 1.0
    assert sample.fairness_index == pytest.approx(
        bioxen.jain_fairness_index([s["service_share"] for s in sample.vm_shares]))
    assert isinstance(bioxen.ResourceUtilization.from_dict(d["resource_utilization"]),
                      bioxen.ResourceUtilization)
    share = bioxen.VmServiceShare.from_dict(d["vm_shares"][0])
    assert share.vm_id in ("g1", "g2")
    assert bioxen.HostStatus.from_dict(d["host"]).state == "growing"
    for _ in range(4):
        mon.sample_now()
    assert mon.samples_taken() == 5 and len(mon.history()) == 3  # capacity 3
    assert mon.latest_sample().to_dict()["vms"] == 2
    summary = mon.get_performance_summary()
    assert isinstance(summary, bioxen.PerformanceSummary)
    s = summary.to_dict()
    assert json.loads(json.dumps(s)) == s
    assert summary.total_operations >= 1 and summary.failed_operations == 0
    assert isinstance(bioxen.SchedulingSnapshot.from_dict(s["scheduling"]),
                      bioxen.SchedulingSnapshot)
    assert isinstance(bioxen.QuantumTotals.from_dict(s["quanta"]), bioxen.QuantumTotals)
    stats = s["operation_statistics"]
    some = next(iter(stats.values()))
    assert isinstance(bioxen.LatencyStats.from_dict(some), bioxen.LatencyStats)
    text = mon.to_prometheus()
    assert "# TYPE bioxen_operation_error_ratio gauge" in text
    assert bioxen.to_prometheus(summary).startswith("# HELP")


def test_monitor_counts_failures(running_hv):
    mon = bioxen.ProductionMonitor(running_hv, bioxen.MonitorOptions(latency_sample_period=1))
    with pytest.raises(bioxen.VmNotFoundError):
        running_hv.start_vm("nope")
    summary = mon.get_performance_summary().to_dict()
    assert summary["failed_operations"] == 1
    assert summary["error_counts"].get("BX006") == 1


def test_background_monitoring(running_hv):
    mon = bioxen.ProductionMonitor(running_hv)
    assert not mon.is_monitoring()
    assert mon.start_monitoring(0.01) is True
    assert mon.start_monitoring(0.01) is False  # already running
    assert mon.is_monitoring() and mon.interval_seconds == pytest.approx(0.01)
    deadline = time.monotonic() + 5.0
    while mon.samples_taken() < 2 and time.monotonic() < deadline:
        running_hv.run_quanta(1)
        time.sleep(0.01)
    mon.stop_monitoring()
    assert not mon.is_monitoring() and mon.samples_taken() >= 2


def test_jain_fairness_index():
    assert bioxen.jain_fairness_index([1.0, 1.0, 1.0]) == 1.0
    assert bioxen.jain_fairness_index([1.0, 0.0]) == 0.5
    assert bioxen.jain_fairness_index([3.0, 1.0]) == pytest.approx(16 / 20)


def test_production_logger(capfd, running_hv):
    log = bioxen.ProductionLogger("pytest", bioxen.LogFormat.json, "DEBUG")
    assert log.name.endswith("pytest") and log.format == bioxen.LogFormat.json
    assert log.level() == "DEBUG"
    log.debug("d", {"k": 1})
    log.info("hello", {"answer": 42})
    log.warning("w")
    log.error("e", {"x": "y"})
    log.log_vm_operation("start", "g1", True, {"ribosomes": 10})
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert "hello" in messages and "d" in messages and "w" in messages and "e" in messages
    hello = next(line for line in lines if line["message"] == "hello")
    assert hello["answer"] == 42 and hello["level"] == "INFO"
    log.set_level("ERROR")
    assert log.level() == "ERROR"
    log.info("quiet")
    assert "quiet" not in capfd.readouterr().err
    with pytest.raises(bioxen.InvalidConfigurationError):
        log.set_level("LOUD")
    text = bioxen.ProductionLogger("pytest-text", format="text", level="INFO")
    assert text.format == bioxen.LogFormat.text
    observer = text.make_observer()
    assert isinstance(observer, bioxen.HypervisorObserver)
    running_hv.add_observer(observer)
    running_hv.start_vm("g2")
    assert "g2" in capfd.readouterr().err
    from_config = bioxen.ProductionLogger("pytest-config",
                                          bioxen.ProductionConfig(log_level="WARNING"))
    assert from_config.level() == "WARNING"
