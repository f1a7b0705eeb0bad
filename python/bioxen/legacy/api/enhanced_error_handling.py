# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The original library's error codes and logger (``src.api.enhanced_error_handling``).

The codes are BioXen's (BX001 ... BX005 mean what the original's did; BioXen adds
BX006 ... BX014); the exception is a :class:`bioxen.BioXenException`, so
``except bioxen.BioXenException`` catches the engine's errors and these alike.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Dict, Optional, Union

import bioxen

__all__ = ["BioXenErrorCode", "BioXenException", "ProductionLogger"]

#: Error codes by the original's upper-case names; values are the code strings ("BX001").
BioXenErrorCode = Enum("BioXenErrorCode", {
    name.upper():
        bioxen.error_code_string(member)
    for name, member in bioxen.BioXenErrorCode.__members__.items()})
BioXenErrorCode.__doc__ = "Standardized error codes of BioXen operations (BioXen's codes)."


class BioXenException(bioxen.BioXenException):
    """The original's signature, ``BioXenException(code, message, details=None)``.

    ``code`` may be a BioXenErrorCode or its string; ``.code`` is the code string, as on
    every BioXen exception, and ``.error_code`` the enumeration member.
    """

    def __init__(self, code: Union["BioXenErrorCode", str], message: str,
                 details: Optional[Dict[str, Any]] = None) -> None:
        member = code if isinstance(code, BioXenErrorCode) else BioXenErrorCode(str(code))
        super().__init__(message, member.value, details)
        self.error_code = member

    def __reduce__(self):
        return (type(self), (self.error_code.value, self.message, self.details))


class ProductionLogger:
    """The original's ProductionLogger(name), on BioXen's (``bioxen.ProductionLogger``)."""

    def __init__(self, name: str) -> None:
        self._engine = bioxen.ProductionLogger(name)
        self.name = name

    @property
    def engine(self) -> "bioxen.ProductionLogger":
        """The C++ logger."""
        return self._engine

    def log_vm_operation(self, operation: str, vm_id: str, success: bool,
                         details: Optional[Dict[str, Any]] = None) -> None:
        """Logs a VM operation: info when it succeeded, error when not."""
        self._engine.log_vm_operation(operation, vm_id, bool(success), dict(details or {}))

    def info(self, message: str) -> None:
        """Logs at info."""
        self._engine.info(message)

    def warning(self, message: str) -> None:
        """Logs at warning."""
        self._engine.warning(message)

    def error(self, message: str) -> None:
        """Logs at error."""
        self._engine.error(message)
