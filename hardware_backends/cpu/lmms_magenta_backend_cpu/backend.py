"""The ``cpu`` backend: ONNX Runtime's CPU execution provider.

Every installation should have it: it is what the kernel falls back to when another
backend cannot run a model. Precisions: ``fp32`` always, ``int8`` when the model has
an ``NAME.int8.onnx`` variant (ONNX Runtime dynamic quantization: ~2x faster for the
MLP decoders, ~1e-3 error; recurrent nodes stay fp32), offered first; ``fp16`` only
when handed an fp16 file.

It also provides the numpy/scipy DSP kernels for loudness analysis
(:meth:`OnnxRuntimeBackend.dsp`, :mod:`.dsp`), the fallback of every other backend's.

Settings (``[plugins.cpu]`` in config.toml, or session options): ``threads``
(intra-op threads, default 1) and ``measure`` (run the probe micro-benchmark,
default true).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lmms_magenta import backend_support as support
from lmms_magenta.hardware import Device

if TYPE_CHECKING:
    from .dsp import NumpyDsp
    from .session import OrtSession

logger = logging.getLogger("lmms_magenta.backend.cpu")

NAME = "cpu"
#: The CPU baseline every other backend's preference is compared with.
DECLARED_PREFERENCE = 10
PRECISIONS = ("fp32", "int8", "fp16")


def cpu_name() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux, else ``platform``)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "CPU"


class OnnxRuntimeBackend:
    """Runs ONNX models with ONNX Runtime on the CPU (one device, ``cpu:cpu``)."""

    name = NAME

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self.threads = support.positive_int(settings.get("threads", 1), "[plugins.cpu] threads")
        self.measure = bool(settings.get("measure", True))
        #: why ``probe`` found no device (``None`` when it found one)
        self.unavailable: str | None = None

    def probe(self) -> list[Device]:
        """The CPU, with the runtime's version and (optionally) a measured speed bonus."""
        try:
            import onnxruntime as ort
        except ImportError as err:  # the runtime is missing or broken: no device, say why
            self.unavailable = (
                f"onnxruntime cannot be imported ({err}); install it with: pip install onnxruntime"
            )
            logger.info("backend %s: %s", NAME, self.unavailable)
            return []
        self.unavailable = None
        details: dict[str, Any] = {
            "runtime": f"onnxruntime {ort.__version__}",
            "threads": self.threads,
            "cores": os.cpu_count(),
            "precisions": list(PRECISIONS),
            "declared_preference": DECLARED_PREFERENCE,
        }
        preference = DECLARED_PREFERENCE
        if self.measure:
            latency = self._probe_latency_us()
            details["probe_us"] = round(latency, 1)
            details["speed_bonus"] = support.speed_bonus(latency)
            preference += details["speed_bonus"]
        return [Device(NAME, "cpu", cpu_name(), "cpu", preference, details)]

    def _probe_latency_us(self) -> float:
        import numpy as np

        from .session import OrtSession

        with OrtSession(support.PROBE_MODEL, threads=self.threads) as session:
            feeds = {"x": np.ones((1, 64), dtype=np.float32)}
            return support.median_latency_us(lambda: session.run(feeds))

    def precisions(
        self, model: str | os.PathLike[str] | Mapping[str, Any], device: Device
    ) -> list[str]:
        """Best first: the handed file's precision if it is a variant, then int8, fp32.

        int8 (when the model has that variant) comes before fp32: the model
        repository makes it deliberately and records its drift, and it is up to 2x
        faster here. So ``open_session(kernel, "m.onnx")`` without a precision runs
        ``m.int8.onnx`` when it exists; pass ``precision="fp32"`` to insist on fp32.
        fp16 is offered only for an fp16 file (not faster on a CPU).
        """
        found = support.model_variants(model)
        own = support.own_precision(model)
        offered: list[str] = [p for p in ("int8", "fp32") if p in found]
        if own != "fp32" and own in found:  # handed a variant file: that one runs
            offered = [own, *(p for p in offered if p != own)]
        return offered or ["fp32"]

    def create_session(
        self,
        model_path: str | os.PathLike[str],
        device: Device,
        precision: str = "fp32",
        **opts: Any,
    ) -> OrtSession:
        """Load the model's ``precision`` variant; ``threads=N`` overrides the setting.

        Options meant for other backends (``shapes`` ...) are ignored, so the kernel can
        pass the same options to the CPU fallback.
        """
        if device.backend != NAME:
            raise ValueError(f"device {device.key} does not belong to backend {NAME!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision} is not supported by backend {NAME!r}")
        from .session import OrtSession

        threads = support.positive_int(opts.get("threads", self.threads), "threads")
        path = support.variant_path(model_path, precision)
        logger.debug("opening %s (%s) with %d thread(s)", path, precision, threads)
        return OrtSession(path, threads=threads)

    def dsp(self, device: Device) -> NumpyDsp | None:
        """The numpy/scipy DSP kernels (:mod:`lmms_magenta.dsp`) for this CPU device.

        They need neither onnxruntime nor a probe: any device of this backend runs them.
        """
        if device.backend != NAME:
            return None
        from .dsp import NumpyDsp

        return NumpyDsp()
