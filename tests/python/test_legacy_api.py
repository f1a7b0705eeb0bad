# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""bioxen.legacy.api (factory, VM classes, BioResourceManager, ConfigManager),
api.production_config, api.enhanced_error_handling and monitoring.production_metrics."""

from __future__ import annotations

import json
import pathlib

import pytest

import bioxen
from bioxen.legacy.api import (BasicBiologicalVM, BioResourceManager, BiologicalVM,
                               ConfigManager, XCPngBiologicalVM, create_bio_vm,
                               create_biological_vm, get_supported_biological_types,
                               get_supported_vm_types, quick_start_vm,
                               validate_biological_type, validate_vm_type)
from bioxen.legacy.api.enhanced_error_handling import (BioXenErrorCode, BioXenException,
                                                       ProductionLogger)
from bioxen.legacy.api.production_config import ProductionConfig, ProductionConfigManager
from bioxen.legacy.hypervisor.core import BioXenHypervisor, VMState
from bioxen.legacy.monitoring.production_metrics import PerformanceMetrics, ProductionMonitor

XCPNG = {"xcpng_config": {"xapi_url": "https://xcp.example:443", "username": "root",
                          "password": "secret", "ssh_user": "bioxen"}}


@pytest.mark.parametrize("bio_type", ["syn3a", "ecoli", "minimal_cell"])
def test_basic_vm_of_each_organism(bio_type: str) -> None:
    vm = create_bio_vm(f"vm_{bio_type}", bio_type, "basic")
    assert isinstance(vm, BasicBiologicalVM) and isinstance(vm, BiologicalVM)
    assert (vm.vm_id, vm.get_vm_type(), vm.get_biological_type()) == (f"vm_{bio_type}", "basic", bio_type)
    assert vm.hypervisor.engine.has_vm(vm.vm_id)
    assert vm.engine_vm is not None and vm.engine_vm.get_biological_type() == bio_type


def test_vm_type_defaults_to_basic() -> None:
    assert create_bio_vm("d", "minimal_cell").get_vm_type() == "basic"


def test_each_call_gets_its_own_hypervisor_unless_one_is_given() -> None:
    a = create_bio_vm("same_id", "ecoli")
    b = create_bio_vm("same_id", "ecoli")
    assert a.hypervisor is not b.hypervisor
    shared = BioXenHypervisor()
    c = create_bio_vm("c", "ecoli", hypervisor=shared)
    d = create_bio_vm("d", "syn3a", hypervisor=shared)
    assert c.hypervisor is shared and d.hypervisor is shared and len(shared.vms) == 2
    with pytest.raises(bioxen.VmAlreadyExistsError):
        create_bio_vm("c", "ecoli", hypervisor=shared)


def test_unsupported_types_raise_value_errors() -> None:
    with pytest.raises(ValueError, match="Unsupported biological type") as e:
        create_bio_vm("x", "tardigrade")
    assert isinstance(e.value, bioxen.VmCreationFailedError) and e.value.code == "BX001"
    with pytest.raises(ValueError, match="Unsupported VM type"):
        create_bio_vm("x", "syn3a", "kvm")


def test_xcpng_requires_config() -> None:
    with pytest.raises(ValueError, match="XCP-ng VM type requires config") as e:
        create_bio_vm("x", "syn3a", "xcpng")
    assert isinstance(e.value, bioxen.InvalidConfigurationError)
    with pytest.raises(ValueError, match="XCP-ng VM type requires config"):
        create_bio_vm("x", "syn3a", "xcpng", {"xcpng_config": {"xapi_url": "https://h"}})


def test_xcpng_vm_is_reserved_but_cannot_start() -> None:
    vm = create_bio_vm("remote", "syn3a", "xcpng", XCPNG)
    assert isinstance(vm, XCPngBiologicalVM) and vm.get_vm_type() == "xcpng"
    assert vm.engine_vm.get_vm_type() == "xcpng"
    assert vm.engine_vm.config["xcpng_config"]["password"] == "***"
    assert vm.hypervisor.get_system_resources()["allocated_ribosomes"] > 0
    with pytest.raises(NotImplementedError, match="Phase 2") as e:
        vm.start()
    assert isinstance(e.value, bioxen.UnsupportedOperationError)
    assert isinstance(e.value.__cause__, bioxen.UnsupportedOperationError)  # the engine's refusal
    assert vm.get_state() is VMState.CREATED
    with pytest.raises(ValueError, match="not started"):
        vm.execute_biological_process("1s")
    assert vm.destroy() and not vm.exists()


def test_xcpng_with_a_non_url_is_kept_locally_with_a_warning() -> None:
    cfg = {"xcpng_config": {"xapi_url": "test", "username": "u", "password": "p", "ssh_user": "s"}}
    vm = create_bio_vm("loose", "syn3a", "xcpng", cfg)
    assert vm.get_vm_type() == "xcpng"
    assert "xapi_url" in vm.config_warning
    with pytest.raises(NotImplementedError, match="Phase 2"):
        vm.start()


def test_supported_types_and_validators() -> None:
    assert {"syn3a", "ecoli", "minimal_cell"} <= set(get_supported_biological_types())
    assert {"basic", "xcpng"} <= set(get_supported_vm_types())
    assert validate_biological_type("syn3a") and not validate_biological_type("invalid")
    assert validate_vm_type("basic") and not validate_vm_type("invalid")


def test_vm_lifecycle_returns_booleans_and_runs_in_the_engine() -> None:
    vm = create_bio_vm("life", "ecoli")
    assert vm.pause() is False  # not running yet
    assert vm.start() is True and vm.get_state() is VMState.RUNNING
    vm.hypervisor.run_quanta(30)
    assert vm.get_status()["amino_acids"] > 0
    assert vm.pause() and vm.get_state() is VMState.PAUSED
    assert vm.resume() and vm.stop() and vm.get_state() is VMState.STOPPED
    assert vm.get_resource_allocation().ribosomes > 0
    assert vm.destroy() is True and vm.destroy() is False
    assert vm.get_status() is None and vm.get_state() is None


def test_execute_biological_process_runs_virtual_time() -> None:
    vm = create_bio_vm("proc", "ecoli")
    vm.start()
    result = vm.execute_biological_process("10s")
    assert result["quanta"] == 100 and result["amino_acids_made"] > 0
    assert vm.hypervisor.engine.virtual_seconds == pytest.approx(10.0)
    with pytest.raises(ValueError):
        vm.execute_biological_process("replicate_dna()")
    with pytest.raises(NotImplementedError):
        vm.install_biological_package("blast")


def test_organism_specific_methods() -> None:
    syn3a = create_bio_vm("s", "syn3a")
    assert isinstance(syn3a.get_essential_genes(), list)
    with pytest.raises(ValueError, match="Operons not supported"):
        syn3a.manage_operons(["lac_operon"], "activate")
    assert syn3a.start_transcription(["dnaA"]) is True
    assert syn3a.get_state() is VMState.RUNNING
    with pytest.raises(ValueError):
        syn3a.start_transcription(["no_such_gene"])
    metrics = syn3a.get_biological_metrics()
    assert metrics["ribosome_allocation"] == syn3a.get_resource_allocation().ribosomes

    ecoli = create_bio_vm("e", "ecoli")
    assert ecoli.get_plasmid_count() == 0 and ecoli.get_essential_genes() == []
    with pytest.raises(NotImplementedError):
        ecoli.manage_operons(["lac"], "activate")
    with pytest.raises(ValueError, match="Transcription not supported"):
        ecoli.start_transcription(["lacZ"])
    assert ecoli.get_biological_metrics()["growth_phase"] in ("growing", "stalled")


def test_resource_manager_binding_and_allocation() -> None:
    vm = create_bio_vm("rm", "ecoli")
    rm = BioResourceManager(vm)
    assert rm.vm is vm and rm.hypervisor is vm.hypervisor
    assert rm.allocate_ribosomes(20) is True
    assert vm.hypervisor.engine.get_vm_allocation("rm").ribosomes == 20
    assert rm.allocate_atp(40.0) is True
    assert vm.hypervisor.engine.get_vm_allocation("rm").atp_percentage == 40.0
    assert rm.allocate_ribosomes(1000) is False  # refused by the engine
    assert vm.hypervisor.engine.get_vm_allocation("rm").ribosomes == 20
    assert rm.get_resource_usage()["ribosomes"] == 20
    assert rm.get_available_resources()["free_ribosomes"] == 48
    assert rm.get_resource_summary()["allocated_ribosomes"] == 20
    assert rm.optimize_resources_for_biological_type() is True


def test_unbound_resource_manager() -> None:
    rm = BioResourceManager()
    with pytest.raises(RuntimeError, match="bind_vm"):
        rm.allocate_atp(10.0)
    vm = create_bio_vm("bound_later", "ecoli")
    assert "bound_later" in rm.get_resource_summary()["vms"]
    rm.bind_vm(vm)
    assert rm.hypervisor is vm.hypervisor and rm.allocate_ribosomes(10)


def test_config_manager_defaults_and_validation(tmp_path: pathlib.Path) -> None:
    syn3a = ConfigManager.load_defaults("syn3a")
    assert syn3a["minimal_mode"] is True and "resource_limits" in syn3a
    assert ConfigManager.load_defaults("ecoli")["operon_management"] is True
    assert ConfigManager.load_defaults("unknown") == {}
    assert ConfigManager.validate_config({"anything": 1}, "basic") is True
    assert ConfigManager.validate_config({"xcpng_config": {"xapi_url": "x"}}, "xcpng") is False
    assert ConfigManager.validate_config(XCPNG, "xcpng") is True
    assert ConfigManager.validate_config(XCPNG, "kvm") is False
    with pytest.raises(ValueError):
        ConfigManager.check_config({"xcpng_config": {"xapi_url": "x"}}, "xcpng")
    assert ConfigManager.merge_configs({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}
    path = tmp_path / "vm.json"
    path.write_text(json.dumps({"ribosomes": 12}))
    assert ConfigManager.load_from_file(str(path))["ribosomes"] == 12
    with pytest.raises(FileNotFoundError):
        ConfigManager.load_from_file(str(tmp_path / "missing.json"))


def test_config_resource_fields_reach_the_engine() -> None:
    vm = create_bio_vm("cfg", "ecoli", "basic", {"ribosomes": 17, "priority": 3})
    a = vm.hypervisor.engine.get_vm_allocation("cfg")
    assert (a.ribosomes, a.priority) == (17, 3)


def test_convenience_factories() -> None:
    assert quick_start_vm("ecoli").vm_id == "quick_ecoli"
    vm = create_biological_vm("basic", {"biological_type": "syn3a"})
    assert vm.vm_id == "basic_syn3a_vm" and vm.get_biological_type() == "syn3a"


def test_production_config_manager(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "config.json"
    mgr = ProductionConfigManager(path)
    assert isinstance(mgr.config, ProductionConfig)
    assert mgr.config.total_ribosomes == 80 and mgr.config_path == path
    assert all(mgr.validate_production_requirements().values())
    mgr.config.max_vms = 12
    assert mgr.validate_production_requirements()["vm_limits_reasonable"] is False
    mgr.config.max_vms = 6
    mgr.save_config()
    assert json.loads(path.read_text())["max_vms"] == 6
    again = ProductionConfigManager(path)
    assert again.config.max_vms == 6 and again.sources["max_vms"] == "file"
    hv = BioXenHypervisor(config=again.engine_config())
    assert hv.max_vms == 4  # the constructor's max_vms wins, as in the original signature


def test_production_monitor_reads_the_engine() -> None:
    hv = BioXenHypervisor()
    mon = ProductionMonitor(hv)
    hv.create_vm("a", "ecoli")
    hv.start_vm("a")
    hv.start_vm("ghost")
    util = mon._collect_resource_metrics()
    assert util["ribosome_utilization"] > 0
    summary = mon.get_performance_summary()
    for key in ("vm_operations", "operation_statistics", "resource_utilization",
                "uptime_hours", "error_rate"):
        assert key in summary
    assert summary["error_rate"] > 0  # the failed start of "ghost"
    assert isinstance(mon.metrics, PerformanceMetrics)
    assert mon.start_monitoring(0.05) is True and mon.is_monitoring()
    assert mon.stop_monitoring() is True
    assert "bioxen_" in mon.to_prometheus()
    with pytest.raises(TypeError):
        ProductionMonitor(object())


def test_enhanced_error_handling() -> None:
    assert BioXenErrorCode.VM_CREATION_FAILED.value == "BX001"
    assert BioXenErrorCode.INVALID_CONFIGURATION.value == "BX005"
    assert BioXenErrorCode.VM_NOT_FOUND.value == "BX006"
    e = BioXenException(BioXenErrorCode.HYPERVISOR_OVERLOAD, "too many", {"max_vms": 4})
    assert isinstance(e, bioxen.BioXenException)
    assert e.code == "BX004" and e.error_code is BioXenErrorCode.HYPERVISOR_OVERLOAD
    assert str(e) == "[BX004] too many" and e.details == {"max_vms": 4}
    ProductionLogger("legacy-test").log_vm_operation("start_vm", "a", True, {"x": 1})
