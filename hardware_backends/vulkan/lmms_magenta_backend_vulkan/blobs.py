"""How a converted model's tensors map between ONNX and ncnn.

pnnx names the ncnn blobs ``in0, in1, ...`` and ``out0, out1, ...`` in the order of the
ONNX graph's inputs and outputs, and converts the model for one fixed shape: batch
size 1. ncnn has no batch dimension, so a session runs a batch one sample at a time,
slicing each input along its batch axis and stacking the outputs along theirs.
A :class:`BlobSpec` records, per tensor, what that needs; the conversion writes them
into the artifact's record (``derived.json``) and the session reads them back.

Nothing heavy is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["NO_BATCH_INDEX", "BlobSpec"]

#: pnnx's "this blob has no batch axis" value for ``ncnn.Mat(..., batch_index=...)``
NO_BATCH_INDEX = 233


@dataclass(frozen=True)
class BlobSpec:
    """One model input or output.

    ``name``/``dtype``/``shape`` are the ONNX tensor's (a dynamic dimension is its
    name); ``blob`` the ncnn blob name; ``batch_axis`` the ONNX axis that is the batch
    (``None`` when the tensor has none); ``sample_shape`` the shape with batch size 1
    that the converted model computes; ``ncnn_batch_index`` the axis pnnx drops when it
    hands the array to ncnn (:data:`NO_BATCH_INDEX` for none), as in the script pnnx
    itself writes to run the model; ``cast_from_float`` marks an integer output whose
    final ``Cast`` from float was left to the session (:mod:`.rewrite`).
    """

    name: str
    blob: str
    dtype: str
    shape: tuple[int | str, ...]
    batch_axis: int | None
    sample_shape: tuple[int, ...]
    ncnn_batch_index: int = NO_BATCH_INDEX
    cast_from_float: bool = False

    @property
    def ncnn_dtype(self) -> str:
        """The numpy dtype ncnn takes for this input: int32 for integers, else float32."""
        return "int32" if self.dtype.startswith(("int", "uint")) else "float32"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "blob": self.blob,
            "dtype": self.dtype,
            "shape": list(self.shape),
            "batch_axis": self.batch_axis,
            "sample_shape": list(self.sample_shape),
            "ncnn_batch_index": self.ncnn_batch_index,
            "cast_from_float": self.cast_from_float,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BlobSpec:
        """Rebuild a spec from :meth:`to_json` output (ValueError/KeyError when malformed)."""
        axis = data["batch_axis"]
        spec = cls(
            name=str(data["name"]),
            blob=str(data["blob"]),
            dtype=str(data["dtype"]),
            shape=tuple(d if isinstance(d, str) else int(d) for d in data["shape"]),
            batch_axis=None if axis is None else int(axis),
            sample_shape=tuple(int(d) for d in data["sample_shape"]),
            ncnn_batch_index=int(data.get("ncnn_batch_index", NO_BATCH_INDEX)),
            cast_from_float=bool(data.get("cast_from_float", False)),
        )
        if len(spec.sample_shape) != len(spec.shape):
            raise ValueError(f"tensor {spec.name!r}: sample shape and shape differ in rank")
        return spec
