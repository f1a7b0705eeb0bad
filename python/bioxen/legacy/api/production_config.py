# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's production configuration (``src.api.production_config``).

:class:`ProductionConfigManager` wraps ``bioxen.ProductionConfigManager``: the file
(``~/.bioxen/config.json`` unless given, or ``$BIOXEN_CONFIG``) and the ``BIOXEN_<FIELD>``
variables are read, checked and saved by the engine; ``config`` is the original's
dataclass of the twelve original fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Dict, Optional, Union

import bioxen

__all__ = ["ProductionConfig", "ProductionConfigManager"]


@dataclass
class ProductionConfig:
    """The original's production configuration (BioXen's defaults)."""

    max_vms: int = 4
    total_ribosomes: int = 80
    hypervisor_overhead: float = 0.15
    scheduling_quantum_ms: int = 100
    enable_monitoring: bool = True
    log_level: str = "INFO"
    metrics_collection: bool = True
    max_ribosome_allocation: int = 60
    max_atp_percentage: float = 90.0
    max_memory_kb: int = 1024
    emergency_ribosome_reserve: int = 10
    resource_warning_threshold: float = 0.85

    @classmethod
    def from_engine(cls, config: "bioxen.ProductionConfig") -> "ProductionConfig":
        """The original's fields of a C++ ProductionConfig."""
        return cls(**{f.name: getattr(config, f.name) for f in fields(cls)})

    def to_engine(self, base: Optional["bioxen.ProductionConfig"] = None) -> "bioxen.ProductionConfig":
        """A C++ ProductionConfig: `base` (or the defaults) with these fields set."""
        out = base if base is not None else bioxen.ProductionConfig()
        for f in fields(self):
            setattr(out, f.name, getattr(self, f.name))
        return out


class ProductionConfigManager:
    """Loads, checks and saves the production configuration (with the engine's manager)."""

    def __init__(self, config_path: Optional[Union[str, Path]] = None) -> None:
        """Reads `config_path` if it exists (default: the engine's default path); raises
        ``bioxen.InvalidConfigurationError`` for a malformed file or out-of-range value."""
        self._engine = (bioxen.ProductionConfigManager(Path(config_path)) if config_path is not None
                        else bioxen.ProductionConfigManager())
        self.config_path: Path = Path(self._engine.config_path)
        self.config: ProductionConfig = ProductionConfig.from_engine(self._engine.config)

    @property
    def engine(self) -> "bioxen.ProductionConfigManager":
        """The C++ manager, with ``config`` (every BioXen field) as of the last sync."""
        self._sync()
        return self._engine

    def engine_config(self) -> "bioxen.ProductionConfig":
        """The full C++ ProductionConfig for ``bioxen.BioXenHypervisor(config=...)``."""
        self._sync()
        return self._engine.config

    def _sync(self) -> None:
        self._engine.config = self.config.to_engine(self._engine.config)

    @property
    def sources(self) -> Dict[str, str]:
        """Where each field came from: "default", "file" or "env"."""
        return dict(self._engine.sources)

    def save_config(self) -> None:
        """Writes the configuration to ``config_path`` (the engine writes every field)."""
        self._sync()
        self._engine.save_config()

    def validate_production_requirements(self) -> Dict[str, bool]:
        """The engine's production checks of ``config``: resource_limits_safe,
        emergency_reserve_adequate, vm_limits_reasonable, monitoring_enabled,
        logging_configured."""
        self._sync()
        return dict(self._engine.validate_production_requirements())

    def to_dict(self) -> Dict[str, object]:
        """``config`` as a dict."""
        return asdict(self.config)
