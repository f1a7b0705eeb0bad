# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's BioResourceManager (``src.api.resource_manager``) on the engine."""

from __future__ import annotations

from typing import Any, Dict, Optional

import bioxen

from ..hypervisor.core import ResourceAllocation
from .biological_vm import BiologicalVM

__all__ = ["BioResourceManager"]


class BioResourceManager:
    """Resource operations on one VM (``vm``) and its hypervisor (``hypervisor``).

    Allocations go to the engine's reallocate_vm (its admission control decides) and
    return True/False. An unbound manager (``BioResourceManager()``) summarizes the VMs
    create_bio_vm() made that are still alive.
    """

    def __init__(self, vm: Optional[BiologicalVM] = None) -> None:
        self.vm: Optional[BiologicalVM] = vm
        self.hypervisor = vm.hypervisor if vm is not None else None

    def bind_vm(self, vm: BiologicalVM) -> None:
        """Binds the manager to `vm` (and its hypervisor)."""
        self.vm = vm
        self.hypervisor = vm.hypervisor

    def _ensure_vm_bound(self) -> bool:
        if self.vm is None or self.hypervisor is None:
            raise RuntimeError("No VM bound to resource manager. Call bind_vm() first.")
        return True

    def _engine_manager(self) -> "bioxen.BioResourceManager":
        if self.vm is not None and self.vm.engine_vm is not None and self.vm.engine_vm.exists():
            return bioxen.BioResourceManager(self.vm.engine_vm)
        return bioxen.BioResourceManager(self.hypervisor.engine)

    def allocate_atp(self, percentage: float) -> bool:
        """Sets the VM's ATP share; False if the engine refuses (e.g. over max_atp_percentage)."""
        self._ensure_vm_bound()
        return self.hypervisor.reallocate_vm(self.vm.vm_id,
                                             ResourceAllocation(atp_percentage=float(percentage), priority=0))

    def allocate_ribosomes(self, count: int) -> bool:
        """Sets the VM's ribosome units; False if the engine refuses."""
        self._ensure_vm_bound()
        return self.hypervisor.reallocate_vm(self.vm.vm_id,
                                             ResourceAllocation(ribosomes=int(count), priority=0))

    def get_resource_usage(self) -> Dict[str, Any]:
        """The VM's reservation and what it used (the engine's resource usage)."""
        self._ensure_vm_bound()
        return dict(self._engine_manager().get_resource_usage()) if self.vm.engine_vm is not None \
            else {k: v for k, v in (self.vm.get_status() or {}).items()}

    def get_available_resources(self) -> Dict[str, Any]:
        """What the VM could still get (the engine's free resources)."""
        self._ensure_vm_bound()
        if self.vm.engine_vm is not None:
            return dict(self._engine_manager().get_available_resources())
        return self.hypervisor.get_system_resources()

    def get_resource_allocation(self) -> Dict[str, ResourceAllocation]:
        """Every VM's reservation by id: the bound hypervisor's, or all live VMs'."""
        if self.hypervisor is not None:
            return {v: vm.resources for v, vm in self.hypervisor.vms.items()}
        from .factory import live_vms
        return {vm.vm_id: vm.get_resource_allocation() for vm in live_vms()}

    def get_resource_summary(self) -> Dict[str, Any]:
        """The engine's resource summary of the bound hypervisor.

        Unbound: ``{"hypervisors", "vms", "allocated_ribosomes", "total_atp_allocated",
        "summaries"}`` over the live VMs of create_bio_vm() (each of which has a hypervisor
        of its own unless one was passed), with each hypervisor's engine summary.
        """
        if self.hypervisor is not None:
            return dict(bioxen.BioResourceManager(self.hypervisor.engine).get_resource_summary())
        from .factory import live_vms
        hypervisors = {}
        for vm in live_vms():
            hypervisors.setdefault(id(vm.hypervisor), vm.hypervisor)
        summaries = [dict(bioxen.BioResourceManager(hv.engine).get_resource_summary())
                     for hv in hypervisors.values()]
        return {
            "hypervisors": len(summaries),
            "vms": sorted(v for s in summaries for v in s.get("vms", {})),
            "allocated_ribosomes": sum(int(s.get("allocated_ribosomes", 0)) for s in summaries),
            "total_atp_allocated": sum(float(s.get("total_atp_allocated", 0.0)) for s in summaries),
            "active_vms": sum(int(s.get("active_vms", 0)) for s in summaries),
            "summaries": summaries,
        }

    def optimize_resources_for_biological_type(self) -> bool:
        """Gives the VM the engine's reservation for its organism; False if refused."""
        self._ensure_vm_bound()
        if self.vm.engine_vm is None:
            return False
        try:
            self._engine_manager().optimize_resources_for_biological_type()
        except bioxen.BioXenException as e:
            self.hypervisor.last_error = e
            return False
        return True
