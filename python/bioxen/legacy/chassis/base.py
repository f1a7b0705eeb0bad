# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""ChassisType, the capability/resource records and BaseChassis (``src.chassis.base``).

A chassis here is a view of a C++ engine: its capabilities are BioXen's chassis profile
(``bioxen.chassis_profile``), its resource pool is a :class:`bioxen.BioXenHypervisor`'s
(``engine``). A chassis made on its own gets an engine of its own at initialize(); the
chassis of a :class:`bioxen.legacy.hypervisor.core.BioXenHypervisor` shares the
hypervisor's engine, so it sees the hypervisor's VMs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, List, Optional

import bioxen

__all__ = ["ChassisType", "ChassisCapabilities", "ChassisResources", "BaseChassis",
           "engine_chassis_type"]

_log = logging.getLogger("bioxen.legacy.chassis")


class ChassisType(Enum):
    """Chassis types of the original library, plus BioXen's SYN3A and ORTHOGONAL hosts."""

    ECOLI = "ecoli"
    YEAST = "yeast"
    MAMMALIAN = "mammalian"  # no BioXen profile: refused
    PLANT = "plant"          # no BioXen profile: refused
    SYN3A = "syn3a"          # BioXen: a JCVI-syn3A host (genetic code 4)
    ORTHOGONAL = "orthogonal"  # BioXen: E. coli with an orthogonal ribosome pool


_ENGINE_TYPES: Dict[ChassisType, Any] = {
    ChassisType.ECOLI: bioxen.ChassisType.ecoli,
    ChassisType.YEAST: bioxen.ChassisType.yeast,
    ChassisType.SYN3A: bioxen.ChassisType.syn3a,
    ChassisType.ORTHOGONAL: bioxen.ChassisType.orthogonal,
}


def engine_chassis_type(chassis_type: ChassisType) -> "bioxen.ChassisType":
    """The C++ ChassisType of a legacy one.

    Raises ``bioxen.ChassisInitializationError`` (a ValueError, as the original's
    "Unsupported chassis type") for MAMMALIAN and PLANT, which BioXen has no profile of.
    """
    if isinstance(chassis_type, bioxen.ChassisType):
        return chassis_type
    try:
        return _ENGINE_TYPES[ChassisType(chassis_type)]
    except (KeyError, ValueError):
        raise bioxen.ChassisInitializationError(
            f"Unsupported chassis type: {chassis_type} (BioXen has profiles of "
            f"{', '.join(t.value for t in _ENGINE_TYPES)})",
            details={"chassis_type": str(chassis_type)}) from None


@dataclass
class ChassisCapabilities:
    """What a chassis offers (the original's record), filled from BioXen's chassis profile."""

    max_ribosomes: int
    has_nucleus: bool
    has_mitochondria: bool
    has_chloroplasts: bool
    has_endoplasmic_reticulum: bool
    max_concurrent_vms: int
    memory_architecture: str  # "prokaryotic" or "eukaryotic"
    metabolic_pathways: List[str] = field(default_factory=list)
    protein_processing: List[str] = field(default_factory=list)


@dataclass
class ChassisResources:
    """A chassis' free resources now (the original's record), read from the engine."""

    available_ribosomes: int
    available_atp: float
    available_memory_kb: int
    organelle_capacity: Dict[str, int] = field(default_factory=dict)


class BaseChassis:
    """A cellular chassis; subclasses fix ``chassis_type`` (EcoliChassis, YeastChassis).

    The original's abstract methods are implemented once here, on the C++ engine:
    allocate_resources() creates a VM reservation in the engine (its admission control
    decides), deallocate_resources() destroys it.
    """

    #: The chassis type of the class; set by the subclasses.
    chassis_type: Optional[ChassisType] = None
    #: The built-in genome a bare allocate_resources() reserves space for.
    default_genome: str = "ecoli"

    def __init__(self, chassis_id: str) -> None:
        self.chassis_id: str = chassis_id
        self.capabilities: Optional[ChassisCapabilities] = None
        self._engine: Optional[bioxen.BioXenHypervisor] = None
        self._profile: Optional[Dict[str, Any]] = None
        self._isolation: Dict[str, Dict[str, Any]] = {}
        self.logger = logging.getLogger(f"bioxen.legacy.chassis.{type(self).__name__}")

    # -- engine ------------------------------------------------------------------------
    def attach_engine(self, engine: "bioxen.BioXenHypervisor") -> None:
        """Makes the chassis a view of `engine` (the legacy hypervisor does this)."""
        self._engine = engine

    @property
    def engine(self) -> Optional["bioxen.BioXenHypervisor"]:
        """The C++ hypervisor whose resource pool this chassis shows (None before initialize)."""
        return self._engine

    @property
    def profile(self) -> Dict[str, Any]:
        """BioXen's chassis profile as a dict (empty before initialize)."""
        return dict(self._profile or {})

    def initialize(self) -> bool:
        """Loads the chassis profile (and makes an engine if none is attached); True on success."""
        if self.chassis_type is None:
            self.logger.error("chassis %s has no chassis type", self.chassis_id)
            return False
        try:
            engine_type = engine_chassis_type(self.chassis_type)
            profile = bioxen.chassis_profile(engine_type).to_dict()
            if self._engine is None:
                config = bioxen.ProductionConfig(max_vms=int(profile["recommended_max_vms"]),
                                                 total_ribosomes=int(profile["ribosome_units"]))
                self._engine = bioxen.BioXenHypervisor(config=config, chassis=engine_type)
        except bioxen.BioXenException as e:
            self.logger.error("failed to initialize %s chassis: %s", self.chassis_type.value, e)
            return False
        self._profile = profile
        self.capabilities = ChassisCapabilities(
            max_ribosomes=int(self._engine.get_system_resources().total_ribosomes),
            has_nucleus=bool(profile["has_nucleus"]),
            has_mitochondria=bool(profile["has_mitochondria"]),
            has_chloroplasts=False,
            has_endoplasmic_reticulum=bool(profile["has_er"]),
            max_concurrent_vms=int(self._engine.max_vms),
            memory_architecture="eukaryotic" if profile["has_nucleus"] else "prokaryotic",
            metabolic_pathways=list(profile["metabolic_pathways"]),
            protein_processing=list(profile["protein_processing"]),
        )
        self.logger.info("%s chassis %s initialized (%s)", self.chassis_type.value,
                         self.chassis_id, profile.get("name", ""))
        return True

    def _require_engine(self) -> "bioxen.BioXenHypervisor":
        if self._engine is None or self.capabilities is None:
            raise RuntimeError(f"chassis {self.chassis_id} is not initialized: call initialize()")
        return self._engine

    # -- the original's interface ------------------------------------------------------
    def get_capabilities(self) -> Optional[ChassisCapabilities]:
        """The chassis' capabilities (None before initialize)."""
        return self.capabilities

    def allocate_resources(self, vm_id: str, resource_request: Dict[str, Any]) -> bool:
        """Reserves resources for `vm_id` in the engine; False if admission control refuses.

        `resource_request` has the original's keys (ribosomes, atp_percentage, memory_kb,
        rna_polymerase, priority) and optionally ``genome`` (a built-in genome, default
        :attr:`default_genome`); absent or zero fields get the engine's default share.
        """
        engine = self._require_engine()

        def pick(key: str, default: float) -> float:
            value = resource_request.get(key)
            return value if value else default

        allocation = bioxen.ResourceAllocation(
            ribosomes=int(pick("ribosomes", -1)),
            atp_percentage=float(pick("atp_percentage", -1.0)),
            rna_polymerase=int(pick("rna_polymerase", -1)),
            memory_kb=int(pick("memory_kb", -1)),
            priority=int(pick("priority", -1)))
        try:
            engine.create_vm(vm_id, str(resource_request.get("genome", self.default_genome)),
                             allocation)
        except bioxen.BioXenException as e:
            self.logger.warning("insufficient resources for VM %s: %s", vm_id, e)
            return False
        return True

    def deallocate_resources(self, vm_id: str) -> bool:
        """Returns `vm_id`'s resources to the pool (destroys its reservation); False if none."""
        engine = self._require_engine()
        try:
            engine.destroy_vm(vm_id)
        except bioxen.BioXenException as e:
            self.logger.warning("VM %s not found in active VMs: %s", vm_id, e)
            return False
        return True

    def get_resource_status(self) -> ChassisResources:
        """The free resources now, from the engine's SystemResources."""
        engine = self._require_engine()
        r = engine.get_system_resources()
        profile = self._profile or {}
        organelles: Dict[str, int] = {}
        if profile.get("has_nucleus"):
            organelles["nucleus"] = 1
        if profile.get("has_mitochondria"):
            organelles["mitochondria"] = 1
        if profile.get("has_er"):
            organelles["endoplasmic_reticulum"] = 1
        return ChassisResources(available_ribosomes=int(r.free_ribosomes),
                                available_atp=float(r.free_atp_percentage),
                                available_memory_kb=int(r.free_memory_kb),
                                organelle_capacity=organelles)

    @property
    def current_resources(self) -> Optional[ChassisResources]:
        """get_resource_status(), or None before initialize (the original's attribute)."""
        return self.get_resource_status() if self.capabilities is not None else None

    @property
    def active_vms(self) -> Dict[str, Dict[str, Any]]:
        """The engine's VMs and their reservations, by id (the original's attribute)."""
        if self._engine is None:
            return {}
        out: Dict[str, Dict[str, Any]] = {}
        for vm_id in self._engine.list_vm_ids():
            a = self._engine.get_vm_allocation(vm_id)
            out[vm_id] = {"ribosomes": a.ribosomes, "atp_percentage": a.atp_percentage,
                          "memory_kb": a.memory_kb, "rna_polymerase": a.rna_polymerase}
            if vm_id in self._isolation:
                out[vm_id]["isolation"] = dict(self._isolation[vm_id])
        return out

    def create_isolation_environment(self, vm_id: str) -> bool:
        """Records the engine's isolation settings for `vm_id`; False if it has no such VM.

        BioXen isolates guests by its configuration (transcription_isolation,
        orthogonal_pool), the same for every VM of a hypervisor: that is what is recorded.
        """
        engine = self._require_engine()
        if not engine.has_vm(vm_id):
            self.logger.error("VM %s not found for isolation setup", vm_id)
            return False
        cfg = engine.config
        self._isolation[vm_id] = {
            key: str(getattr(cfg, key)).rsplit(".", 1)[-1]
            for key in ("transcription_isolation", "orthogonal_pool", "pause_mechanism")}
        return True

    def cleanup_vm_environment(self, vm_id: str) -> bool:
        """Forgets `vm_id`'s isolation record; True (nothing else is left behind)."""
        self._isolation.pop(vm_id, None)
        return True

    def get_chassis_info(self) -> Dict[str, Any]:
        """The original's summary, plus the engine's ``get_chassis_info()`` as ``engine``."""
        return {
            "chassis_id": self.chassis_id,
            "chassis_type": self.chassis_type.value if self.chassis_type else "unknown",
            "capabilities": self.capabilities,
            "current_resources": self.current_resources,
            "active_vms": len(self.active_vms),
            "max_vms": self.capabilities.max_concurrent_vms if self.capabilities else 0,
            "engine": self._engine.get_chassis_info() if self._engine is not None else {},
        }


class _GenericChassis(BaseChassis):
    """A chassis of any ChassisType (SYN3A, ORTHOGONAL; MAMMALIAN and PLANT fail to initialize)."""

    def __init__(self, chassis_type: ChassisType, chassis_id: str) -> None:
        super().__init__(chassis_id)
        self.chassis_type = chassis_type
        self.default_genome = "syn3a" if chassis_type == ChassisType.SYN3A else "ecoli"
