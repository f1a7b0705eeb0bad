# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's factory API (``src.api``) on BioXen's engine.

``create_bio_vm(vm_id, biological_type, vm_type="basic", config=None)`` returns a
BasicBiologicalVM or XCPngBiologicalVM; BioResourceManager and ConfigManager as the
original's. Submodules: ``production_config`` (ProductionConfigManager) and
``enhanced_error_handling`` (BioXenErrorCode, BioXenException, ProductionLogger).
"""

from __future__ import annotations

from typing import Optional

from .biological_vm import BasicBiologicalVM, BiologicalVM, XCPngBiologicalVM
from .config_manager import ConfigManager
from .factory import (create_bio_vm, create_biological_vm, get_supported_biological_types,
                      get_supported_vm_types, live_vms, validate_biological_type,
                      validate_vm_type)
from .resource_manager import BioResourceManager

__all__ = [
    "BiologicalVM", "BasicBiologicalVM", "XCPngBiologicalVM",
    "create_bio_vm", "create_biological_vm", "get_supported_biological_types",
    "get_supported_vm_types", "validate_biological_type", "validate_vm_type", "live_vms",
    "BioResourceManager", "ConfigManager", "quick_start_vm", "create_vm",
]


def quick_start_vm(biological_type: str, vm_id: Optional[str] = None) -> BiologicalVM:
    """A basic VM of `biological_type` with the default settings (id "quick_<type>")."""
    return create_bio_vm(vm_id or f"quick_{biological_type}", biological_type)


#: The original's alias of create_bio_vm.
create_vm = create_bio_vm
