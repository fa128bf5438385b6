"""The backend interface: what an accelerator backend plugin provides to the kernel.

A backend plugin (``lmms-magenta-backend-<name>``: ONNX Runtime on the CPU, OpenVINO,
OpenCL, Vulkan ...) returns :class:`Backend` objects from its ``lmms_magenta_backends``
hook. Each backend *probes* its :class:`Device` s, says which *precisions* a model can
run in on a device, and *creates* :class:`Session` s that run a model, describing the
model's tensors with :class:`TensorInfo`.

These types are the whole contract between the kernel and the backend distributions,
so they live apart from the hardware *profile* (which device to choose, with its CPU
fallback: :mod:`lmms_magenta.hardware`), which only the kernel implements. Backends
usually import them from :mod:`lmms_magenta.hardware`, which re-exports every name.

Nothing heavy is imported here: backends import their runtimes inside ``probe`` and
``create_session``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import os

    import numpy as np
    import numpy.typing as npt

__all__ = [
    "CPU_BACKEND",
    "DEVICE_KINDS",
    "Backend",
    "Device",
    "DeviceKind",
    "Session",
    "TensorInfo",
    "is_backend_name",
]

#: Name of the backend every installation should have and everything falls back to.
CPU_BACKEND = "cpu"
DeviceKind = Literal["cpu", "gpu", "accelerator"]
DEVICE_KINDS: tuple[DeviceKind, ...] = ("cpu", "gpu", "accelerator")
_BACKEND_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def is_backend_name(text: str) -> bool:
    """Whether ``text`` is a valid backend name (lower case, digits, ``_ . -``)."""
    return bool(_BACKEND_NAME_RE.match(text))


@dataclass(frozen=True)
class Device:
    """One device a backend can run models on.

    ``id`` is unique within the backend (``"0"``, ``"GPU.1"``, ``"cpu"``); ``key``
    (``"backend:id"``) is what a user pins. ``preference`` is the backend's own
    estimate of how good the device is for this project's small models (higher is
    better; the CPU backend uses 10, a real GPU backend typically 20-100). ``details``
    holds JSON-serializable facts for ``lmms-magenta hardware`` (driver, memory ...).
    """

    backend: str
    id: str
    name: str
    kind: DeviceKind
    preference: int = 0
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.backend, str) or not is_backend_name(self.backend):
            raise ValueError(f"invalid backend name {self.backend!r} for a device")
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"device of backend {self.backend!r} has an empty id")
        if self.kind not in DEVICE_KINDS:
            raise ValueError(f"device {self.key}: kind must be one of {', '.join(DEVICE_KINDS)}")
        if not isinstance(self.preference, int) or isinstance(self.preference, bool):
            raise ValueError(f"device {self.key}: preference must be an integer")
        object.__setattr__(self, "details", dict(self.details))

    @property
    def key(self) -> str:
        """``backend:id``, the form a user pins with ``--backend``."""
        return f"{self.backend}:{self.id}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable form (for the probe cache and ``hardware --json``)."""
        return {
            "backend": self.backend,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "preference": self.preference,
            "details": dict(self.details),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Device:
        """Rebuild a device from :meth:`to_json` output."""
        return cls(
            backend=data["backend"],
            id=data["id"],
            name=data["name"],
            kind=data["kind"],
            preference=data["preference"],
            details=data.get("details", {}),
        )


@dataclass(frozen=True)
class TensorInfo:
    """Name, shape (``None`` or a name for a dynamic size) and dtype of a model tensor."""

    name: str
    shape: tuple[int | str | None, ...]
    dtype: str


@runtime_checkable
class Session(Protocol):
    """A model loaded on one device, ready to run.

    ``run`` takes numpy arrays by input name and returns numpy arrays by output name.
    ``close`` frees device memory; sessions are also context managers in practice,
    but only these four members are part of the contract.
    """

    @property
    def inputs(self) -> Sequence[TensorInfo]: ...

    @property
    def outputs(self) -> Sequence[TensorInfo]: ...

    def run(self, feeds: Mapping[str, npt.NDArray[Any]]) -> dict[str, np.ndarray[Any, Any]]: ...

    def close(self) -> None: ...


@runtime_checkable
class Backend(Protocol):
    """An inference runtime that can run ONNX models on some devices.

    ``name`` is short and lower case (``cpu``, ``openvino``, ``opencl``, ``vulkan``).
    ``probe`` lists the usable devices (empty when the runtime or driver is missing;
    raising marks the plugin broken). ``precisions`` lists, best first, the
    precisions (``"fp32"``, ``"fp16"``, ``"int8"``) the model can run in on
    ``device``. ``create_session`` loads the model; ``opts`` are backend-specific.

    Optional attribute ``unavailable`` (``str | None``, not part of the structural
    check): after a ``probe`` that found no device, a sentence saying why and what to
    do (``"openvino is not installed: pip install openvino"``). The kernel shows it
    as the backend's problem in ``lmms-magenta hardware`` and in the fallback reason
    of a profile pinned to that backend, instead of a bare "0 devices".

    Optional method ``dsp(device) -> DspKernels | None`` (not part of the structural
    check either; see :mod:`lmms_magenta.dsp`): the signal-processing kernels
    (biquad filtering, block energies, oversampled peak) this backend runs on
    ``device``, or ``None`` when that device cannot run them exactly enough.
    :func:`lmms_magenta.dsp.select_dsp` uses it for loudness analysis and falls back
    to the ``cpu`` backend's kernels.
    """

    @property
    def name(self) -> str: ...

    def probe(self) -> list[Device]: ...

    def precisions(
        self, model: str | os.PathLike[str] | Mapping[str, Any], device: Device
    ) -> list[str]: ...

    def create_session(
        self,
        model_path: str | os.PathLike[str],
        device: Device,
        precision: str = "fp32",
        **opts: Any,
    ) -> Session: ...
