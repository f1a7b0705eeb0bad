# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Fixtures of the modern API's tests (test_api_*.py): small hypervisors and scenarios."""

from __future__ import annotations

import pathlib

import pytest

import bioxen

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
EXAMPLES = REPO / "examples"


def small_scenario(quanta: int = 40, policy: str = "fair_share") -> dict:
    """A two-guest scenario of the `bioxen run` schema, short enough for a unit test."""
    return {
        "name": "pytest",
        "description": "two guests on an E. coli host, one paused and resumed",
        "chassis": "ecoli",
        "policy": policy,
        "config": {"log_level": "WARNING"},
        "quanta": quanta,
        "vms": [
            {"id": "a", "type": "ecoli", "allocation": {"ribosomes": 10}},
            {"id": "b", "type": "syn3a_recoded", "allocation": {"ribosomes": 8}},
        ],
        "events": [
            {"at": 10, "action": "pause", "vm": "b"},
            {"at": "2s", "action": "resume", "vm": "b"},
        ],
    }


def small_sweep() -> dict:
    """A 2 x 2 sweep of the `bioxen sweep` schema over small_scenario()."""
    base = small_scenario(20)
    base.pop("events")
    base.pop("policy")  # the sweep sets config.scheduler_policy
    return {
        "name": "pytest-sweep",
        "description": "policy x guest ribosomes",
        "base": base,
        "parameters": [
            {"path": "config.scheduler_policy", "name": "policy",
             "values": ["round_robin", "fair_share"]},
            {"path": "vms[0].allocation.ribosomes", "name": "a_units", "values": [4, 12]},
        ],
        "combine": "grid",
    }


@pytest.fixture
def hv() -> bioxen.BioXenHypervisor:
    """A quiet E. coli hypervisor with no VMs."""
    return bioxen.BioXenHypervisor(bioxen.ProductionConfig(log_level="WARNING"))


@pytest.fixture
def running_hv(hv) -> bioxen.BioXenHypervisor:
    """hv with a running E. coli guest 'g1' (10 units) and a created syn3A-recoded 'g2'."""
    hv.create_vm("g1", "ecoli", bioxen.ResourceAllocation(ribosomes=10))
    hv.create_vm("g2", "syn3a_recoded", bioxen.ResourceAllocation(ribosomes=8))
    hv.start_vm("g1")
    return hv


def state_of(hypervisor: bioxen.BioXenHypervisor):
    """What an error must leave unchanged: resources, VM ids, states and allocations."""
    return (
        hypervisor.get_system_resources().to_dict(),
        hypervisor.list_vm_ids(),
        [(s.vm_id, str(s.state), s.ribosome_allocation) for s in hypervisor.list_vms()],
    )
