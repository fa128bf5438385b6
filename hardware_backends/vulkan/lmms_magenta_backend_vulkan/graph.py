"""Reading what a conversion needs: the ONNX graph's tensors and what pnnx wrote.

- :func:`read_onnx_io` lists the ONNX model's inputs and outputs (name, dtype, shape)
  and finds each one's batch axis: its one dynamic dimension. pnnx converts for fixed
  shapes, so a tensor with more than one dynamic dimension cannot be converted.
- :func:`inputshape_arg` is pnnx's ``inputshape=`` argument for batch size 1.
- :func:`parse_pnnx_shapes` reads the shapes pnnx inferred (``model.pnnx.param``,
  lines such as ``pnnx.Output out0 ... #11=(1,512)f32``), :func:`parse_batch_indices`
  the ``batch_index`` pnnx's own run script (``model_ncnn.py``) passes to ncnn, and
  :func:`layer_types` the layer types of the ncnn graph (pnnx leaves an operator it
  cannot map as a ``torch.*``/``Tensor.*`` layer that ncnn cannot create).
- :func:`blob_specs` joins them into :class:`~lmms_magenta_backend_vulkan.blobs.BlobSpec`
  objects, checking that pnnx kept the graph's tensors in order and in shape, and
  :func:`check_blobs` that the ncnn graph has every blob they name.

These parsers read pnnx's text formats (stable since 2022); a format they do not
recognise makes the conversion fail with a reason, never a wrong mapping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .blobs import NO_BATCH_INDEX, BlobSpec

__all__ = [
    "OnnxTensor",
    "Unconvertible",
    "blob_specs",
    "check_blobs",
    "inputshape_arg",
    "layer_types",
    "parse_batch_indices",
    "parse_pnnx_shapes",
    "read_onnx_io",
]

#: ONNX dtypes this backend can feed ncnn (inputs) or give back (outputs: ncnn computes
#: floats, the session casts them back, see session.as_onnx_dtype), and pnnx's name for each
PNNX_TYPES = {"float32": "f32", "float16": "f16", "float64": "f64", "int64": "i64", "int32": "i32"}
_SHAPE_LINE = re.compile(r"^pnnx\.(Input|Output)\s+(\S+)\s.*#\S+=\(([\d,\s]*)\)(\w+)\s*$")
_INPUT_INDEX = re.compile(r'ex\.input\("(\w+)",.*?batch_index=(\d+)')
_OUTPUT_INDEX = re.compile(r"\b(out\d+)\.numpy\(batch_index=(\d+)\)")


class Unconvertible(Exception):
    """The model cannot be converted to ncnn; the message says why, in one sentence."""


@dataclass(frozen=True)
class OnnxTensor:
    """One graph input or output: numpy dtype name, shape (names for dynamic dims)."""

    name: str
    dtype: str
    shape: tuple[int | str, ...]
    batch_axis: int | None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape with batch size 1 (every dynamic dimension is the batch)."""
        return tuple(1 if isinstance(d, str) else d for d in self.shape)


def _tensor(value_info: object, what: str) -> OnnxTensor:
    from onnx import helper

    name = str(value_info.name)  # type: ignore[attr-defined]
    ttype = value_info.type.tensor_type  # type: ignore[attr-defined]
    if not ttype.HasField("shape"):
        raise Unconvertible(f"{what} {name!r} has no declared shape; pnnx needs one")
    dtype = helper.tensor_dtype_to_np_dtype(ttype.elem_type).name
    shape: list[int | str] = []
    for axis, dim in enumerate(ttype.shape.dim):
        shape.append(dim.dim_value if dim.dim_value > 0 else (dim.dim_param or f"dim{axis}"))
    dynamic = [axis for axis, d in enumerate(shape) if isinstance(d, str)]
    if len(dynamic) > 1:
        raise Unconvertible(
            f"{what} {name!r} has {len(dynamic)} dynamic dimensions {tuple(shape)}; "
            "ncnn needs every dimension but the batch fixed"
        )
    return OnnxTensor(name, dtype, tuple(shape), dynamic[0] if dynamic else None)


def read_onnx_io(path: Path) -> tuple[list[OnnxTensor], list[OnnxTensor]]:
    """The graph's inputs (without initializers) and outputs, in graph order."""
    import onnx

    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as err:  # onnx raises DecodeError, OSError ... for a bad file
        raise Unconvertible(f"onnx cannot read the model ({type(err).__name__}: {err})") from err
    weights = {init.name for init in model.graph.initializer}
    inputs = [_tensor(v, "input") for v in model.graph.input if v.name not in weights]
    outputs = [_tensor(v, "output") for v in model.graph.output]
    for tensor in inputs:
        if tensor.dtype not in PNNX_TYPES:
            raise Unconvertible(f"input {tensor.name!r} is {tensor.dtype}; ncnn takes only numbers")
    for tensor in outputs:
        if tensor.dtype not in PNNX_TYPES:
            raise Unconvertible(f"output {tensor.name!r} is {tensor.dtype}; ncnn returns numbers")
    if not inputs or not outputs:
        raise Unconvertible("the model has no inputs or no outputs")
    return inputs, outputs


def inputshape_arg(inputs: Sequence[OnnxTensor]) -> str:
    """pnnx's ``inputshape=`` value: ``[1]i64,[2,1,256]f32`` (batch size 1)."""
    return ",".join(
        "[" + ",".join(str(d) for d in t.sample_shape) + "]" + PNNX_TYPES[t.dtype] for t in inputs
    )


def parse_pnnx_shapes(text: str) -> tuple[list[tuple[str, tuple[int, ...]]], ...]:
    """``(inputs, outputs)``: ``(blob, shape)`` pairs from a ``model.pnnx.param`` file."""
    found: dict[str, list[tuple[str, tuple[int, ...]]]] = {"Input": [], "Output": []}
    for line in text.splitlines():
        match = _SHAPE_LINE.match(line.strip())
        if match:
            kind, blob, dims, _dtype = match.groups()
            shape = tuple(int(d) for d in dims.replace(" ", "").split(",") if d)
            found[kind].append((blob, shape))
    return found["Input"], found["Output"]


def parse_batch_indices(script: str) -> dict[str, int]:
    """Blob -> ``batch_index`` from pnnx's generated ncnn run script."""
    pairs = _INPUT_INDEX.findall(script) + _OUTPUT_INDEX.findall(script)
    return {blob: int(index) for blob, index in pairs}


def layer_types(param: str) -> list[str]:
    """The layer type of every layer in an ncnn ``.param`` text (after its 2 header lines)."""
    lines = [line.split() for line in param.splitlines()[2:]]
    return [fields[0] for fields in lines if fields]


def check_blobs(param: str, inputs: Sequence[BlobSpec], outputs: Sequence[BlobSpec]) -> None:
    """Unconvertible unless each input is an ``Input`` layer's blob and each output is made.

    ncnn crashes (it does not fail) when asked for a blob its graph does not have; pnnx
    folds a graph whose output is its input into one renamed ``Input`` blob.
    """
    fed: set[str] = set()
    made: set[str] = set()
    for fields in (line.split() for line in param.splitlines()[2:]):
        if len(fields) < 4:
            continue
        bottoms, tops = int(fields[2]), int(fields[3])
        blobs = fields[4 + bottoms : 4 + bottoms + tops]
        (fed if fields[0] == "Input" else made).update(blobs)
    for spec in inputs:
        if spec.blob not in fed:
            raise Unconvertible(f"pnnx's graph has no input blob {spec.blob} for {spec.name!r}")
    for spec in outputs:
        if spec.blob not in made:
            raise Unconvertible(f"pnnx's graph computes no blob {spec.blob} for {spec.name!r}")


def blob_specs(
    tensors: Sequence[OnnxTensor],
    pnnx: Sequence[tuple[str, tuple[int, ...]]],
    batch_indices: dict[str, int],
    what: str,
) -> list[BlobSpec]:
    """Pair the ONNX tensors with pnnx's blobs (same order), checking counts and shapes."""
    if len(tensors) != len(pnnx):
        raise Unconvertible(
            f"pnnx produced {len(pnnx)} {what}s for the model's {len(tensors)}; "
            "cannot map them safely"
        )
    specs = []
    for tensor, (blob, shape) in zip(tensors, pnnx, strict=True):
        if shape != tensor.sample_shape:
            raise Unconvertible(
                f"pnnx gives {what} {tensor.name!r} shape {shape}, the model {tensor.sample_shape}"
            )
        specs.append(
            BlobSpec(
                name=tensor.name,
                blob=blob,
                dtype=tensor.dtype,
                shape=tensor.shape,
                batch_axis=tensor.batch_axis,
                sample_shape=shape,
                ncnn_batch_index=batch_indices.get(blob, NO_BATCH_INDEX),
            )
        )
    return specs
