# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The Python first program: a host, one guest, a minute of virtual time, what it cost.

    PYTHONPATH=build/dev/python python3 examples/python/quickstart.py
"""

import json

import bioxen

hv = bioxen.BioXenHypervisor(chassis=bioxen.ChassisType.ecoli)
hv.create_vm("guest", "syn3a_recoded", bioxen.ResourceAllocation(ribosomes=20, atp_percentage=30))
hv.start_vm("guest")
alone = hv.get_host_status()  # before the guest has made anything
hv.run_for(60.0)  # virtual seconds

status = hv.get_vm_status("guest")
host = hv.get_host_status()
print(f"{status.vm_id}: {status.state}, {status.amino_acids:,} amino acids, "
      f"{status.proteins_completed:,} proteins")
print(f"host doubling time {host.doubling_time_min:.1f} min "
      f"(guests take {host.guest_translation_fraction:.1%} of translation)")
print(json.dumps(hv.get_system_resources().to_dict(), indent=None)[:120], "...")

try:
    hv.start_vm("no-such-vm")
except bioxen.VmNotFoundError as e:
    print(f"{e.code}: {e.message}")
