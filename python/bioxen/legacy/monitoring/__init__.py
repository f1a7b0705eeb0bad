# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's monitoring package (``src.monitoring``); see :mod:`.production_metrics`."""

from __future__ import annotations

from .production_metrics import PerformanceMetrics, ProductionMonitor

__all__ = ["PerformanceMetrics", "ProductionMonitor"]
