"""Checking an ONNX file: ``onnx.checker``, its opset, and its fit to a task contract.

Every mismatch is listed (a user importing a model fixes them all in one go). The
rules (docs/models.md, section 2): each contract tensor exists with the same dtype and
rank; a fixed contract dim is the same fixed dim or a dynamic one in the graph; one
symbol binds to one size; the graph has no input the contract lacks; extra outputs
are fine. ``onnx`` is imported inside the functions (heavy; not on the CLI start path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from lmms_magenta.errors import ModelError

from .tasks import Contract, TensorSpec

__all__ = ["GraphTensor", "check_contract", "check_onnx_file", "graph_tensors"]

GraphDim = int | str | None


@dataclass(frozen=True)
class GraphTensor:
    """A graph input or output as declared in the ONNX file (None: unknown dim)."""

    name: str
    dtype: str
    shape: tuple[GraphDim, ...] | None  # None: rank unknown


def _tensor(value_info: Any) -> GraphTensor:
    import onnx.helper

    ttype = value_info.type.tensor_type
    try:
        dtype = str(onnx.helper.tensor_dtype_to_np_dtype(ttype.elem_type))
    except (KeyError, ValueError, TypeError):
        dtype = f"onnx-type-{ttype.elem_type}"
    if not ttype.HasField("shape"):
        return GraphTensor(value_info.name, dtype, None)
    dims: list[GraphDim] = []
    for dim in ttype.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(int(dim.dim_value))
        elif dim.HasField("dim_param"):
            dims.append(str(dim.dim_param))
        else:
            dims.append(None)
    return GraphTensor(value_info.name, dtype, tuple(dims))


def graph_tensors(model: Any) -> tuple[dict[str, GraphTensor], dict[str, GraphTensor]]:
    """Real inputs (initializers excluded) and outputs of a loaded ``onnx.ModelProto``."""
    graph = model.graph
    weights = {init.name for init in graph.initializer}
    inputs = {vi.name: _tensor(vi) for vi in graph.input if vi.name not in weights}
    outputs = {vi.name: _tensor(vi) for vi in graph.output}
    return inputs, outputs


def _compare(
    kind: str, name: str, want: TensorSpec, got: GraphTensor, bound: dict[str, tuple[int, str]]
) -> list[str]:
    problems = []
    if got.dtype != want.dtype:
        problems.append(f"{kind} '{name}' has dtype {got.dtype}, the task needs {want.dtype}")
    if got.shape is None:
        return problems
    if len(got.shape) != len(want.shape):
        shown = "[" + ", ".join("?" if d is None else str(d) for d in got.shape) + "]"
        problems.append(
            f"{kind} '{name}' has rank {len(got.shape)} {shown}, the task needs "
            f"rank {len(want.shape)} {list(want.shape)}"
        )
        return problems
    for axis, (w, g) in enumerate(zip(want.shape, got.shape, strict=True)):
        if not isinstance(g, int):
            continue  # a dynamic graph dim accepts whatever the feature feeds
        if isinstance(w, int) and w != g:
            problems.append(f"{kind} '{name}' dim {axis} is {g}, the task needs {w}")
        elif isinstance(w, str):
            seen = bound.setdefault(w, (g, f"{kind} '{name}' dim {axis}"))
            if seen[0] != g:
                problems.append(
                    f"{kind} '{name}' dim {axis} is {g} but {seen[1]} is {seen[0]} "
                    f"(both are '{w}' in the task)"
                )
    return problems


def check_contract(
    inputs: dict[str, GraphTensor], outputs: dict[str, GraphTensor], contract: Contract
) -> list[str]:
    """Every way the graph's inputs and outputs differ from ``contract`` (empty: fits)."""
    problems: list[str] = []
    bound: dict[str, tuple[int, str]] = {}
    for kind, want_all, got_all in (
        ("input", contract.inputs, inputs),
        ("output", contract.outputs, outputs),
    ):
        for name, want in want_all.items():
            got = got_all.get(name)
            if got is None:
                have = ", ".join(sorted(got_all)) or "none"
                problems.append(f"missing {kind} '{name}' {want} (the model has: {have})")
            else:
                problems.extend(_compare(kind, name, want, got, bound))
    for name in sorted(set(inputs) - set(contract.inputs)):
        problems.append(f"unexpected input '{name}': the task does not feed it")
    return problems


def default_opset(model: Any) -> int:
    """The default-domain (``ai.onnx``) opset the model imports."""
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return int(entry.version)
    return 0


def check_onnx_file(
    path: str | os.PathLike[str], contract: Contract | None = None, task: str = ""
) -> int:
    """Run ``onnx.checker`` and the contract check; return the opset.

    Raises ModelError naming ``path`` with the checker's message, or listing every
    contract mismatch.
    """
    import onnx

    where = os.fspath(path)
    try:
        model = onnx.load(where, load_external_data=False)
    except Exception as exc:  # onnx raises DecodeError, OSError, ValueError ...
        raise ModelError(f"not a readable ONNX model: {exc}", path=where) from exc
    try:
        onnx.checker.check_model(where)
    except Exception as exc:  # onnx.checker.ValidationError and friends
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"onnx.checker rejects the model: {first}", path=where) from exc
    if contract is not None:
        inputs, outputs = graph_tensors(model)
        problems = check_contract(inputs, outputs, contract)
        if problems:
            count = f"{len(problems)} mismatches" if len(problems) > 1 else "1 mismatch"
            raise ModelError(
                f"model does not fit the contract of task '{task}', {count}: "
                + "; ".join(problems),
                path=where,
            )
    return default_opset(model)
