# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""BioXen: a biological hypervisor on a C++ engine.

A host cell's ribosomes, RNA polymerase, ATP and genome space are shared among guest genomes
("biological VMs") by a scheduler, and the host pays for its guests in growth::

    import bioxen
    hv = bioxen.BioXenHypervisor(chassis=bioxen.ChassisType.ecoli)
    hv.create_vm("guest", "syn3a_recoded", bioxen.ResourceAllocation(ribosomes=20))
    hv.start_vm("guest")
    hv.run_for(60.0)                       # virtual seconds; the GIL is released
    print(hv.get_host_status().doubling_time_min)

The names are the C++ library's (docs/API_REFERENCE.md); errors are the classes of
bioxen.errors; ``bioxen.legacy`` is the original Python library's API on the same engine.
See docs/PYTHON.md.
"""

from __future__ import annotations

from . import _bioxen
from ._bioxen import *  # noqa: F401,F403  (the C++ API)
from .errors import *  # noqa: F401,F403
from .errors import BioXenException, exception_class
from .timeseries import Recorder, record  # noqa: F401

__version__: str = _bioxen.__version__

__all__ = [name for name in dir(_bioxen) if not name.startswith("_")] + [
    "BioXenException", "exception_class", "Recorder", "record", "__version__",
] + [name for name in dir(__import__("bioxen.errors").errors) if name.endswith("Error")]
