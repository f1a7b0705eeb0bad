# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Chassis of the original library (``src.chassis``): ChassisType and the chassis classes.

The capabilities of a chassis are BioXen's C++ chassis profile (``bioxen.chassis_profile``);
its resource pool and admission control are a :class:`bioxen.BioXenHypervisor`'s.
"""

from __future__ import annotations

from .base import BaseChassis, ChassisCapabilities, ChassisResources, ChassisType
from .ecoli import EcoliChassis
from .yeast import YeastChassis

__all__ = ["ChassisType", "BaseChassis", "ChassisCapabilities", "ChassisResources",
           "EcoliChassis", "YeastChassis", "chassis_for_type"]


def chassis_for_type(chassis_type: ChassisType, chassis_id: str | None = None) -> BaseChassis:
    """The chassis object of a ChassisType (not yet initialized).

    Raises ValueError (``bioxen.ChassisInitializationError``) for a type BioXen has no
    profile of (MAMMALIAN, PLANT), as the original raised ValueError.
    """
    from .base import _GenericChassis
    if chassis_type == ChassisType.ECOLI:
        return EcoliChassis(chassis_id or "ecoli_primary")
    if chassis_type == ChassisType.YEAST:
        return YeastChassis(chassis_id or "yeast_primary")
    return _GenericChassis(chassis_type, chassis_id or f"{chassis_type.value}_primary")
