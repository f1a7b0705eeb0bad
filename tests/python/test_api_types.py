# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Value types and enums: keyword construction, to_dict (JSON), repr, ==, copy, pickle, enums
from strings."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import bioxen

ENUMS = {
    bioxen.VMState: ["created", "running", "paused", "stopped", "error"],
    bioxen.ChassisType: ["ecoli", "yeast", "syn3a", "orthogonal"],
    bioxen.SchedulerPolicy: ["round_robin", "fair_share", "priority"],
    bioxen.WorkModel: ["capacity", "physiological"],
    bioxen.PauseMechanism: ["freeze", "repress"],
    bioxen.DestroyMechanism: ["release", "degrade"],
    bioxen.TranscriptionIsolation: ["host_rnap", "orthogonal_rnap"],
    bioxen.OrthogonalPoolAllocation: ["fixed", "dynamic"],
    bioxen.GeneType: ["CDS", "rRNA", "tRNA", "ncRNA", "tmRNA", "pseudogene"],
    bioxen.LogFormat: ["text", "json"],
    bioxen.HypervisorOperation: ["create_vm", "start_vm", "pause_vm", "resume_vm", "stop_vm",
                                 "destroy_vm", "fail_vm", "reallocate_vm", "restore"],
    bioxen.BioXenErrorCode: ["vm_creation_failed", "resource_allocation_error",
                             "chassis_initialization_error", "hypervisor_overload",
                             "invalid_configuration", "vm_not_found", "invalid_state_transition",
                             "unsupported_operation", "genome_parse_error", "vm_already_exists",
                             "invalid_argument", "io_error", "invalid_snapshot",
                             "incompatible_genetic_code"],
}


@pytest.mark.parametrize("enum", list(ENUMS), ids=lambda e: e.__name__)
def test_enum_members_and_construction_from_strings(enum):
    names = list(enum.__members__)
    assert names
    assert names == ENUMS[enum]
    for name, member in enum.__members__.items():
        assert getattr(enum, name) == member
        assert enum(int(member)) == member
        if enum is not bioxen.BioXenErrorCode:
            assert enum(name) == member
            assert str(member) == name
            assert pickle.loads(pickle.dumps(member)) == member
    if enum is not bioxen.BioXenErrorCode:
        with pytest.raises(bioxen.BioXenException):
            enum("no-such-member")


def test_enum_strings_are_accepted_where_an_enum_is_expected():
    config = bioxen.ProductionConfig()
    config.scheduler_policy = "fair_share"
    assert config.scheduler_policy == bioxen.SchedulerPolicy.fair_share
    hv = bioxen.BioXenHypervisor(chassis="yeast")
    assert hv.chassis.base == "yeast"
    genome = bioxen.builtin_genome("syn3a")
    assert genome.count("CDS") == genome.count(bioxen.GeneType.CDS) == 455
    assert bioxen.chassis_type_from_string("orthogonal") == bioxen.ChassisType.orthogonal
    assert bioxen.vm_state_from_string("paused") == bioxen.VMState.paused


def test_error_codes():
    code = bioxen.BioXenErrorCode.vm_not_found
    assert code.code == "BX006"
    assert bioxen.error_code_string(code) == "BX006"
    assert bioxen.error_code_name(code) == "vm_not_found"
    codes = [m.code for m in bioxen.BioXenErrorCode.__members__.values()]
    assert codes == [f"BX{i:03d}" for i in range(1, 15)]
    for member in bioxen.BioXenErrorCode.__members__.values():
        assert bioxen.error_code_name(member) == member.name
        assert bioxen.error_code_string(member) == member.code


def test_resource_allocation_keywords_and_defaults():
    auto = bioxen.ResourceAllocation.AUTOMATIC
    assert auto == -1
    a = bioxen.ResourceAllocation()
    assert (a.ribosomes, a.atp_percentage, a.rna_polymerase, a.memory_kb, a.priority) == (
        auto, auto, auto, auto, auto)
    assert a.allow_incompatible_code is False
    b = bioxen.ResourceAllocation(ribosomes=20, atp_percentage=30.0, rna_polymerase=12,
                                  memory_kb=512, priority=3, allow_incompatible_code=True)
    assert (b.ribosomes, b.atp_percentage, b.rna_polymerase, b.memory_kb, b.priority) == (
        20, 30.0, 12, 512, 3)
    assert b.allow_incompatible_code is True
    with pytest.raises(TypeError, match="unexpected keyword argument 'ribosome'"):
        bioxen.ResourceAllocation(ribosome=3)
    with pytest.raises(TypeError):
        bioxen.ResourceAllocation(ribosomes="many")
    with pytest.raises(TypeError):
        bioxen.ResourceAllocation(to_dict=1)
    b.priority = 5
    assert b.priority == 5
    assert str(bioxen.ResourceAllocation(ribosomes=5)).startswith("ribosomes=5 atp=auto")


def test_resource_allocation_value_methods():
    a = bioxen.ResourceAllocation(ribosomes=7, priority=2)
    d = a.to_dict()
    assert d == {"allow_incompatible_code": False, "atp_percentage": -1.0, "memory_kb": -1,
                 "priority": 2, "ribosomes": 7, "rna_polymerase": -1}
    assert json.loads(json.dumps(d)) == d
    assert bioxen.ResourceAllocation.from_dict(d) == a
    assert repr(a) == ("ResourceAllocation(allow_incompatible_code=False, atp_percentage=-1.0, "
                       "memory_kb=-1, priority=2, ribosomes=7, rna_polymerase=-1)")
    for other in (copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert other == a and other is not a
    c = copy.copy(a)
    c.ribosomes = 8
    assert c != a and a.ribosomes == 7
    assert a.__hash__ is None


def test_system_resources(running_hv):
    r = running_hv.get_system_resources()
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    for key, value in d.items():
        assert getattr(r, key) == value, key
    assert r.chassis == "ecoli" and r.scheduler_policy == "round_robin"
    assert r.total_vms == 2 and r.active_vms == 1 and r.paused_vms == 0 and r.max_vms == 4
    assert r.allocated_ribosomes == 18
    assert r.free_ribosomes == r.available_ribosomes - r.allocated_ribosomes
    assert r.total_ribosomes == 80 and r.emergency_ribosome_reserve == 10
    assert r.hypervisor_overhead == 0.15
    assert r.free_atp_percentage == pytest.approx(r.max_atp_percentage - r.total_atp_allocated)
    assert r.free_memory_kb == r.genome_space_kb - r.allocated_memory_kb
    assert r.free_rna_polymerase == r.total_rna_polymerase - r.allocated_rna_polymerase
    assert r.virtual_time_us == 0 and r.quanta == 0
    assert repr(r).startswith("SystemResources(active_vms=1, ")
    assert pickle.loads(pickle.dumps(r)) == r and copy.deepcopy(r) == r
    with pytest.raises(AttributeError):
        r.total_vms = 3


def test_vm_status(running_hv):
    running_hv.run_quanta(20)
    s = running_hv.get_vm_status("g1")
    d = s.to_dict()
    assert json.loads(json.dumps(d)) == d
    for key in ("vm_id", "biological_type", "genome", "ribosome_allocation", "atp_percentage",
                "rna_polymerase", "memory_kb", "priority", "health_status", "error_reason",
                "uptime_seconds", "running_seconds", "active_seconds", "waiting_seconds",
                "ribosome_seconds", "amino_acids", "atp_consumed", "proteins_completed",
                "context_switches", "throttle_events", "boot_complete", "boot_time_seconds",
                "mrna", "ribosomes_on_chains", "protein_aa_per_cell", "resident_genes",
                "total_genes", "resident_proteins", "boot_proteins", "translation_table",
                "host_translation_table", "allow_incompatible_code", "truncated_proteins",
                "extended_proteins", "boot_blocked", "repressed"):
        assert getattr(s, key) == d[key], key
    assert s.state == bioxen.VMState.running and d["state"] == "running"
    assert s.vm_id == "g1" and s.biological_type == "ecoli" and s.ribosome_allocation == 10
    assert s.running_seconds == pytest.approx(2.0)
    assert s.amino_acids > 0 and s.atp_consumed > 0
    assert repr(s).startswith("VmStatus(active_seconds=")
    assert pickle.loads(pickle.dumps(s)) == s and copy.copy(s) == s
    assert running_hv.get_vm_status("g2").state == bioxen.VMState.created


def test_protein_count(running_hv):
    running_hv.run_quanta(2)
    proteins = running_hv.get_vm_proteins("g1")
    assert len(proteins) == 1035  # E. coli's resident boot proteins
    p = proteins[0]
    assert isinstance(p, bioxen.ProteinCount)
    assert p.to_dict() == {"copies": p.copies, "length_aa": p.length_aa,
                           "locus_tag": p.locus_tag, "name": p.name}
    assert p.length_aa > 0 and p.copies >= 0 and p.locus_tag
    assert repr(p).startswith("ProteinCount(copies=")
    assert pickle.loads(pickle.dumps(p)) == p and copy.deepcopy(p) == p
