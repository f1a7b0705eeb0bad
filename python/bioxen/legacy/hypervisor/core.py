# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's hypervisor (``src.hypervisor.core``) on BioXen's C++ engine.

:class:`BioXenHypervisor` wraps a :class:`bioxen.BioXenHypervisor` (``engine``): every
operation is the engine's, and returns True/False as the original did instead of raising
(the refused operation's :class:`bioxen.BioXenException` is kept in ``last_error``).
``vms`` is a live, read-only mapping of :class:`VirtualMachine` views of the engine's VMs;
``active_vm`` is the VM the engine's scheduler ran in the last quantum.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, Iterator, List, Optional, Union

import bioxen

from ..chassis import BaseChassis, ChassisType, chassis_for_type
from ..chassis.base import engine_chassis_type

__all__ = ["VMState", "ResourceType", "ResourceAllocation", "VirtualMachine",
           "BioXenHypervisor", "GENOME_TEMPLATE_ALIASES"]


class VMState(Enum):
    """Virtual machine states (the values are the engine's state names)."""

    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    ERROR = "error"

    @classmethod
    def from_engine(cls, state: "bioxen.VMState") -> "VMState":
        """The legacy state of a C++ ``bioxen.VMState``."""
        return _FROM_ENGINE_STATE[state]


_FROM_ENGINE_STATE: Dict[Any, VMState] = {
    member: VMState(name) for name, member in bioxen.VMState.__members__.items()}


class ResourceType(Enum):
    """Types of biological resources (the original's enumeration)."""

    RIBOSOMES = "ribosomes"
    ATP = "atp"
    TRNA = "trna"
    RNA_POLYMERASE = "rna_polymerase"
    AMINO_ACIDS = "amino_acids"
    NUCLEOTIDES = "nucleotides"


@dataclass
class ResourceAllocation:
    """A VM's resource request, as the original's dataclass (0 = "not given").

    A field left 0 asks for the engine's default share of that resource (BioXen refuses a
    zero reservation, e.g. ``memory_kb = 0``); see :meth:`to_engine`.
    """

    ribosomes: int = 0
    atp_percentage: float = 0.0
    rna_polymerase: int = 0
    memory_kb: int = 0  # DNA/RNA space in kilobases
    priority: int = 1   # 1 = low, 5 = high

    def to_engine(self) -> "bioxen.ResourceAllocation":
        """The C++ request: each zero field becomes -1, the engine's "default share"."""
        return bioxen.ResourceAllocation(
            ribosomes=int(self.ribosomes) if self.ribosomes > 0 else -1,
            atp_percentage=float(self.atp_percentage) if self.atp_percentage > 0 else -1.0,
            rna_polymerase=int(self.rna_polymerase) if self.rna_polymerase > 0 else -1,
            memory_kb=int(self.memory_kb) if self.memory_kb > 0 else -1,
            priority=int(self.priority) if self.priority > 0 else -1)

    @classmethod
    def from_engine(cls, allocation: "bioxen.ResourceAllocation") -> "ResourceAllocation":
        """The legacy record of a resolved C++ allocation."""
        return cls(ribosomes=int(allocation.ribosomes),
                   atp_percentage=float(allocation.atp_percentage),
                   rna_polymerase=int(allocation.rna_polymerase),
                   memory_kb=int(allocation.memory_kb), priority=int(allocation.priority))


#: Genome template names of the original library and the BioXen built-in genome they mean.
GENOME_TEMPLATE_ALIASES: Dict[str, str] = {
    "syn3a_minimal": "syn3a",
    "syn3a": "syn3a",
    "jcvi_syn3a": "syn3a",
    "minimal": "minimal_cell",
    "minimal_cell": "minimal_cell",
    "ecoli": "ecoli",
    "e_coli": "ecoli",
}


class VirtualMachine:
    """A live view of one engine VM, with the original dataclass's attributes.

    ``state``, ``resources``, ``health_status`` and ``cpu_time_used`` are read from the
    engine each time; ``genome_template`` is what create_vm() was given. ``start_time`` and
    ``last_context_switch`` are wall-clock times (time.time()), as in the original.
    """

    def __init__(self, hypervisor: "BioXenHypervisor", vm_id: str,
                 genome_template: Union[str, "bioxen.Genome"]) -> None:
        self._hv = hypervisor
        self.vm_id: str = vm_id
        self.genome_template = genome_template
        self.start_time: Optional[float] = time.time()
        self.last_context_switch: Optional[float] = None

    @property
    def engine_status(self) -> "bioxen.VmStatus":
        """The engine's VmStatus of the VM (raises VmNotFoundError once it is destroyed)."""
        return self._hv.engine.get_vm_status(self.vm_id)

    @property
    def state(self) -> VMState:
        """The engine's state of the VM."""
        return VMState.from_engine(self._hv.engine.get_vm_state(self.vm_id))

    @property
    def resources(self) -> ResourceAllocation:
        """The VM's reservation as the engine resolved it."""
        return ResourceAllocation.from_engine(self._hv.engine.get_vm_allocation(self.vm_id))

    @property
    def health_status(self) -> str:
        """The engine's health status ("healthy", "throttled", "failed: ...")."""
        return str(self.engine_status.health_status)

    @property
    def cpu_time_used(self) -> float:
        """Virtual seconds the scheduler gave the VM ribosomes (the engine's active_seconds)."""
        return float(self.engine_status.active_seconds)

    @property
    def genome(self) -> str:
        """The built-in genome (or genome name) the engine runs for the VM."""
        return str(self.engine_status.genome)

    def __repr__(self) -> str:
        try:
            state = self.state.value
        except bioxen.BioXenException:
            state = "destroyed"
        return f"VirtualMachine(vm_id={self.vm_id!r}, state={state}, genome_template={self.genome_template!r})"


class _VmMapping(Mapping):
    """``hypervisor.vms``: the engine's VMs by id, as VirtualMachine views (read-only)."""

    def __init__(self, hypervisor: "BioXenHypervisor") -> None:
        self._hv = hypervisor

    def __getitem__(self, vm_id: str) -> VirtualMachine:
        if not isinstance(vm_id, str) or not self._hv.engine.has_vm(vm_id):
            raise KeyError(vm_id)
        return self._hv._view(vm_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._hv.engine.list_vm_ids())

    def __len__(self) -> int:
        return int(self._hv.engine.vm_count())

    def __contains__(self, vm_id: object) -> bool:
        return isinstance(vm_id, str) and bool(self._hv.engine.has_vm(vm_id))

    def __repr__(self) -> str:
        return f"{{{', '.join(repr(k) for k in self)}}}"


class _ActiveVmObserver(bioxen.HypervisorObserver):
    """Remembers which VM got ribosomes in the engine's last quantum."""

    def __init__(self, hypervisor: "BioXenHypervisor") -> None:
        super().__init__()
        self._hv = hypervisor

    def options(self) -> "bioxen.ObserverOptions":
        opts = bioxen.ObserverOptions()
        opts.quanta = True
        opts.quantum_grants = True
        return opts

    def on_quantum(self, event: "bioxen.QuantumEvent") -> None:
        grants = [g for g in event.grants if g.ribosome_units > 0]
        if grants:
            self._hv._note_active(max(grants, key=lambda g: g.ribosome_units).vm_id)


class BioXenHypervisor:
    """The original's hypervisor API on a :class:`bioxen.BioXenHypervisor`.

    ``BioXenHypervisor(max_vms=4, total_ribosomes=80, chassis_type=ChassisType.ECOLI)``;
    `total_ribosomes` None takes the chassis' ribosome units (80 for E. coli), as the
    original read them from the chassis. The engine's 15 % hypervisor overhead gives
    ``available_ribosomes`` 68 of 80.
    """

    def __init__(self, max_vms: int = 4, total_ribosomes: Optional[int] = None,
                 chassis_type: ChassisType = ChassisType.ECOLI,
                 chassis_config: Optional[Dict[str, Any]] = None,
                 config: Optional["bioxen.ProductionConfig"] = None) -> None:
        """Makes the engine; raises ValueError (ChassisInitializationError) for an unknown chassis.

        `config`, a :class:`bioxen.ProductionConfig`, sets the engine's other fields;
        `max_vms` and `total_ribosomes` override it.
        """
        self.chassis_type: ChassisType = chassis_type
        self.chassis_config: Dict[str, Any] = dict(chassis_config or {})
        engine_type = engine_chassis_type(chassis_type)
        if total_ribosomes is None:
            total_ribosomes = int(bioxen.chassis_profile(engine_type).to_dict()["ribosome_units"])
        cfg = config if config is not None else bioxen.ProductionConfig()
        cfg.max_vms = int(max_vms)
        cfg.total_ribosomes = int(total_ribosomes)
        self._engine = bioxen.BioXenHypervisor(config=cfg, chassis=engine_type)
        self.logger = logging.getLogger("bioxen.legacy.hypervisor")
        self.last_error: Optional[bioxen.BioXenException] = None
        self._views: Dict[str, VirtualMachine] = {}
        self._active_vm: Optional[str] = None
        self._observer = _ActiveVmObserver(self)
        self._engine.add_observer(self._observer)
        chassis = chassis_for_type(chassis_type,
                                   self.chassis_config.get("chassis_id",
                                                           f"{chassis_type.value}_primary"))
        chassis.attach_engine(self._engine)
        if not chassis.initialize():
            raise RuntimeError(f"Failed to initialize {chassis_type.value} chassis")
        self.chassis: BaseChassis = chassis
        self.vms: Mapping = _VmMapping(self)
        self.logger.info("BioXen Hypervisor initialized with %s chassis", chassis_type.value)

    # -- the engine --------------------------------------------------------------------
    @property
    def engine(self) -> "bioxen.BioXenHypervisor":
        """The C++ hypervisor doing the work (the modern ``bioxen`` API)."""
        return self._engine

    @property
    def max_vms(self) -> int:
        """The engine's VM limit."""
        return int(self._engine.max_vms)

    @property
    def total_ribosomes(self) -> int:
        """Ribosome units of the host."""
        return int(self._engine.get_system_resources().total_ribosomes)

    @property
    def available_ribosomes(self) -> int:
        """Units guests may reserve: total less the hypervisor overhead (68 of 80)."""
        return int(self._engine.get_system_resources().available_ribosomes)

    @property
    def hypervisor_overhead(self) -> float:
        """The fraction of ribosomes the hypervisor keeps (0.15)."""
        return float(self._engine.config.hypervisor_overhead)

    @property
    def active_vm(self) -> Optional[str]:
        """The VM the scheduler ran in the last quantum, None before any (or once destroyed)."""
        if self._active_vm is not None and not self._engine.has_vm(self._active_vm):
            self._active_vm = None
        return self._active_vm

    def _note_active(self, vm_id: str) -> None:
        if vm_id != self._active_vm:
            now = time.time()
            for prev in (self._active_vm, vm_id):
                if prev is not None and prev in self._views:
                    self._views[prev].last_context_switch = now
            self._active_vm = vm_id

    def _view(self, vm_id: str) -> VirtualMachine:
        view = self._views.get(vm_id)
        if view is None:  # made by the engine directly (e.g. restore())
            view = self._views[vm_id] = VirtualMachine(self, vm_id, vm_id)
        return view

    def _attempt(self, operation: str, vm_id: str, call, *args: Any) -> bool:
        try:
            call(*args)
        except bioxen.BioXenException as e:
            self.last_error = e
            self.logger.error("%s %s failed: %s", operation, vm_id, e)
            return False
        self.last_error = None
        return True

    # -- genomes -----------------------------------------------------------------------
    def resolve_genome(self, genome_template: Union[str, "bioxen.Genome"]) -> Union[str, "bioxen.Genome"]:
        """The genome the engine is given for a template name of the original library.

        Aliases (``syn3a_minimal`` -> ``syn3a``) are resolved; a built-in genome whose
        genetic code the chassis does not read (syn3a and minimal_cell use code 4, E. coli
        reads 11; the engine's check_genetic_code decides) is replaced by its recoded built-in twin (``syn3a_recoded``) when one
        exists, as BioXen refuses to run proteins truncated at UGA. Anything else is
        passed on unchanged (the engine decides).
        """
        if not isinstance(genome_template, str):
            return genome_template
        name = GENOME_TEMPLATE_ALIASES.get(genome_template, genome_template)
        builtin = set(bioxen.builtin_genome_names())
        if name not in builtin:
            return name
        codes = list(self._engine.get_chassis_info().get("genetic_codes", []))
        recoded = f"{name}_recoded"
        if codes and recoded in builtin:
            if not bioxen.check_genetic_code(bioxen.builtin_genome(name), codes).compatible and \
                    bioxen.check_genetic_code(bioxen.builtin_genome(recoded), codes).compatible:
                return recoded
        return name

    # -- the original's operations -----------------------------------------------------
    def get_chassis_info(self) -> Dict[str, Any]:
        """The chassis summary (the original's keys, the engine's under ``engine``)."""
        return self.chassis.get_chassis_info()

    def create_vm(self, vm_id: str, genome_template: Union[str, "bioxen.Genome"] = "syn3a_minimal",
                  resource_allocation: Optional[Union[ResourceAllocation, "bioxen.ResourceAllocation"]] = None) -> bool:
        """Creates a VM in the engine; False if refused (limit, duplicate id, resources...).

        Without `resource_allocation` (or for its zero fields) the engine gives its default
        share (14 ribosomes and 22.5 % ATP of an 80-unit E. coli host).
        """
        if resource_allocation is None:
            request = bioxen.ResourceAllocation()
        elif isinstance(resource_allocation, ResourceAllocation):
            request = resource_allocation.to_engine()
        else:
            request = resource_allocation
        genome = self.resolve_genome(genome_template)
        if not self._attempt("create_vm", vm_id, self._engine.create_vm, vm_id, genome, request):
            return False
        self._views[vm_id] = VirtualMachine(self, vm_id, genome_template)
        if not self.chassis.create_isolation_environment(vm_id):
            self.logger.warning("failed to create isolation environment for VM %s", vm_id)
        self.logger.info("VM %s created with %s on %s chassis", vm_id,
                         genome_template if isinstance(genome_template, str) else genome_template.name,
                         self.chassis_type.value)
        return True

    def start_vm(self, vm_id: str) -> bool:
        """created|stopped -> running; False if the VM does not exist or cannot start."""
        if not self._attempt("start_vm", vm_id, self._engine.start_vm, vm_id):
            return False
        self._view(vm_id).start_time = time.time()
        return True

    def pause_vm(self, vm_id: str) -> bool:
        """running -> paused; False otherwise."""
        return self._attempt("pause_vm", vm_id, self._engine.pause_vm, vm_id)

    def resume_vm(self, vm_id: str) -> bool:
        """paused -> running; False otherwise."""
        return self._attempt("resume_vm", vm_id, self._engine.resume_vm, vm_id)

    def stop_vm(self, vm_id: str) -> bool:
        """running|paused -> stopped (BioXen; the original had no stop_vm); False otherwise."""
        return self._attempt("stop_vm", vm_id, self._engine.stop_vm, vm_id)

    def destroy_vm(self, vm_id: str) -> bool:
        """Removes the VM and frees its resources; False if it does not exist."""
        if not self._attempt("destroy_vm", vm_id, self._engine.destroy_vm, vm_id):
            return False
        self.chassis.cleanup_vm_environment(vm_id)
        self._views.pop(vm_id, None)
        if self._active_vm == vm_id:
            self._active_vm = None
        return True

    def fail_vm(self, vm_id: str, reason: str) -> bool:
        """Puts the VM in state error (BioXen); False if it does not exist."""
        return self._attempt("fail_vm", vm_id, self._engine.fail_vm, vm_id, reason)

    def reallocate_vm(self, vm_id: str,
                      resource_allocation: Union[ResourceAllocation, "bioxen.ResourceAllocation"]) -> bool:
        """Changes the VM's reservation (BioXen; zero fields keep their value); False if refused."""
        if isinstance(resource_allocation, ResourceAllocation):
            current = self._engine.get_vm_allocation(vm_id) if self._engine.has_vm(vm_id) else None
            request = resource_allocation.to_engine()
            if current is not None:
                for f in ("ribosomes", "atp_percentage", "rna_polymerase", "memory_kb", "priority"):
                    if getattr(request, f) < 0:
                        setattr(request, f, getattr(current, f))
        else:
            request = resource_allocation
        return self._attempt("reallocate_vm", vm_id, self._engine.reallocate_vm, vm_id, request)

    def get_vm_status(self, vm_id: str) -> Optional[Dict[str, Any]]:
        """The engine's VmStatus as a dict with the original's keys; None if no such VM.

        ``state`` is the state's name ("running"); ``cpu_time_used`` is the engine's
        active_seconds; every other VmStatus field is there too.
        """
        if not self._engine.has_vm(vm_id):
            return None
        status = self._engine.get_vm_status(vm_id).to_dict()
        status["state"] = str(status["state"])
        status["cpu_time_used"] = float(status.get("active_seconds", 0.0))
        status.setdefault("uptime_seconds", 0.0)
        return status

    def list_vms(self) -> List[Dict[str, Any]]:
        """get_vm_status() of every VM."""
        return [s for s in (self.get_vm_status(v) for v in self._engine.list_vm_ids()) if s]

    def run_scheduler(self) -> None:
        """Runs one quantum of the engine's scheduler (no-op without running VMs)."""
        self._engine.run_scheduler()

    def run_quanta(self, n: int) -> int:
        """Runs `n` quanta (BioXen); returns how many ran."""
        return int(self._engine.run_quanta(int(n)))

    def run_for(self, seconds: float) -> int:
        """Runs for `seconds` of virtual time (BioXen); returns the quanta run."""
        return int(self._engine.run_for(seconds))

    def get_system_resources(self) -> Dict[str, Any]:
        """The engine's SystemResources as a dict (the original's keys among them)."""
        return dict(self._engine.get_system_resources().to_dict())

    def __repr__(self) -> str:
        return (f"BioXenHypervisor(max_vms={self.max_vms}, total_ribosomes={self.total_ribosomes}, "
                f"chassis_type={self.chassis_type}, vms={len(self.vms)})")
