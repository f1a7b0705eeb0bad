# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""BioXenHypervisor: construction, the VM lifecycle, queries, running, snapshots."""

from __future__ import annotations

import datetime
import json

import pytest

import bioxen

from conftest import state_of

A = bioxen.ResourceAllocation


def test_construction():
    hv = bioxen.BioXenHypervisor()
    assert isinstance(hv.chassis, bioxen.ChassisProfile) and hv.chassis.base == "ecoli"
    assert hv.max_vms == 4 and hv.config.max_vms == 4
    assert len(hv) == 0 and hv.vm_count() == 0
    assert repr(hv) == "BioXenHypervisor(chassis='ecoli', vms=0/4, virtual_seconds=0.0)"
    config = bioxen.ProductionConfig(max_vms=6, scheduler_policy="fair_share", log_level="WARNING")
    hv2 = bioxen.BioXenHypervisor(config, bioxen.ChassisType.yeast)
    assert hv2.chassis.base == "yeast" and hv2.max_vms == 6
    assert hv2.get_system_resources().scheduler_policy == "fair_share"
    assert hv2.config == config
    profile = bioxen.chassis_profile(bioxen.ChassisType.ecoli, 60.0)
    hv3 = bioxen.BioXenHypervisor(config=config, chassis=profile)
    assert hv3.get_chassis_info()["doubling_time_min"] == 60.0
    with pytest.raises(TypeError):
        bioxen.BioXenHypervisor(chasis="ecoli")


def test_lifecycle(hv):
    hv.create_vm("g", "ecoli", A(ribosomes=10))
    assert hv.has_vm("g") and "g" in hv and "h" not in hv and len(hv) == 1
    assert hv.get_vm_state("g") == bioxen.VMState.created
    hv.start_vm("g")
    assert hv.get_vm_state("g") == bioxen.VMState.running
    hv.pause_vm("g")
    assert hv.get_vm_state("g") == bioxen.VMState.paused
    assert hv.get_system_resources().paused_vms == 1
    hv.resume_vm("g")
    assert hv.get_vm_state("g") == bioxen.VMState.running
    hv.stop_vm("g")
    assert hv.get_vm_state("g") == bioxen.VMState.stopped
    hv.destroy_vm("g")
    assert not hv.has_vm("g") and hv.list_vm_ids() == []
    assert hv.get_system_resources().allocated_ribosomes == 0
    counts = hv.operation_counts()
    for op in ("create_vm", "start_vm", "pause_vm", "resume_vm", "stop_vm", "destroy_vm"):
        assert counts[op] == {"succeeded": 1, "failed": 0}, op
    assert counts["fail_vm"]["succeeded"] == 0
    assert json.loads(json.dumps(counts)) == counts


def test_fail_vm_and_reallocate(running_hv):
    running_hv.fail_vm("g1", "injected fault")
    s = running_hv.get_vm_status("g1")
    assert s.state == bioxen.VMState.error and s.error_reason == "injected fault"
    running_hv.reallocate_vm("g2", A(ribosomes=12, priority=3))
    alloc = running_hv.get_vm_allocation("g2")
    assert isinstance(alloc, A)
    assert alloc.ribosomes == 12 and alloc.priority == 3
    assert running_hv.operation_counts()["reallocate_vm"]["succeeded"] == 1


def test_queries(running_hv):
    assert running_hv.list_vm_ids() == ["g1", "g2"]
    statuses = running_hv.list_vms()
    assert [s.vm_id for s in statuses] == ["g1", "g2"]
    assert all(isinstance(s, bioxen.VmStatus) for s in statuses)
    d = running_hv.default_allocation("ecoli")
    assert isinstance(d, A) and d.ribosomes > 0 and d.memory_kb == 1024
    info = running_hv.get_chassis_info()
    assert info["name"] == "E. coli K-12 MG1655" and info["genetic_codes"] == [11]
    host = running_hv.get_host_status()
    assert isinstance(host, bioxen.HostStatus)
    assert host.state == "growing" and host.modelled is True
    assert host.doubling_time_min == pytest.approx(39.77, abs=0.05)
    assert json.loads(json.dumps(host.to_dict())) == host.to_dict()
    with pytest.raises(AttributeError):
        host.no_such_field
    assert "doubling_time_min" in dir(host)


def test_running(running_hv):
    assert running_hv.quanta_elapsed == 0 and running_hv.virtual_seconds == 0.0
    left = running_hv.quanta_left
    assert running_hv.run_scheduler() is None or True  # one quantum, whatever it returns
    assert running_hv.quanta_elapsed == 1
    assert running_hv.run_quanta(9) == 9
    assert running_hv.quanta_elapsed == 10 and running_hv.quanta_left == left - 10
    assert running_hv.virtual_seconds == pytest.approx(1.0)
    ran = running_hv.run_for(0.5)
    assert ran == 5 and running_hv.virtual_seconds == pytest.approx(1.5)
    running_hv.run_for(datetime.timedelta(milliseconds=250))  # rounded up to whole quanta
    assert running_hv.quanta_elapsed == 18
    assert running_hv.run_for(0) == 0
    s = running_hv.get_vm_status("g1")
    assert s.running_seconds == pytest.approx(1.8)
    assert running_hv.get_system_resources().quanta == 18
    assert running_hv.operation_counts()["quanta"]["quanta"] == 18
    assert "virtual_seconds=1.8" in repr(running_hv)


def test_snapshot_and_restore(running_hv):
    running_hv.run_quanta(10)
    snap = running_hv.snapshot()
    text = json.dumps(snap)
    before = state_of(running_hv)
    aa = running_hv.get_vm_status("g1").amino_acids
    running_hv.run_quanta(10)
    running_hv.destroy_vm("g2")
    running_hv.restore(json.loads(text))
    assert state_of(running_hv) == before
    assert running_hv.quanta_elapsed == 10
    assert running_hv.get_vm_status("g1").amino_acids == aa
    assert running_hv.operation_counts()["restore"]["succeeded"] == 1
    # the same run from the restored state gives the same numbers
    running_hv.run_quanta(10)
    again = running_hv.get_vm_status("g1").to_dict()
    fresh = bioxen.BioXenHypervisor(running_hv.config)
    fresh.restore(snap)
    fresh.run_quanta(10)
    other = fresh.get_vm_status("g1").to_dict()
    for key in ("amino_acids", "atp_consumed", "mrna", "running_seconds"):
        assert other[key] == again[key], key


def test_create_vm_from_a_genome(hv):
    genome = bioxen.builtin_genome("syn3a_recoded")
    hv.create_vm("custom", genome, A(ribosomes=6))
    s = hv.get_vm_status("custom")
    assert s.genome == "syn3a_recoded" and s.translation_table == 11
    assert s.total_genes == len(genome)
