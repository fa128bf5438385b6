"""The ``opencl`` backend: the project's models and loudness DSP on any OpenCL device.

Inference runs through this package's own small ONNX executor (:mod:`.executor`):
the op set of the models the features ship, each op an OpenCL kernel. A model with
anything else is *unsupported*: :meth:`OpenClBackend.precisions` offers nothing,
:meth:`OpenClBackend.unsupported` says why, ``create_session`` raises
:class:`~.graph.UnsupportedModelError` with that sentence, and the kernel's
``open_session`` falls back to the CPU with it as the reason.

Declared preferences (the scale of :mod:`lmms_magenta.backend_support`): a discrete
GPU 40, an integrated GPU 30, another accelerator 20, each plus the measured probe
speed bonus. A CPU-class device (PoCL on the CPU, llvmpipe; see :mod:`.devices`) gets
a fixed 1 and no bonus: below the ``cpu`` backend (10) and OpenVINO's CPU (9), so
``auto`` never prefers an emulated device to ONNX Runtime on the same cores, while
``--backend opencl`` still pins it.

Only ``fp32`` is offered. Settings (``[plugins.opencl]`` in config.toml): ``measure``
(run the probe micro-benchmark, default true).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta import backend_support as support
from lmms_magenta.hardware import Device

if TYPE_CHECKING:
    from .devices import ClDevice
    from .dsp import OpenClDsp
    from .session import OpenClSession

logger = logging.getLogger("lmms_magenta.backend.opencl")

NAME = "opencl"
DECLARED = {"discrete": 40, "integrated": 30, "accelerator": 20}
#: CPU-class devices: below the cpu backend (10) and OpenVINO's CPU (9), never raised
CPU_CLASS_PREFERENCE = 1
PRECISIONS = ("fp32",)
INSTALL_HINT = (
    "install a GPU driver's OpenCL ICD, or PoCL for the CPU: "
    "pip install pyopencl pocl-binary-distribution"
)


class OpenClBackend:
    """Runs the project's ONNX models (and the DSP kernels) with OpenCL."""

    name = NAME

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self.measure = bool(settings.get("measure", True))
        #: why ``probe`` found no device (``None`` when it found some)
        self.unavailable: str | None = None

    # --- probing ----------------------------------------------------------------------

    def probe(self) -> list[Device]:
        """Every OpenCL device, with real names, kinds and (for GPUs) a speed bonus."""
        try:
            import pyopencl as cl

            from .devices import list_devices
        except ImportError as err:
            self.unavailable = f"pyopencl cannot be imported ({err}); {INSTALL_HINT}"
            logger.info("backend %s: %s", NAME, self.unavailable)
            return []
        try:
            found = list_devices()
        except cl.Error as err:  # the ICD loader found no platform
            self.unavailable = f"no OpenCL platform found ({err}); {INSTALL_HINT}"
            logger.info("backend %s: %s", NAME, self.unavailable)
            return []
        self.unavailable = None if found else f"OpenCL platforms list no device; {INSTALL_HINT}"
        return [self._device(cl_device) for cl_device in found]

    def _device(self, cl_device: ClDevice) -> Device:
        kind = cl_device.kind
        if kind == "cpu":
            declared = CPU_CLASS_PREFERENCE
        elif kind == "gpu":
            declared = DECLARED["discrete" if cl_device.discrete else "integrated"]
        else:
            declared = DECLARED["accelerator"]
        details = cl_device.details()
        details["precisions"] = list(PRECISIONS)
        details["declared_preference"] = declared
        preference = declared
        if self.measure:
            try:
                latency = self._probe_latency_us(cl_device)
            except Exception as err:  # a device that cannot run the probe model
                logger.warning("opencl %s: probe benchmark failed: %s", cl_device.id, err)
                details["probe_error"] = f"{type(err).__name__}: {err}"
            else:
                details["probe_us"] = round(latency, 1)
                if kind != "cpu":  # an emulated device never climbs above the CPU backend
                    details["speed_bonus"] = support.speed_bonus(latency)
                    preference += details["speed_bonus"]
        return Device(NAME, cl_device.id, cl_device.name, kind, preference, details)

    def _probe_latency_us(self, cl_device: ClDevice) -> float:
        import numpy as np

        from .graph import load_graph
        from .programs import runtime_for
        from .session import OpenClSession

        graph = load_graph(support.PROBE_MODEL)
        with OpenClSession(graph, runtime_for(cl_device.device)) as session:
            feeds = {"x": np.ones((1, 64), dtype=np.float32)}
            return support.median_latency_us(lambda: session.run(feeds))

    # --- models -----------------------------------------------------------------------

    def unsupported(self, model: str | os.PathLike[str] | Mapping[str, Any]) -> str | None:
        """Why this backend cannot run ``model`` (one sentence), or ``None`` when it can."""
        path = support.model_variants(model).get("fp32")
        if path is None:
            return "the OpenCL backend runs fp32 models only, and the model has no fp32 file"
        try:
            from .graph import load_graph, unsupported_reason

            reason = unsupported_reason(load_graph(path))
        except ImportError as err:
            return f"the OpenCL backend needs onnx and pyopencl ({err})"
        except Exception as err:  # unreadable or invalid file: say so, let the CPU try
            return f"cannot read {Path(path).name} ({type(err).__name__}: {err})"
        return f"the OpenCL executor cannot run {Path(path).name}: {reason}" if reason else None

    def precisions(
        self, model: str | os.PathLike[str] | Mapping[str, Any], device: Device
    ) -> list[str]:
        """``["fp32"]`` when the executor supports every op of the model, else ``[]``.

        The reason for ``[]`` is :meth:`unsupported`. The fp32 file is what runs, also
        when the backend is handed one of its int8 or fp16 variants.
        """
        return [] if self.unsupported(model) else list(PRECISIONS)

    def create_session(
        self,
        model_path: str | os.PathLike[str],
        device: Device,
        precision: str = "fp32",
        **opts: Any,
    ) -> OpenClSession:
        """Load the model's fp32 file on ``device`` (options for other backends are ignored).

        Raises :class:`~.graph.UnsupportedModelError` (naming the op or form) for a model
        the executor cannot run, ValueError for another precision or device.
        """
        if device.backend != NAME:
            raise ValueError(f"device {device.key} does not belong to backend {NAME!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision} is not supported by backend {NAME!r}")
        from .devices import find
        from .graph import UnsupportedModelError, load_graph
        from .programs import runtime_for
        from .session import OpenClSession

        problem = self.unsupported(model_path)
        if problem:
            raise UnsupportedModelError(problem)
        path = support.variant_path(model_path, "fp32")
        logger.debug("opening %s on %s", path, device.key)
        return OpenClSession(load_graph(path), runtime_for(find(device).device))

    # --- DSP --------------------------------------------------------------------------

    def dsp(self, device: Device) -> OpenClDsp | None:
        """The loudness DSP kernels on ``device``; ``None`` without float64 support."""
        if device.backend != NAME:
            return None
        from .devices import find
        from .dsp import OpenClDsp
        from .programs import runtime_for

        cl_device = find(device)
        if not cl_device.fp64:
            logger.info("opencl %s: no float64, DSP kernels not offered", device.key)
            return None
        return OpenClDsp(runtime_for(cl_device.device), device.key)
