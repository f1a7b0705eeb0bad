# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's API on the engine: create_bio_vm, BiologicalVM, XcpngConfig, the
default hypervisor, BioResourceManager."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import bioxen

XCPNG = {"xcpng_config": {"xapi_url": "https://xcp.example", "username": "admin",
                          "password": "s3cret", "ssh_user": "root"}}


def test_supported_types():
    assert bioxen.get_supported_biological_types() == ["syn3a", "ecoli", "minimal_cell"]
    assert bioxen.get_supported_vm_types() == ["basic", "xcpng"]
    assert bioxen.validate_biological_type("ecoli") is True
    assert bioxen.validate_biological_type("dinosaur") is False
    assert bioxen.validate_vm_type("xcpng") is True and bioxen.validate_vm_type("kvm") is False


def test_biological_vm(hv):
    vm = bioxen.create_bio_vm("b1", "ecoli", hypervisor=hv)
    assert isinstance(vm, bioxen.BiologicalVM)
    assert vm.vm_id == "b1" and vm.get_vm_type() == "basic"
    assert vm.get_biological_type() == "ecoli"
    assert vm.hypervisor is hv and vm.exists() and hv.has_vm("b1")
    assert repr(vm) == "BiologicalVM('b1', 'ecoli', 'basic')"
    assert vm.to_dict() == {"biological_type": "ecoli", "config": {}, "vm_id": "b1",
                            "vm_type": "basic"}
    assert vm.config == {} and vm.xcpng_config is None
    assert vm.get_state() == bioxen.VMState.created
    assert isinstance(vm.get_resource_allocation(), bioxen.ResourceAllocation)
    vm.start()
    assert vm.get_status().state == bioxen.VMState.running
    vm.pause()
    assert vm.get_state() == bioxen.VMState.paused
    vm.resume()
    vm.stop()
    assert vm.get_state() == bioxen.VMState.stopped
    vm.destroy()
    assert not vm.exists() and not hv.has_vm("b1")
    with pytest.raises(bioxen.VmNotFoundError):
        vm.get_status()


def test_xcpng_vm_and_config(hv):
    vm = bioxen.create_bio_vm("x1", "ecoli", "xcpng", XCPNG, hypervisor=hv)
    assert vm.get_vm_type() == "xcpng"
    assert vm.config["xcpng_config"]["password"] == "***"
    x = vm.xcpng_config
    assert isinstance(x, bioxen.XcpngConfig)
    assert x.xapi_url == "https://xcp.example" and x.ssh_user == "root"
    assert "s3cret" not in repr(vm.to_dict()) and "s3cret" not in repr(x)
    with pytest.raises(bioxen.InvalidConfigurationError, match="ssh_user"):
        bioxen.create_bio_vm("x2", "ecoli", "xcpng", {"xcpng_config": {}}, hypervisor=hv)
    with pytest.raises(bioxen.VmCreationFailedError):
        bioxen.create_bio_vm("x3", "ecoli", "kvm", hypervisor=hv)


def test_xcpng_config_value_methods():
    c = bioxen.XcpngConfig(xapi_url="https://h", username="u", password="pw", vm_vcpus=4)
    assert (c.xapi_url, c.username, c.password, c.vm_vcpus) == ("https://h", "u", "pw", 4)
    assert c.template_name == "bioxen-bio-template" and c.vm_memory == "2GB"
    for field in ("ssh_user", "ssh_key_path", "network_uuid", "storage_repository"):
        setattr(c, field, field + "-value")
        assert getattr(c, field) == field + "-value"
    d = c.to_dict()
    assert d["password"] == "***" and json.loads(json.dumps(d)) == d
    assert "pw" not in repr(c)
    with pytest.raises(TypeError):
        bioxen.XcpngConfig(passwd="x")
    assert copy.copy(c) == c and copy.deepcopy(c).password == "pw"
    # A pickle keeps every field but the password (never serialised), even when incomplete.
    half = bioxen.XcpngConfig(xapi_url="https://h", password="pw")
    back = pickle.loads(pickle.dumps(half))
    assert back.xapi_url == "https://h" and back.password == "" and back.username == ""
    full = pickle.loads(pickle.dumps(c))
    assert full.vm_vcpus == 4 and full.ssh_user == "ssh_user-value" and full.password == ""
    assert bioxen.XcpngConfig.from_dict({"xapi_url": "https://h", "username": "u",
                                         "password": "p", "ssh_user": "r"}).password == "p"


def test_default_hypervisor(hv):
    try:
        d = bioxen.default_hypervisor()
        assert isinstance(d, bioxen.BioXenHypervisor)
        assert bioxen.default_hypervisor() is d
        bioxen.set_default_hypervisor(hv)
        assert bioxen.default_hypervisor() is hv
        vm = bioxen.create_bio_vm("on-default", "ecoli")
        assert vm.hypervisor is hv and hv.has_vm("on-default")
        assert vm.get_biological_type() == "ecoli"
    finally:
        bioxen.set_default_hypervisor(None)
    assert bioxen.default_hypervisor() is not hv


def test_bio_resource_manager(hv):
    vm = bioxen.create_bio_vm("r1", "ecoli", hypervisor=hv)
    rm = bioxen.BioResourceManager(vm)
    assert rm.vm is not None and rm.vm.vm_id == "r1"
    assert rm.hypervisor is hv
    summary = rm.get_resource_summary()
    assert json.loads(json.dumps(summary)) == summary
    assert rm.get_resource_allocation()["r1"] == vm.get_resource_allocation()
    rm.allocate_atp(30.0)
    assert vm.get_resource_allocation().atp_percentage == 30.0
    rm.allocate_ribosomes(7)
    assert vm.get_resource_allocation().ribosomes == 7
    before = hv.get_system_resources().to_dict()
    with pytest.raises(bioxen.ResourceAllocationError):
        rm.allocate_atp(95.0)
    assert hv.get_system_resources().to_dict() == before
    usage = rm.get_resource_usage()
    available = rm.get_available_resources()
    assert isinstance(usage, dict) and isinstance(available, dict)
    assert usage["vm_id"] == "r1" and usage["ribosomes"] == 7 and usage["atp_percentage"] == 30.0
    assert available["vm_id"] == "r1" and available["free_atp_percentage"] == pytest.approx(60.0)
    rm.optimize_resources_for_biological_type()  # E. coli's recommended share
    optimised = vm.get_resource_allocation()
    assert (optimised.ribosomes, optimised.atp_percentage) == (25, 80.0)
    over_hv = bioxen.BioResourceManager(hv)
    assert over_hv.vm is None and over_hv.hypervisor is hv
    assert isinstance(over_hv.get_resource_summary(), dict)
    unbound = bioxen.BioResourceManager()
    unbound.bind_vm(vm)
    assert unbound.vm.vm_id == "r1" and unbound.hypervisor is hv
