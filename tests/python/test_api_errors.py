# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Every exception class of bioxen.errors, raised by a real engine call, with code, message,
details, its ValueError/LookupError/NotImplementedError mix-in and no state change."""

from __future__ import annotations

import copy
import pickle

import pytest

import bioxen
from bioxen import errors

from conftest import DATA, state_of

A = bioxen.ResourceAllocation

ALL_CLASSES = [
    errors.VmCreationFailedError, errors.ResourceAllocationError,
    errors.ChassisInitializationError, errors.HypervisorOverloadError,
    errors.InvalidConfigurationError, errors.VmNotFoundError,
    errors.InvalidStateTransitionError, errors.UnsupportedOperationError,
    errors.GenomeParseError, errors.VmAlreadyExistsError, errors.InvalidArgumentError,
    errors.BioXenIOError, errors.InvalidSnapshotError, errors.IncompatibleGeneticCodeError,
]
VALUE_ERRORS = {"BX001", "BX003", "BX005", "BX011", "BX013"}


def check(excinfo, cls, code, *in_message, **details):
    e = excinfo.value
    assert type(e) is cls
    assert isinstance(e, bioxen.BioXenException)
    assert e.code == code == cls.code_string
    assert isinstance(e.message, str) and e.message
    for text in in_message:
        assert text in e.message, (text, e.message)
    assert isinstance(e.details, dict)
    for key, value in details.items():
        assert e.details[key] == value, (key, e.details)
    assert str(e) == f"[{code}] {e.message}"
    assert (code in VALUE_ERRORS) == isinstance(e, ValueError)
    return e


def test_every_class_has_its_code_and_is_exported():
    codes = [cls.code_string for cls in ALL_CLASSES]
    assert codes == [f"BX{i:03d}" for i in range(1, 15)]
    for cls in ALL_CLASSES:
        assert issubclass(cls, bioxen.BioXenException)
        assert bioxen.exception_class(cls.code_string) is cls
        assert getattr(bioxen, cls.__name__) is cls
        assert cls.__name__ in errors.__all__
    assert bioxen.exception_class("BX999") is bioxen.BioXenException
    assert bioxen.BioXenException.code_string is None
    # every code of the C++ enum has its class
    for member in bioxen.BioXenErrorCode.__members__.values():
        assert bioxen.exception_class(member.code) is not bioxen.BioXenException


def test_mixins():
    assert {c.code_string for c in ALL_CLASSES if issubclass(c, ValueError)} == VALUE_ERRORS
    assert issubclass(errors.VmNotFoundError, LookupError)
    assert issubclass(errors.UnsupportedOperationError, NotImplementedError)


def test_exception_values_pickle_copy_and_repr():
    e = errors.VmNotFoundError("VM 'x' not found", details={"vm_id": "x"})
    assert e.code == "BX006" and e.details == {"vm_id": "x"}
    for other in (pickle.loads(pickle.dumps(e)), copy.copy(e)):
        assert type(other) is errors.VmNotFoundError
        assert (other.message, other.code, other.details) == (e.message, e.code, e.details)
    assert repr(e) == "VmNotFoundError(\"VM 'x' not found\", code='BX006')"
    base = bioxen.BioXenException("plain")
    assert str(base) == "plain" and base.code is None and base.details == {}


def test_bx001_unknown_type(hv):
    before = state_of(hv)
    with pytest.raises(errors.VmCreationFailedError) as ei:
        hv.create_vm("x", "nonsense")
    check(ei, errors.VmCreationFailedError, "BX001", "nonsense", biological_type="nonsense")
    assert "syn3a" in ei.value.details["supported"]
    assert state_of(hv) == before
    with pytest.raises(ValueError):
        hv.create_vm("x", "nonsense")


def test_bx002_over_allocation(running_hv):
    before = state_of(running_hv)
    with pytest.raises(errors.ResourceAllocationError) as ei:
        running_hv.create_vm("x", "syn3a_recoded", A(ribosomes=1000))
    check(ei, errors.ResourceAllocationError, "BX002", "1000", requested=1000, vm_id="x",
          resource="ribosomes")
    with pytest.raises(errors.ResourceAllocationError):
        running_hv.reallocate_vm("g1", A(ribosomes=1000))
    assert state_of(running_hv) == before


def test_bx003_bad_chassis_profile(hv):
    profile = bioxen.chassis_profile(bioxen.ChassisType.ecoli)
    with pytest.raises(errors.ChassisInitializationError) as ei:
        profile.ribosome_units = 0
    check(ei, errors.ChassisInitializationError, "BX003", "ribosome_units", field="ribosome_units")
    assert profile.ribosome_units == 80  # unchanged
    with pytest.raises(errors.ChassisInitializationError) as ei:
        bioxen.chassis_profile(bioxen.ChassisType.ecoli, 20.0)
    check(ei, errors.ChassisInitializationError, "BX003", "outside the Bremer & Dennis 2008 table",
          value=20.0, range=[24.0, 100.0])
    with pytest.raises(errors.ChassisInitializationError):
        bioxen.chassis_profile_from_json({"base": "ecoli", "ribosome_units": -1})


def test_bx004_too_many_vms(hv):
    for i in range(hv.max_vms):
        hv.create_vm(f"v{i}", "syn3a_recoded", A(ribosomes=5, memory_kb=100))
    before = state_of(hv)
    with pytest.raises(errors.HypervisorOverloadError) as ei:
        hv.create_vm("one-too-many", "syn3a_recoded", A(ribosomes=5, memory_kb=100))
    check(ei, errors.HypervisorOverloadError, "BX004", "max_vms", max_vms=4, vm_count=4,
          vm_id="one-too-many")
    assert state_of(hv) == before


def test_bx005_bad_config():
    with pytest.raises(errors.InvalidConfigurationError) as ei:
        bioxen.ProductionConfig(max_vms=0).validate()
    check(ei, errors.InvalidConfigurationError, "BX005", "max_vms", key="max_vms", value=0)
    with pytest.raises(errors.InvalidConfigurationError):
        bioxen.BioXenHypervisor(bioxen.ProductionConfig(max_vms=0))
    with pytest.raises(errors.InvalidConfigurationError) as ei:
        bioxen.production_config_from_json({"max_vm": 3})
    assert "max_vm" in ei.value.message


def test_bx006_unknown_vm(running_hv):
    before = state_of(running_hv)
    for call in (running_hv.start_vm, running_hv.pause_vm, running_hv.resume_vm,
                 running_hv.stop_vm, running_hv.destroy_vm, running_hv.get_vm_status,
                 running_hv.get_vm_state, running_hv.get_vm_allocation,
                 running_hv.get_vm_proteins):
        with pytest.raises(errors.VmNotFoundError) as ei:
            call("nope")
        check(ei, errors.VmNotFoundError, "BX006", "nope", vm_id="nope")
    with pytest.raises(LookupError):
        running_hv.fail_vm("nope", "why")
    with pytest.raises(errors.VmNotFoundError):
        running_hv.reallocate_vm("nope", A(ribosomes=1))
    assert state_of(running_hv) == before


def test_bx007_bad_transition(running_hv):
    before = state_of(running_hv)
    with pytest.raises(errors.InvalidStateTransitionError) as ei:
        running_hv.pause_vm("g2")  # created, not running
    check(ei, errors.InvalidStateTransitionError, "BX007", "g2", vm_id="g2", state="created",
          operation="pause")
    with pytest.raises(errors.InvalidStateTransitionError):
        running_hv.resume_vm("g1")  # running, not paused
    assert state_of(running_hv) == before


def test_bx008_start_of_an_xcpng_vm(hv):
    config = {"xcpng_config": {"xapi_url": "https://xcp.example", "username": "u",
                               "password": "secret", "ssh_user": "root"}}
    vm = bioxen.create_bio_vm("x1", "ecoli", "xcpng", config, hypervisor=hv)
    before = state_of(hv)
    with pytest.raises(errors.UnsupportedOperationError) as ei:
        vm.start()
    check(ei, errors.UnsupportedOperationError, "BX008", "XCP-ng", vm_id="x1", vm_type="xcpng")
    assert isinstance(ei.value, NotImplementedError)
    assert state_of(hv) == before
    assert vm.get_state() == bioxen.VMState.created


def test_bx009_bad_genome_text():
    with pytest.raises(errors.GenomeParseError) as ei:
        bioxen.parse_bioxen_genome("garbage\n", "bad.genome")
    check(ei, errors.GenomeParseError, "BX009", "bad.genome:1", file="bad.genome", line=1,
          field="length")


def test_bx010_duplicate_id(running_hv):
    before = state_of(running_hv)
    with pytest.raises(errors.VmAlreadyExistsError) as ei:
        running_hv.create_vm("g1", "syn3a_recoded", A(ribosomes=1))
    check(ei, errors.VmAlreadyExistsError, "BX010", "g1", vm_id="g1")
    assert state_of(running_hv) == before


def test_bx011_bad_argument(running_hv):
    before = state_of(running_hv)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(errors.InvalidArgumentError) as ei:
            running_hv.run_for(bad)
        check(ei, errors.InvalidArgumentError, "BX011", "run_for")
    assert ei.value.details["seconds"] is None  # not finite: null
    with pytest.raises(errors.InvalidArgumentError):
        bioxen.vm_state_from_string("flying")
    assert state_of(running_hv) == before
    assert running_hv.quanta_elapsed == 0


def test_bx012_unreadable_file(tmp_path):
    missing = tmp_path / "missing.genome"
    with pytest.raises(errors.BioXenIOError) as ei:
        bioxen.load_genome_file(missing)
    check(ei, errors.BioXenIOError, "BX012", "missing.genome", file=str(missing))
    with pytest.raises(errors.BioXenIOError):
        bioxen.load_genome_file(str(missing))


def test_bx013_bad_snapshot(running_hv):
    running_hv.run_quanta(3)
    before = state_of(running_hv)
    with pytest.raises(errors.InvalidSnapshotError) as ei:
        running_hv.restore({"x": 1})
    check(ei, errors.InvalidSnapshotError, "BX013", "format", key="format")
    broken = running_hv.snapshot()
    broken["format"] = "not-a-snapshot"
    with pytest.raises(errors.InvalidSnapshotError):
        running_hv.restore(broken)
    assert state_of(running_hv) == before
    assert running_hv.quanta_elapsed == 3


def test_bx014_syn3a_on_ecoli(hv):
    before = state_of(hv)
    with pytest.raises(errors.IncompatibleGeneticCodeError) as ei:
        hv.create_vm("s", "syn3a", A(ribosomes=5))
    e = check(ei, errors.IncompatibleGeneticCodeError, "BX014", "translation table 4",
              guest_table=4, host_table=11, vm_id="s", genome="syn3a")
    assert e.details["truncated_proteins"] == 343
    assert state_of(hv) == before
    # allow_incompatible_code runs it anyway
    hv.create_vm("s", "syn3a", A(ribosomes=5, allow_incompatible_code=True))
    assert hv.get_vm_status("s").truncated_proteins == 343


def test_error_in_a_data_file_keeps_its_code(tmp_path):
    bad = tmp_path / "bad.genome"
    bad.write_text("1 2\n")
    with pytest.raises(errors.GenomeParseError) as ei:
        bioxen.load_genome_file(bad)
    assert ei.value.details["file"].endswith("bad.genome")
    assert (DATA / "genomes" / "tiny.genome").exists()
