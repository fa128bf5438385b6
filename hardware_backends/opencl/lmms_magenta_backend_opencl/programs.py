"""OpenCL contexts and programs: created once per device, built once per context.

Building a program is the slow part of starting an OpenCL backend (PoCL: ~1.5 s cold,
0.1-0.2 s when its own kernel cache in ``~/.cache/pocl`` has the binary). So every
session on a device shares one :class:`Runtime` - one context and the programs built
in it - and each program source is built at most once per context. Sessions get their
own in-order command queue, so two sessions never wait for each other's work.

The kernel sources live in ``cl/*.cl`` beside this module; a program is ``common.cl``
followed by the sources of one family (inference or DSP).
"""

from __future__ import annotations

import logging
import threading
from importlib import resources
from typing import Any

__all__ = ["INFERENCE", "Runtime", "runtime_for", "source"]

logger = logging.getLogger("lmms_magenta.backend.opencl")

#: the inference program: every op kernel of the executor
INFERENCE = ("common.cl", "copy.cl", "elementwise.cl", "matmul.cl", "recurrent.cl", "reduce.cl")

_lock = threading.Lock()
_runtimes: dict[int, Runtime] = {}


def source(files: tuple[str, ...]) -> str:
    """The concatenated text of kernel source files from ``cl/``."""
    folder = resources.files(__package__) / "cl"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in files)


class Runtime:
    """One OpenCL device's context and the programs built in it (shared by sessions)."""

    def __init__(self, cl_device: Any) -> None:
        import pyopencl as cl

        self.device = cl_device
        self.context: Any = cl.Context([cl_device])
        self._programs: dict[tuple[tuple[str, ...], str], Any] = {}
        self._lock = threading.Lock()

    def queue(self) -> Any:
        """A new in-order command queue on this context."""
        import pyopencl as cl

        return cl.CommandQueue(self.context, self.device)

    def program(self, files: tuple[str, ...] = INFERENCE, options: str = "") -> Any:
        """The built program of ``files`` (built on first use, then cached)."""
        import pyopencl as cl

        key = (files, options)
        with self._lock:
            program = self._programs.get(key)
            if program is None:
                logger.debug("building OpenCL program %s on %s", files, self.device.name)
                program = cl.Program(self.context, source(files)).build(options=options)
                self._programs[key] = program
            return program


def runtime_for(cl_device: Any) -> Runtime:
    """The shared :class:`Runtime` of ``cl_device`` (created on first use)."""
    key = int(cl_device.int_ptr)
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            runtime = Runtime(cl_device)
            _runtimes[key] = runtime
        return runtime
