# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Time series of a run for plotting: NumPy arrays, and a pandas DataFrame when pandas is
installed.

``Recorder(every=n)`` is a C++ observer (no Python runs per quantum): attach it with
``hv.add_observer(rec)`` or in ``run_scenario(..., on_hypervisor=lambda hv:
hv.add_observer(rec))``; ``rec.columns()`` gives a dict of NumPy arrays and
``rec.to_pandas()`` a DataFrame indexed by virtual time.
"""

from __future__ import annotations

from typing import Any, Dict

from ._bioxen import Recorder as _Recorder

__all__ = ["Recorder", "record"]


class Recorder(_Recorder):
    """A time series of the hypervisor's run, one row every ``every`` quanta.

    Columns: quantum, time_s (virtual seconds at the row's end), running_vms, active_vms,
    ribosome_units, amino_acids (made since the previous row), host_growth_rate_per_h,
    host_stalled (0/1) and ``amino_acids:<vm_id>`` for each VM that was granted ribosomes.
    """

    def columns(self) -> Dict[str, Any]:  # noqa: D102 (documented on the class)
        return super().columns()

    def to_pandas(self):
        """The columns as a pandas DataFrame indexed by time_s.

        Raises ImportError naming the Debian package when pandas is not installed.
        """
        try:
            import pandas  # noqa: PLC0415
        except ImportError as e:  # not a silent fallback: say what to install
            raise ImportError(
                "Recorder.to_pandas() needs pandas (Debian: apt-get install python3-pandas); "
                "Recorder.columns() gives the same data as NumPy arrays") from e
        return pandas.DataFrame(self.columns()).set_index("time_s")

    def __repr__(self) -> str:
        return f"Recorder(every={self.every}, rows={len(self)})"


def record(hypervisor, every: int = 1) -> Recorder:
    """A Recorder attached to ``hypervisor`` (``hypervisor.add_observer``)."""
    rec = Recorder(every)
    hypervisor.add_observer(rec)
    return rec
