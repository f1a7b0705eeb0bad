# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's VM classes (``src.api.biological_vm``) on BioXen's engine.

A BiologicalVM is a handle to one VM of a legacy
:class:`~bioxen.legacy.hypervisor.core.BioXenHypervisor` (``vm.hypervisor``), whose
engine does the work; lifecycle methods return True/False as the original's did.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional

import bioxen

from ..hypervisor.core import BioXenHypervisor, ResourceAllocation, VMState

__all__ = ["BiologicalVM", "BasicBiologicalVM", "XCPngBiologicalVM"]

_PHASE2 = "will be implemented in Phase 2: remote XCP-ng execution is not available in this release"


class BiologicalVM(ABC):
    """A biological VM: its organism (``biological_type``) on an infrastructure (vm type)."""

    def __init__(self, vm_id: str, biological_type: str, hypervisor: BioXenHypervisor,
                 config: Dict[str, Any]) -> None:
        self.vm_id: str = vm_id
        self.biological_type: str = biological_type  # syn3a, ecoli, minimal_cell
        self.hypervisor: BioXenHypervisor = hypervisor
        self.config: Dict[str, Any] = config
        #: The C++ ``bioxen.BiologicalVM`` handle, when the VM came from create_bio_vm().
        self.engine_vm: Optional["bioxen.BiologicalVM"] = None

    @abstractmethod
    def get_vm_type(self) -> str:
        """The infrastructure type: "basic" or "xcpng"."""

    def get_biological_type(self) -> str:
        """The organism type: "syn3a", "ecoli" or "minimal_cell"."""
        return self.biological_type

    # -- lifecycle (the hypervisor's, True/False) --------------------------------------
    def start(self) -> bool:
        """Starts the VM; False if it does not exist or cannot start from its state."""
        return self.hypervisor.start_vm(self.vm_id)

    def stop(self) -> bool:
        """Stops the VM (running|paused -> stopped); False otherwise."""
        return self.hypervisor.stop_vm(self.vm_id)

    def pause(self) -> bool:
        """Pauses the VM; False if it is not running."""
        return self.hypervisor.pause_vm(self.vm_id)

    def resume(self) -> bool:
        """Resumes the VM; False if it is not paused."""
        return self.hypervisor.resume_vm(self.vm_id)

    def destroy(self) -> bool:
        """Removes the VM and frees its resources; False if it does not exist."""
        return self.hypervisor.destroy_vm(self.vm_id)

    def exists(self) -> bool:
        """False once the VM was destroyed."""
        return self.vm_id in self.hypervisor.vms

    def get_status(self) -> Optional[Dict[str, Any]]:
        """The hypervisor's status dict of the VM (None once destroyed)."""
        return self.hypervisor.get_vm_status(self.vm_id)

    def get_state(self) -> Optional[VMState]:
        """The VM's state (None once destroyed)."""
        vm = self.hypervisor.vms.get(self.vm_id)
        return vm.state if vm is not None else None

    def get_resource_allocation(self) -> Optional[ResourceAllocation]:
        """The VM's reservation, every field as the engine resolved it (None once destroyed)."""
        vm = self.hypervisor.vms.get(self.vm_id)
        return vm.resources if vm is not None else None

    def _status(self) -> Dict[str, Any]:
        return self.get_status() or {}

    def _genome(self) -> Optional["bioxen.Genome"]:
        name = self._status().get("genome")
        if name in bioxen.builtin_genome_names():
            return bioxen.builtin_genome(name)
        return None

    # -- biological operations ---------------------------------------------------------
    def execute_biological_process(self, process_code: str) -> Dict[str, Any]:
        """Runs a biological process; see the subclass."""
        return self._execute_biological_process_impl(process_code)

    def install_biological_package(self, package_name: str) -> Dict[str, Any]:
        """Installs an analysis package; see the subclass."""
        return self._install_biological_package_impl(package_name)

    def get_biological_metrics(self) -> Dict[str, Any]:
        """Organism-specific metrics, read from the engine."""
        return self._get_biological_metrics_impl()

    @abstractmethod
    def _execute_biological_process_impl(self, process_code: str) -> Dict[str, Any]:
        ...

    @abstractmethod
    def _install_biological_package_impl(self, package_name: str) -> Dict[str, Any]:
        ...

    @abstractmethod
    def _get_biological_metrics_impl(self) -> Dict[str, Any]:
        ...

    def start_transcription(self, gene_ids: List[str]) -> bool:
        """Syn3A only: makes sure the VM runs (the engine transcribes every resident gene).

        Raises ValueError for another organism, or for a gene id (locus tag or name) the
        VM's genome does not have. Returns whether the VM is running afterwards.
        """
        if self.biological_type != "syn3a":
            raise ValueError(f"Transcription not supported for {self.biological_type}")
        genome = self._genome()
        if genome is not None:
            known = {g.locus_tag for g in genome.genes} | {g.name for g in genome.genes}
            missing = [g for g in gene_ids if g not in known]
            if missing:
                raise bioxen.InvalidArgumentError(
                    f"genes not in genome {genome.name}: {', '.join(missing)}",
                    details={"vm_id": self.vm_id, "genes": missing})
        state = self.get_state()
        if state in (VMState.CREATED, VMState.STOPPED):
            return self.start()
        return state == VMState.RUNNING

    def get_essential_genes(self) -> List[str]:
        """Syn3A only: locus tags of the genes the VM's genome marks essential; [] otherwise.

        BioXen's built-in syn3a genome carries no essential-gene annotation, so this is []
        unless the VM runs a genome that has one.
        """
        if self.biological_type != "syn3a":
            return []
        genome = self._genome()
        if genome is None:
            return []
        return [g.locus_tag or g.name for g in genome.genes if g.essential]

    def manage_operons(self, operon_ids: List[str], action: str) -> bool:
        """E. coli operon control: not modelled by BioXen.

        Raises ValueError ("Operons not supported for ...") for another organism, as the
        original; for ecoli, bioxen.UnsupportedOperationError (a NotImplementedError).
        """
        if self.biological_type != "ecoli":
            raise ValueError(f"Operons not supported for {self.biological_type}")
        raise bioxen.UnsupportedOperationError(
            f"cannot {action} operons {', '.join(operon_ids)} of VM '{self.vm_id}': "
            "BioXen does not model operon regulation",
            details={"vm_id": self.vm_id, "operation": "manage_operons"})

    def get_plasmid_count(self) -> int:
        """E. coli plasmid count: 0 (BioXen models no plasmids); 0 for other organisms."""
        if self.biological_type == "ecoli":
            return int(self._status().get("plasmid_count", 0))
        return 0


class BasicBiologicalVM(BiologicalVM):
    """A VM run directly by the hypervisor's engine."""

    def get_vm_type(self) -> str:
        return "basic"

    def _execute_biological_process_impl(self, process_code: str) -> Dict[str, Any]:
        """`process_code` is a duration ("60s", "10m"): runs the hypervisor that long.

        The whole hypervisor runs (its scheduler shares the host among all running VMs);
        returns what this VM made. Raises ValueError (InvalidConfigurationError) for a
        string that is not a duration.
        """
        seconds = bioxen.parse_duration(process_code)
        before = self._status()
        quanta = self.hypervisor.run_for(seconds)
        after = self._status()
        return {"vm_id": self.vm_id, "process": process_code, "quanta": quanta,
                "virtual_seconds": seconds,
                "amino_acids_made": after.get("amino_acids", 0) - before.get("amino_acids", 0),
                "proteins_completed": after.get("proteins_completed", 0),
                "state": after.get("state")}

    def _install_biological_package_impl(self, package_name: str) -> Dict[str, Any]:
        raise bioxen.UnsupportedOperationError(
            f"cannot install package '{package_name}' on VM '{self.vm_id}': "
            "BioXen has no biological package system",
            details={"vm_id": self.vm_id, "operation": "install_biological_package"})

    def _get_biological_metrics_impl(self) -> Dict[str, Any]:
        status = self._status()
        if self.biological_type == "syn3a":
            return {"atp_level": status.get("atp_percentage", 0.0),
                    "essential_genes": self.get_essential_genes(),
                    "ribosome_allocation": status.get("ribosome_allocation", 0),
                    "amino_acids": status.get("amino_acids", 0)}
        if self.biological_type == "ecoli":
            host = self.hypervisor.engine.get_host_status().to_dict()
            return {"plasmid_count": self.get_plasmid_count(),
                    "growth_phase": host.get("state", "unknown"),
                    "operon_status": {},
                    "amino_acids": status.get("amino_acids", 0)}
        if self.biological_type == "minimal_cell":
            return {"minimal_functions": ["dna_replication", "protein_synthesis",
                                          "energy_production"],
                    "function_status": {"protein_synthesis": status.get("amino_acids", 0) > 0,
                                        "boot_complete": bool(status.get("boot_complete"))}}
        return {}


class XCPngBiologicalVM(BiologicalVM):
    """A VM meant to run inside an XCP-ng virtual machine.

    Its resources are reserved in the local engine; remote execution is not available,
    so start() and the biological operations raise (NotImplementedError, as the original's
    Phase 1 placeholders).
    """

    def __init__(self, vm_id: str, biological_type: str, hypervisor: BioXenHypervisor,
                 config: Dict[str, Any]) -> None:
        super().__init__(vm_id, biological_type, hypervisor, config)
        self.xcpng_vm_uuid: Optional[str] = None
        self.vm_ip: Optional[str] = None
        self.xapi_config: Dict[str, Any] = dict(config.get("xcpng_config", {}))

    def get_vm_type(self) -> str:
        return "xcpng"

    def start(self) -> bool:
        """Raises bioxen.UnsupportedOperationError (a NotImplementedError naming Phase 2)."""
        cause: Optional[BaseException] = None
        if self.engine_vm is not None and self.engine_vm.get_vm_type() == "xcpng":
            try:
                self.engine_vm.start()
            except bioxen.UnsupportedOperationError as e:
                cause = e
        err = bioxen.UnsupportedOperationError(
            f"XCP-ng VM start {_PHASE2}", details={"vm_id": self.vm_id, "operation": "start"})
        raise err from cause

    def _require_ip(self) -> None:
        if not self.vm_ip:
            raise ValueError("XCP-ng VM not started or IP not available")

    def _execute_biological_process_impl(self, process_code: str) -> Dict[str, Any]:
        self._require_ip()
        raise bioxen.UnsupportedOperationError(f"SSH execution {_PHASE2}")

    def _install_biological_package_impl(self, package_name: str) -> Dict[str, Any]:
        self._require_ip()
        raise bioxen.UnsupportedOperationError(f"SSH package installation {_PHASE2}")

    def _get_biological_metrics_impl(self) -> Dict[str, Any]:
        self._require_ip()
        raise bioxen.UnsupportedOperationError(f"SSH metrics {_PHASE2}")
