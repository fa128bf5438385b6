"""Shared names for the real-backend tests (a plain module: conftest.py is not importable)."""

from __future__ import annotations

from collections.abc import Callable

from lmms_magenta.kernel import Kernel

#: ``make_kernel("cpu", "openvino", backend="auto", settings={...})`` -> Kernel
MakeKernel = Callable[..., Kernel]
