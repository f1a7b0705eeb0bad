# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original BioXen Python library's API, on BioXen's C++ engine.

The original library's users wrote ``from src.api import create_bio_vm`` and
``from src.hypervisor.core import BioXenHypervisor``; here the same modules live under
``bioxen.legacy``::

    from bioxen.legacy.hypervisor.core import BioXenHypervisor, ResourceAllocation, VMState
    hv = BioXenHypervisor(max_vms=4, total_ribosomes=80)
    hv.create_vm("vm1", "syn3a_minimal", ResourceAllocation(ribosomes=20, atp_percentage=25.0))
    hv.start_vm("vm1")          # True / False, as the original
    hv.run_scheduler()

Every operation is done by a :class:`bioxen.BioXenHypervisor` (``hv.engine``); this layer
only adapts names, shapes and the error style (booleans where the original returned them).
Where the original's behaviour and BioXen's validation differ, BioXen's rule is kept:
docs/PYTHON.md ("Where the original and BioXen differ") lists each case.

Modules: :mod:`bioxen.legacy.hypervisor.core`, :mod:`bioxen.legacy.chassis`,
:mod:`bioxen.legacy.api` (with ``api.production_config`` and
``api.enhanced_error_handling``) and :mod:`bioxen.legacy.monitoring.production_metrics`.
"""

from __future__ import annotations

__all__ = ["api", "chassis", "hypervisor", "monitoring"]
