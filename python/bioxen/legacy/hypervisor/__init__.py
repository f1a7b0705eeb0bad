# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's hypervisor package (``src.hypervisor``); see :mod:`.core`."""

from __future__ import annotations

from .core import (BioXenHypervisor, ResourceAllocation, ResourceType, VirtualMachine,
                   VMState)

__all__ = ["BioXenHypervisor", "ResourceAllocation", "ResourceType", "VirtualMachine",
           "VMState"]
