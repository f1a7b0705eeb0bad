# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The yeast chassis (``src.chassis.yeast``): BioXen's S. cerevisiae profile.

The original's yeast chassis was a placeholder; BioXen's profile is a modelled host
(200,000 ribosomes, genetic code 1, 2 VMs recommended).
"""

from __future__ import annotations

from typing import Any, Dict

from .base import BaseChassis, ChassisType

__all__ = ["YeastChassis"]


class YeastChassis(BaseChassis):
    """S. cerevisiae eukaryotic chassis."""

    chassis_type = ChassisType.YEAST
    default_genome = "ecoli"

    def __init__(self, chassis_id: str = "yeast_primary") -> None:
        super().__init__(chassis_id)

    def get_organelle_status(self) -> Dict[str, Any]:
        """The organelles of the profile and how many VMs share them."""
        profile = self.profile
        vms = len(self.active_vms)
        return {
            "nucleus": {"capacity": 1 if profile.get("has_nucleus") else 0,
                        "active_compartments": vms},
            "mitochondria": {"present": bool(profile.get("has_mitochondria"))},
            "endoplasmic_reticulum": {"capacity": 1 if profile.get("has_er") else 0,
                                      "utilization": vms},
            "golgi": {"active_processing": vms},
        }
