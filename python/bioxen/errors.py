# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""BioXen's exceptions: one class per error code, all subclasses of BioXenException.

Every error the C++ engine raises arrives as the class of its code, with

* ``code``: the code string, ``"BX006"``;
* ``message``: what went wrong, naming the VM, field or value;
* ``details``: a dict of the structured details (``{"vm_id": "vm1", ...}``).

The classes of the codes that mean "a value you gave is wrong" also derive from
``ValueError``, as the original library raised ``ValueError`` for them: an unsupported
biological or VM type (BX001), a bad chassis profile (BX003), an invalid or missing
configuration (BX005), an argument out of its domain (BX011) and a bad snapshot (BX013).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

__all__ = [
    "BioXenException",
    "VmCreationFailedError",
    "ResourceAllocationError",
    "ChassisInitializationError",
    "HypervisorOverloadError",
    "InvalidConfigurationError",
    "VmNotFoundError",
    "InvalidStateTransitionError",
    "UnsupportedOperationError",
    "GenomeParseError",
    "VmAlreadyExistsError",
    "InvalidArgumentError",
    "BioXenIOError",
    "InvalidSnapshotError",
    "IncompatibleGeneticCodeError",
    "exception_class",
]


class BioXenException(Exception):
    """Base class of every BioXen error: ``code``, ``message``, ``details``."""

    #: The code of the class ("BX006"); None on the base class.
    code_string: Optional[str] = None

    def __init__(self, message: str, code: Optional[str] = None,
                 details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else type(self).code_string
        self.details = dict(details) if details else {}

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}" if self.code else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"

    def __reduce__(self):
        return (type(self), (self.message, self.code, self.details))


class VmCreationFailedError(BioXenException, ValueError):
    """BX001: a VM could not be created (unsupported type, bad id or genome)."""
    code_string = "BX001"


class ResourceAllocationError(BioXenException):
    """BX002: admission control refused the resources (details: requested, available)."""
    code_string = "BX002"


class ChassisInitializationError(BioXenException, ValueError):
    """BX003: a chassis profile is invalid."""
    code_string = "BX003"


class HypervisorOverloadError(BioXenException):
    """BX004: the VM count would exceed max_vms."""
    code_string = "BX004"


class InvalidConfigurationError(BioXenException, ValueError):
    """BX005: a configuration value, file or variable is invalid or missing."""
    code_string = "BX005"


class VmNotFoundError(BioXenException, LookupError):
    """BX006: no VM has this id."""
    code_string = "BX006"


class InvalidStateTransitionError(BioXenException):
    """BX007: the VM's state does not allow the operation."""
    code_string = "BX007"


class UnsupportedOperationError(BioXenException, NotImplementedError):
    """BX008: the operation is not available in this release (e.g. starting an XCP-ng VM)."""
    code_string = "BX008"


class GenomeParseError(BioXenException):
    """BX009: a genome file is malformed (details: file, line, field)."""
    code_string = "BX009"


class VmAlreadyExistsError(BioXenException):
    """BX010: a VM with this id exists already."""
    code_string = "BX010"


class InvalidArgumentError(BioXenException, ValueError):
    """BX011: an argument of a call is out of its domain."""
    code_string = "BX011"


class BioXenIOError(BioXenException):
    """BX012: a file could not be read or written."""
    code_string = "BX012"


class InvalidSnapshotError(BioXenException, ValueError):
    """BX013: a snapshot cannot be restored (nothing was changed)."""
    code_string = "BX013"


class IncompatibleGeneticCodeError(BioXenException):
    """BX014: the host does not read the guest's genetic code."""
    code_string = "BX014"


_BY_CODE: Dict[str, Type[BioXenException]] = {
    cls.code_string: cls
    for cls in (VmCreationFailedError, ResourceAllocationError, ChassisInitializationError,
                HypervisorOverloadError, InvalidConfigurationError, VmNotFoundError,
                InvalidStateTransitionError, UnsupportedOperationError, GenomeParseError,
                VmAlreadyExistsError, InvalidArgumentError, BioXenIOError,
                InvalidSnapshotError, IncompatibleGeneticCodeError)
}


def exception_class(code: str) -> Type[BioXenException]:
    """The class of an error code ("BX006" -> VmNotFoundError); BioXenException if unknown."""
    return _BY_CODE.get(code, BioXenException)
