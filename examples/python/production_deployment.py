#!/usr/bin/env python3
# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""A production workflow written against bioxen.legacy, the original library's API.

Checks a production configuration, creates an E. coli and a Syn3A guest on one host,
monitors them while the engine runs ten virtual minutes, reports the resources and the
monitor's summary, and stops and destroys the guests. Runs with::

    PYTHONPATH=build/dev/python python3 examples/python/production_deployment.py

The configuration is read from a temporary file, so the user's ~/.bioxen/config.json is
neither read nor written.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import Optional, Tuple

from bioxen.legacy.api import BioResourceManager, ConfigManager, create_bio_vm
from bioxen.legacy.api.production_config import ProductionConfigManager
from bioxen.legacy.hypervisor.core import BioXenHypervisor
from bioxen.legacy.monitoring.production_metrics import ProductionMonitor


def prepare(config_dir: Path) -> Optional[Tuple[ProductionConfigManager, BioXenHypervisor]]:
    """Loads and checks the production configuration; the host hypervisor, or None."""
    manager = ProductionConfigManager(config_dir / "config.json")
    manager.config.log_level = "WARNING"
    checks = manager.validate_production_requirements()
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        logging.error("production checks failed: %s", ", ".join(failed))
        return None
    manager.save_config()
    cfg = manager.config
    host = BioXenHypervisor(max_vms=cfg.max_vms, total_ribosomes=cfg.total_ribosomes,
                            config=manager.engine_config())
    print(f"configuration {manager.config_path.name}: {len(checks)} checks passed; "
          f"{host.total_ribosomes} ribosome units, {host.available_ribosomes} for guests")
    return manager, host


def workflow() -> int:
    """The workflow; 0 on success."""
    with tempfile.TemporaryDirectory(prefix="bioxen-prod-") as tmp:
        prepared = prepare(Path(tmp))
        if prepared is None:
            return 1
        _, host = prepared
        monitor = ProductionMonitor(host)
        monitor.start_monitoring(interval=0.05)
        try:
            ecoli_defaults = ConfigManager.load_defaults("ecoli")
            ecoli = create_bio_vm("prod_ecoli_01", "ecoli", "basic",
                                  {"ribosomes": ecoli_defaults["resource_limits"]["max_ribosomes"] // 2},
                                  hypervisor=host)
            syn3a = create_bio_vm("prod_syn3a_01", "syn3a", "basic", hypervisor=host)
            for vm in (ecoli, syn3a):
                alloc = vm.get_resource_allocation()
                print(f"created {vm.vm_id} ({vm.get_biological_type()}, {vm.get_vm_type()}): "
                      f"{alloc.ribosomes} ribosomes, {alloc.atp_percentage:.1f} % ATP, "
                      f"genome {vm.get_status()['genome']}")
                if not vm.start():
                    logging.error("could not start %s: %s", vm.vm_id, host.last_error)
                    return 1

            tuner = BioResourceManager(syn3a)
            if not tuner.allocate_ribosomes(12):
                logging.error("reallocation refused: %s", host.last_error)
                return 1

            result = ecoli.execute_biological_process("10m")  # the whole host runs 10 min
            print(f"ran {result['quanta']} quanta ({result['virtual_seconds']:.0f} s virtual)")
            for vm in (ecoli, syn3a):
                s = vm.get_status()
                print(f"  {vm.vm_id}: {s['state']}, {s['amino_acids']} amino acids, "
                      f"{s['proteins_completed']} proteins, {s['context_switches']} switches")
                if s["amino_acids"] <= 0:
                    logging.error("%s made no protein", vm.vm_id)
                    return 1

            summary = BioResourceManager(ecoli).get_resource_summary()
            print(f"resources: {summary['allocated_ribosomes']}/{summary['available_ribosomes']} "
                  f"ribosome units reserved, {summary['total_atp_allocated']:.1f} % ATP, "
                  f"{summary['active_vms']} running")
            perf = monitor.get_performance_summary()
            print(f"monitor: {perf['samples_taken']} samples, error rate {perf['error_rate']:.2f}, "
                  f"host doubling {perf['host']['doubling_time_min']:.1f} min")

            for vm in (ecoli, syn3a):
                if not (vm.stop() and vm.destroy()):
                    logging.error("cleanup of %s failed: %s", vm.vm_id, host.last_error)
                    return 1
        finally:
            monitor.stop_monitoring()
        print(f"cleaned up: {len(host.vms)} VMs left")
        return 0 if len(host.vms) == 0 else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(workflow())
