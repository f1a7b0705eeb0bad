# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""bioxen.legacy.hypervisor.core and bioxen.legacy.chassis: the original library's
hypervisor API, its True/False error style, and that the C++ engine does the work."""

from __future__ import annotations

import pytest

import bioxen
from bioxen.legacy.chassis import (ChassisType, EcoliChassis, YeastChassis,
                                   chassis_for_type)
from bioxen.legacy.hypervisor.core import (BioXenHypervisor, ResourceAllocation,
                                           VirtualMachine, VMState)


@pytest.fixture
def hv() -> BioXenHypervisor:
    return BioXenHypervisor(max_vms=4, total_ribosomes=80)


def test_construction_reports_the_engine_numbers(hv: BioXenHypervisor) -> None:
    assert hv.max_vms == 4
    assert hv.total_ribosomes == 80
    assert hv.available_ribosomes == 68  # 15 % overhead kept by the engine
    assert hv.hypervisor_overhead == pytest.approx(0.15)
    assert len(hv.vms) == 0 and hv.active_vm is None
    assert isinstance(hv.engine, bioxen.BioXenHypervisor)
    assert hv.engine.max_vms == 4


def test_total_ribosomes_defaults_to_the_chassis_units() -> None:
    assert BioXenHypervisor().total_ribosomes == 80
    assert BioXenHypervisor(chassis_type=ChassisType.YEAST).total_ribosomes == 200000


def test_unknown_chassis_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Unsupported chassis type"):
        BioXenHypervisor(chassis_type=ChassisType.MAMMALIAN)


def test_create_vm_keeps_template_and_explicit_allocation(hv: BioXenHypervisor) -> None:
    ok = hv.create_vm("g1", "syn3a_minimal",
                      ResourceAllocation(ribosomes=20, atp_percentage=25.0, memory_kb=120))
    assert ok is True
    vm = hv.vms["g1"]
    assert isinstance(vm, VirtualMachine)
    assert vm.vm_id == "g1" and vm.genome_template == "syn3a_minimal"
    assert vm.state is VMState.CREATED
    assert (vm.resources.ribosomes, vm.resources.atp_percentage, vm.resources.memory_kb) == (20, 25.0, 120)
    # the reservation is the engine's
    assert hv.engine.get_vm_allocation("g1").ribosomes == 20


def test_syn3a_template_runs_recoded_on_ecoli(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("g1", "syn3a_minimal")
    assert hv.vms["g1"].genome == "syn3a_recoded"
    syn3a_host = BioXenHypervisor(chassis_type=ChassisType.SYN3A)
    assert syn3a_host.create_vm("g1", "syn3a_minimal")
    assert syn3a_host.vms["g1"].genome == "syn3a"


def test_default_allocation_is_the_engine_share(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("g1")
    expected = hv.engine.default_allocation("syn3a_recoded")
    got = hv.vms["g1"].resources
    assert (got.ribosomes, got.atp_percentage) == (expected.ribosomes, expected.atp_percentage)


def test_zero_fields_of_a_request_get_the_default_share(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("g1", "ecoli", ResourceAllocation(ribosomes=12))
    res = hv.vms["g1"].resources
    assert res.ribosomes == 12 and res.memory_kb > 0 and res.rna_polymerase > 0


def test_vm_limit_returns_false(hv: BioXenHypervisor) -> None:
    assert all(hv.create_vm(f"g{i}") for i in range(4))
    assert hv.create_vm("g4") is False
    assert isinstance(hv.last_error, bioxen.HypervisorOverloadError)
    assert len(hv.vms) == 4


def test_duplicate_id_returns_false(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("same") is True
    assert hv.create_vm("same") is False
    assert isinstance(hv.last_error, bioxen.VmAlreadyExistsError)


def test_admission_refusal_returns_false(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("big", "ecoli", ResourceAllocation(ribosomes=70)) is False
    assert isinstance(hv.last_error, bioxen.ResourceAllocationError)
    assert "big" not in hv.vms


def test_unknown_genome_returns_false(hv: BioXenHypervisor) -> None:
    assert hv.create_vm("g1", "no_such_genome") is False
    assert isinstance(hv.last_error, bioxen.VmCreationFailedError)


def test_lifecycle_goes_through_the_engine(hv: BioXenHypervisor) -> None:
    hv.create_vm("g1")
    assert hv.start_vm("g1") and hv.vms["g1"].start_time is not None
    assert hv.engine.get_vm_state("g1") == bioxen.VMState.running
    assert hv.pause_vm("g1") and hv.vms["g1"].state is VMState.PAUSED
    assert hv.resume_vm("g1") and hv.vms["g1"].state is VMState.RUNNING
    assert hv.stop_vm("g1") and hv.vms["g1"].state is VMState.STOPPED
    assert hv.start_vm("g1")  # stopped -> running, as the original allowed
    assert hv.destroy_vm("g1") and "g1" not in hv.vms
    assert not hv.engine.has_vm("g1")


def test_refused_transitions_return_false(hv: BioXenHypervisor) -> None:
    assert hv.start_vm("ghost") is False
    assert isinstance(hv.last_error, bioxen.VmNotFoundError)
    hv.create_vm("g1")
    assert hv.pause_vm("g1") is False  # created, not running
    assert isinstance(hv.last_error, bioxen.InvalidStateTransitionError)
    assert hv.resume_vm("g1") is False
    hv.start_vm("g1")
    assert hv.start_vm("g1") is False  # already running
    assert hv.destroy_vm("ghost") is False


def test_status_dict_has_the_original_keys(hv: BioXenHypervisor) -> None:
    hv.create_vm("g1", "syn3a_minimal",
                 ResourceAllocation(ribosomes=15, atp_percentage=20.0, memory_kb=100))
    hv.start_vm("g1")
    status = hv.get_vm_status("g1")
    assert status["vm_id"] == "g1" and status["state"] == "running"
    assert status["ribosome_allocation"] == 15
    assert status["atp_percentage"] == 20.0 and status["memory_kb"] == 100
    assert status["uptime_seconds"] >= 0 and "cpu_time_used" in status
    assert hv.get_vm_status("ghost") is None
    assert [s["vm_id"] for s in hv.list_vms()] == ["g1"]


def test_system_resources_follow_reservations(hv: BioXenHypervisor) -> None:
    r = hv.get_system_resources()
    assert (r["total_ribosomes"], r["available_ribosomes"], r["allocated_ribosomes"],
            r["free_ribosomes"], r["active_vms"]) == (80, 68, 0, 68, 0)
    assert r["total_atp_allocated"] == 0 and r["hypervisor_overhead"] == pytest.approx(0.15)
    hv.create_vm("g1", "syn3a_minimal", ResourceAllocation(ribosomes=20, atp_percentage=30.0))
    hv.start_vm("g1")
    r = hv.get_system_resources()
    assert (r["allocated_ribosomes"], r["free_ribosomes"], r["active_vms"]) == (20, 48, 1)
    assert r["total_atp_allocated"] == 30.0
    hv.destroy_vm("g1")
    assert hv.get_system_resources()["allocated_ribosomes"] == 0


def test_run_scheduler_runs_the_engine_and_sets_active_vm(hv: BioXenHypervisor) -> None:
    hv.create_vm("a")
    hv.create_vm("b")
    hv.run_scheduler()  # nothing running: nothing to run
    assert hv.active_vm is None
    hv.start_vm("a")
    hv.start_vm("b")
    before = hv.engine.quanta_elapsed
    seen = set()
    for _ in range(30):
        hv.run_scheduler()
        seen.add(hv.active_vm)
    assert hv.engine.quanta_elapsed == before + 30
    assert seen == {"a", "b"}  # round robin in the engine
    made = {v: hv.engine.get_vm_status(v).amino_acids for v in ("a", "b")}
    assert made["a"] > 0 and made["b"] > 0
    assert hv.vms["a"].cpu_time_used > 0


def test_paused_vm_makes_nothing(hv: BioXenHypervisor) -> None:
    hv.create_vm("a")
    hv.start_vm("a")
    hv.run_quanta(20)
    hv.pause_vm("a")
    frozen = hv.engine.get_vm_status("a").amino_acids
    hv.run_quanta(20)
    assert hv.engine.get_vm_status("a").amino_acids == frozen


def test_destroying_the_active_vm_clears_it(hv: BioXenHypervisor) -> None:
    hv.create_vm("a")
    hv.start_vm("a")
    hv.run_scheduler()
    assert hv.active_vm == "a"
    hv.destroy_vm("a")
    assert hv.active_vm is None


def test_reallocate_changes_the_engine_reservation(hv: BioXenHypervisor) -> None:
    hv.create_vm("a")
    assert hv.reallocate_vm("a", ResourceAllocation(ribosomes=25))
    assert hv.engine.get_vm_allocation("a").ribosomes == 25
    assert hv.reallocate_vm("a", ResourceAllocation(ribosomes=500)) is False


def test_vms_mapping_reflects_engine_changes(hv: BioXenHypervisor) -> None:
    hv.engine.create_vm("direct", "ecoli")  # made behind the legacy layer's back
    assert "direct" in hv.vms and list(hv.vms) == ["direct"]
    assert hv.vms["direct"].state is VMState.CREATED
    with pytest.raises(KeyError):
        hv.vms["ghost"]


def test_resource_allocation_dataclass_defaults() -> None:
    r = ResourceAllocation()
    assert (r.ribosomes, r.atp_percentage, r.rna_polymerase, r.memory_kb, r.priority) == (0, 0.0, 0, 0, 1)
    e = ResourceAllocation(ribosomes=25, atp_percentage=30.0, rna_polymerase=5,
                           memory_kb=150, priority=3).to_engine()
    assert (e.ribosomes, e.atp_percentage, e.rna_polymerase, e.memory_kb, e.priority) == (25, 30.0, 5, 150, 3)
    assert ResourceAllocation().to_engine().memory_kb == -1


def test_vmstate_maps_every_engine_state() -> None:
    for name, member in bioxen.VMState.__members__.items():
        assert VMState.from_engine(member).value == name


def test_hypervisor_chassis_is_a_view_of_its_engine(hv: BioXenHypervisor) -> None:
    assert isinstance(hv.chassis, EcoliChassis)
    caps = hv.chassis.get_capabilities()
    assert caps.max_ribosomes == 80 and not caps.has_nucleus
    assert caps.memory_architecture == "prokaryotic"
    hv.create_vm("g1", "ecoli", ResourceAllocation(ribosomes=10))
    assert hv.chassis.active_vms["g1"]["ribosomes"] == 10
    assert hv.chassis.get_resource_status().available_ribosomes == 58
    info = hv.get_chassis_info()
    assert info["chassis_type"] == "ecoli" and info["active_vms"] == 1
    assert info["engine"]["genetic_codes"] == [11]


def test_standalone_chassis_allocates_in_an_engine() -> None:
    chassis = YeastChassis()
    assert chassis.initialize()
    caps = chassis.get_capabilities()
    assert caps.has_nucleus and caps.memory_architecture == "eukaryotic"
    free = chassis.get_resource_status().available_ribosomes
    assert chassis.allocate_resources("v1", {"ribosomes": 50, "atp_percentage": 20.0})
    assert chassis.get_resource_status().available_ribosomes == free - 50
    assert chassis.engine.has_vm("v1")
    assert chassis.allocate_resources("v1", {"ribosomes": 1}) is False  # duplicate
    assert chassis.create_isolation_environment("v1")
    assert chassis.deallocate_resources("v1")
    assert chassis.deallocate_resources("v1") is False
    assert chassis.get_resource_status().available_ribosomes == free


def test_chassis_for_unsupported_type_fails_to_initialize() -> None:
    assert chassis_for_type(ChassisType.PLANT).initialize() is False
