# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's production monitoring (``src.monitoring.production_metrics``).

:class:`ProductionMonitor` wraps ``bioxen.ProductionMonitor``: the engine counts every
operation and its latency itself (no record_operation calls are needed) and samples the
resources on a thread of its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Union

import bioxen

__all__ = ["PerformanceMetrics", "ProductionMonitor"]


@dataclass
class PerformanceMetrics:
    """The original's metrics record, filled from the engine's performance summary."""

    vm_operations: Dict[str, int] = field(default_factory=dict)
    operation_latencies: Dict[str, List[float]] = field(default_factory=dict)
    resource_utilization: Dict[str, float] = field(default_factory=dict)
    error_counts: Dict[str, int] = field(default_factory=dict)
    uptime_seconds: float = 0.0


class ProductionMonitor:
    """Monitors a hypervisor (legacy or ``bioxen.BioXenHypervisor``) with the engine's monitor."""

    def __init__(self, hypervisor: Any) -> None:
        self.hypervisor = hypervisor
        engine = getattr(hypervisor, "engine", hypervisor)
        if not isinstance(engine, bioxen.BioXenHypervisor):
            raise TypeError("ProductionMonitor needs a bioxen.legacy or bioxen BioXenHypervisor")
        self._engine = bioxen.ProductionMonitor(engine)
        self.start_time: float = time.time()

    @property
    def engine(self) -> "bioxen.ProductionMonitor":
        """The C++ monitor."""
        return self._engine

    def start_monitoring(self, interval: float = 30.0) -> bool:
        """Samples every `interval` wall-clock seconds on a thread; False if already running."""
        return bool(self._engine.start_monitoring(float(interval)))

    def stop_monitoring(self) -> bool:
        """Stops the sampling thread; False if it was not running."""
        return bool(self._engine.stop_monitoring())

    def is_monitoring(self) -> bool:
        """True while the sampling thread runs."""
        return bool(self._engine.is_monitoring())

    def _collect_resource_metrics(self) -> Dict[str, Any]:
        """Takes one sample now; returns its resource utilization."""
        return dict(self._engine.sample_now().resource_utilization)

    collect_now = _collect_resource_metrics

    def get_performance_summary(self) -> Dict[str, Any]:
        """The engine's summary: vm_operations, operation_statistics, resource_utilization,
        uptime_hours, error_rate (the original's keys) and BioXen's host and scheduling."""
        return dict(self._engine.get_performance_summary().to_dict())

    @property
    def metrics(self) -> PerformanceMetrics:
        """The summary as the original's PerformanceMetrics record."""
        s = self.get_performance_summary()
        stats = s.get("operation_statistics", {})
        return PerformanceMetrics(
            vm_operations=dict(s.get("vm_operations", {})),
            operation_latencies={op: [float(v.get("avg_latency", 0.0))] for op, v in stats.items()},
            resource_utilization=dict(s.get("resource_utilization", {})),
            error_counts=dict(s.get("error_counts", {})),
            uptime_seconds=float(s.get("uptime_seconds", 0.0)))

    def to_prometheus(self) -> str:
        """The summary in Prometheus' text format."""
        return str(self._engine.to_prometheus())

    def _calculate_error_rate(self) -> float:
        """Failed operations / all operations."""
        return float(self.get_performance_summary().get("error_rate", 0.0))
