# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's ConfigManager (``src.api.config_manager``) on BioXen's."""

from __future__ import annotations

import os
from typing import Any, Dict

import bioxen

__all__ = ["ConfigManager", "XCPNG_REQUIRED_FIELDS"]

#: The fields an ``xcpng_config`` must have.
XCPNG_REQUIRED_FIELDS = ("xapi_url", "username", "password", "ssh_user")


class ConfigManager:
    """VM configuration helpers; the defaults and merging are ``bioxen.ConfigManager``'s."""

    @staticmethod
    def load_defaults(biological_type: str) -> Dict[str, Any]:
        """The default VM configuration of an organism type ({} for an unknown one).

        BioXen's defaults: the original's keys (resource_limits, minimal_mode,
        operon_management...) plus genome, memory_kb and priority.
        """
        if not bioxen.validate_biological_type(biological_type):
            return {}
        return dict(bioxen.ConfigManager.load_defaults(biological_type))

    @staticmethod
    def get_default_config(biological_type: str = "syn3a", vm_type: str = "basic") -> Dict[str, Any]:
        """The default configuration of an organism on a VM type (BioXen's)."""
        return dict(bioxen.ConfigManager.get_default_config(biological_type, vm_type))

    @staticmethod
    def load_from_file(config_path: str) -> Dict[str, Any]:
        """Reads a JSON configuration file; FileNotFoundError if it does not exist."""
        if not os.path.exists(config_path):
            raise FileNotFoundError(f"Configuration file not found: {config_path}")
        return dict(bioxen.ConfigManager.load_from_file(config_path))

    @staticmethod
    def validate_config(config: Dict[str, Any], vm_type: str) -> bool:
        """The original's rule: "basic" takes any dict; "xcpng" needs the four
        ``xcpng_config`` fields present; another vm type is False.

        BioXen's own check (``bioxen.ConfigManager.validate_config``) also requires an
        http(s) ``xapi_url`` and valid resource values: use :meth:`check_config`.
        """
        if vm_type == "basic":
            return isinstance(config, dict)
        if vm_type == "xcpng":
            xcpng = config.get("xcpng_config", {}) if isinstance(config, dict) else {}
            return isinstance(xcpng, dict) and all(f in xcpng for f in XCPNG_REQUIRED_FIELDS)
        return False

    @staticmethod
    def check_config(config: Dict[str, Any], vm_type: str = "basic") -> None:
        """BioXen's strict check; raises InvalidConfigurationError saying what is wrong."""
        bioxen.ConfigManager.check_config(config, vm_type)

    @staticmethod
    def merge_configs(base_config: Dict[str, Any], override_config: Dict[str, Any]) -> Dict[str, Any]:
        """`base_config` with `override_config`'s keys on top."""
        return dict(bioxen.ConfigManager.merge_configs(base_config, override_config))
