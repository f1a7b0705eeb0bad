# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""ProductionConfig, ConfigManager and ProductionConfigManager."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import bioxen

FIELDS = ["max_vms", "total_ribosomes", "hypervisor_overhead", "scheduling_quantum_ms",
          "enable_monitoring", "log_level", "metrics_collection", "max_ribosome_allocation",
          "max_atp_percentage", "max_memory_kb", "emergency_ribosome_reserve",
          "resource_warning_threshold", "scheduler_policy", "context_switch_ms",
          "fair_share_cap_ribosomes", "work_model", "pause_mechanism", "destroy_mechanism",
          "transcription_isolation", "orthogonal_pool", "orthogonal_pool_fraction",
          "orthogonal_pool_max_fraction"]


def test_production_config_defaults_and_fields():
    c = bioxen.ProductionConfig()
    d = c.to_dict()
    assert sorted(d) == sorted(FIELDS)
    assert json.loads(json.dumps(d)) == d
    assert (c.max_vms, c.total_ribosomes, c.hypervisor_overhead, c.scheduling_quantum_ms) == (
        4, 80, 0.15, 100)
    assert c.available_ribosomes() == 68
    assert c.scheduler_policy == bioxen.SchedulerPolicy.round_robin
    assert c.work_model == bioxen.WorkModel.physiological
    assert c.pause_mechanism == bioxen.PauseMechanism.freeze
    assert c.destroy_mechanism == bioxen.DestroyMechanism.release
    assert c.transcription_isolation == bioxen.TranscriptionIsolation.host_rnap
    assert c.orthogonal_pool == bioxen.OrthogonalPoolAllocation.fixed
    for field in FIELDS:
        value = getattr(c, field)
        expected = d[field]
        assert (str(value) if not isinstance(value, (bool, int, float, str)) else value) == \
            expected, field
    c.validate()


def test_production_config_keywords_and_value_methods():
    c = bioxen.ProductionConfig(max_vms=8, total_ribosomes=200, scheduler_policy="priority",
                                orthogonal_pool_fraction=0.3, log_level="ERROR",
                                enable_monitoring=False, metrics_collection=False,
                                max_ribosome_allocation=100, max_atp_percentage=80.0,
                                max_memory_kb=2048, emergency_ribosome_reserve=5,
                                resource_warning_threshold=0.9, context_switch_ms=1.0,
                                fair_share_cap_ribosomes=10, work_model="capacity",
                                pause_mechanism=bioxen.PauseMechanism.freeze,
                                destroy_mechanism="release",
                                transcription_isolation="host_rnap", orthogonal_pool="fixed",
                                orthogonal_pool_max_fraction=0.4, hypervisor_overhead=0.1,
                                scheduling_quantum_ms=50)
    assert c.max_vms == 8 and c.scheduler_policy == bioxen.SchedulerPolicy.priority
    assert c.available_ribosomes() == 180
    with pytest.raises(TypeError, match="max_vm"):
        bioxen.ProductionConfig(max_vm=3)
    assert bioxen.ProductionConfig.from_dict(c.to_dict()) == c
    for other in (copy.copy(c), copy.deepcopy(c), pickle.loads(pickle.dumps(c))):
        assert other == c
    assert repr(c).startswith("ProductionConfig(context_switch_ms=1.0, ")
    assert bioxen.production_config_from_json({"max_vms": 2}).max_vms == 2
    d = c.to_dict()
    assert bioxen.production_config_from_json(d, "mine") == c


def test_pickle_of_a_config_that_does_not_validate():
    c = bioxen.ProductionConfig(max_vms=0)
    assert pickle.loads(pickle.dumps(c)).max_vms == 0
    with pytest.raises(bioxen.InvalidConfigurationError):
        c.validate()


def test_config_manager():
    d = bioxen.ConfigManager.load_defaults("syn3a")
    assert isinstance(d, dict) and d
    d2 = bioxen.ConfigManager.load_defaults("ecoli", bioxen.ProductionConfig(max_vms=2))
    assert isinstance(d2, dict) and d2
    basic = bioxen.ConfigManager.get_default_config()
    assert basic == bioxen.ConfigManager.get_default_config("syn3a", "basic")
    assert bioxen.ConfigManager.validate_config(basic) is True
    assert bioxen.ConfigManager.validate_config({}, "xcpng") is False
    bioxen.ConfigManager.check_config(basic)
    with pytest.raises(bioxen.InvalidConfigurationError, match="xcpng"):
        bioxen.ConfigManager.check_config({}, "xcpng")
    merged = bioxen.ConfigManager.merge_configs({"a": 1, "b": {"c": 2, "d": 3}},
                                                {"b": {"c": 4}, "e": 5})
    assert merged == {"a": 1, "b": {"c": 4, "d": 3}, "e": 5}


def test_config_manager_load_from_file(tmp_path):
    f = tmp_path / "vm.json"
    f.write_text(json.dumps({"biological_type": "syn3a", "resources": {"ribosomes": 10}}))
    loaded = bioxen.ConfigManager.load_from_file(str(f))
    assert loaded["biological_type"] == "syn3a"
    with pytest.raises(bioxen.BioXenIOError):
        bioxen.ConfigManager.load_from_file(str(tmp_path / "missing.json"))


def test_production_config_manager(tmp_path, monkeypatch):
    monkeypatch.setenv("BIOXEN_MAX_VMS", "7")
    f = tmp_path / "config.json"
    f.write_text(json.dumps({"total_ribosomes": 120}))
    m = bioxen.ProductionConfigManager(f)
    assert m.loaded_from_file is True
    assert str(m.config_path) == str(f)
    assert m.config.total_ribosomes == 120 and m.config.max_vms == 7
    assert m.sources["total_ribosomes"] == "file"
    assert m.sources["max_vms"] == "BIOXEN_MAX_VMS"  # the variable it came from
    assert m.sources["hypervisor_overhead"] == "default"
    assert bioxen.ProductionConfigManager.environment_variable("max_vms") == "BIOXEN_MAX_VMS"
    assert "max_vms" in bioxen.ProductionConfigManager.field_names()
    assert str(bioxen.ProductionConfigManager.default_config_path()).endswith("config.json")
    assert repr(m) == f"ProductionConfigManager(config_path={str(f)!r})"
    m.config = bioxen.ProductionConfig(max_vms=3)
    m.save_config()
    saved = json.loads(f.read_text())
    assert saved["max_vms"] == 3
    f.write_text(json.dumps({"total_ribosomes": 90}))
    m.reload()
    assert m.config.total_ribosomes == 90 and m.config.max_vms == 7
    assert isinstance(m.validate_production_requirements(), (bool, list, dict))
    monkeypatch.setenv("BIOXEN_MAX_VMS", "zero")
    with pytest.raises(bioxen.InvalidConfigurationError, match="BIOXEN_MAX_VMS"):
        m.reload()
    monkeypatch.delenv("BIOXEN_MAX_VMS")
    monkeypatch.setenv("HOME", str(tmp_path))
    m2 = bioxen.ProductionConfigManager()
    assert m2.config.max_vms in (3, 4)
