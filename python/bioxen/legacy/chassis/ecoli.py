# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The E. coli chassis (``src.chassis.ecoli``): BioXen's E. coli K-12 profile."""

from __future__ import annotations

from .base import BaseChassis, ChassisType

__all__ = ["EcoliChassis"]


class EcoliChassis(BaseChassis):
    """E. coli prokaryotic chassis: 80 ribosome units, genetic code 11, 4 VMs recommended."""

    chassis_type = ChassisType.ECOLI
    default_genome = "ecoli"

    def __init__(self, chassis_id: str = "ecoli_primary") -> None:
        super().__init__(chassis_id)
