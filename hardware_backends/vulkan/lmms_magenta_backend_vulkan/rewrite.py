"""Integer outputs made by a ``Cast`` from float: ncnn computes them as floats.

Why: a model whose output is an integer tensor (sampled tokens, hits, class indices)
usually ends with ``Cast(to=INT64)`` of a float tensor. pnnx turns that Cast into a
``Tensor.to`` layer, which ncnn cannot create, so the whole model would be refused
although every other layer converts. ncnn computes every tensor as floats anyway, so
before pnnx runs the Cast is taken off the output's path: the converted model returns
the float tensor, the output is recorded as a cast (``BlobSpec.cast_from_float``) and
the session applies what ONNX ``Cast`` does - truncation toward zero - when it hands
the result back (:mod:`.session`). The drift check then requires these outputs to
equal ONNX Runtime's exactly (:mod:`.drift`).

How: an output ``o = Cast(f)``, ``f`` a float tensor, becomes a fresh tensor
``Mul(f, 1)`` of ``f``'s type, in ``o``'s place in the graph's output list (pnnx names
the ncnn blobs by that order, so the mapping is unchanged). Not an ``Identity``: pnnx
(20261020) crashes when two graph outputs are one tensor, which an Identity makes of
``f`` when ``f`` is itself an output; pnnx folds the multiplication by one away. The
Cast node stays when other nodes still read its result.

Only the working copy of the model in the conversion's work folder is rewritten, never
the source; a model without such outputs is left byte for byte as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["strip_output_casts"]


def _elem_types(model: Any) -> dict[str, int]:
    """Tensor name -> ONNX element type, as declared and as shape inference finds them."""
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception:  # custom domains, >2 GB protos ...: the declared types still count
        inferred = model
    graph = inferred.graph
    types = {t.name: int(t.data_type) for t in graph.initializer}
    for info in (*graph.input, *graph.value_info, *graph.output):
        if info.type.HasField("tensor_type") and info.type.tensor_type.elem_type:
            types[info.name] = int(info.type.tensor_type.elem_type)
    return types


def _names_read(graph: Any) -> set[str]:
    """Every tensor name a node reads, in the graph and in its subgraphs (If, Loop ...)."""
    from onnx import AttributeProto

    names: set[str] = set()
    for node in graph.node:
        names.update(node.input)
        for attr in node.attribute:
            if attr.type == AttributeProto.GRAPH:
                names |= _names_read(attr.g)
            elif attr.type == AttributeProto.GRAPHS:
                for sub in attr.graphs:
                    names |= _names_read(sub)
    return names


def _fresh(base: str, taken: set[str]) -> str:
    name, count = base, 0
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    taken.add(name)
    return name


def strip_output_casts(path: Path) -> list[str]:
    """Rewrite ``path`` in place; the names of the outputs that were integer casts.

    An output qualifies when it is declared int32 or int64 and its producer is a
    ``Cast`` of a float16/32/64 tensor. Nothing is written when none qualifies.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    integers = {TensorProto.INT32, TensorProto.INT64}
    floats = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE}
    model = onnx.load(str(path), load_external_data=False)
    graph = model.graph
    producer = {name: node for node in graph.node for name in node.output}
    types = _elem_types(model)
    taken = set(types) | set(producer) | {node.name for node in graph.node}
    taken |= {name for node in graph.node for name in node.input}
    ones: dict[int, str] = {}
    cast: list[str] = []
    replaced: list[Any] = []
    for output in graph.output:
        node = producer.get(output.name)
        if (
            output.type.tensor_type.elem_type not in integers
            or node is None
            or node.op_type != "Cast"
            or node.domain not in ("", "ai.onnx")
            or types.get(node.input[0]) not in floats
        ):
            continue
        ftype = types[node.input[0]]
        if ftype not in ones:
            one = np.ones((), dtype=helper.tensor_dtype_to_np_dtype(ftype))
            ones[ftype] = _fresh("lmms_magenta_one", taken)
            graph.initializer.append(numpy_helper.from_array(one, ones[ftype]))
        as_float = _fresh(f"{output.name}_float", taken)
        mul = helper.make_node(
            "Mul", [node.input[0], ones[ftype]], [as_float], name=_fresh("lmms_magenta_mul", taken)
        )
        graph.node.append(mul)  # after the producer of its input: still topologically sorted
        cast.append(output.name)
        replaced.append(node)
        output.name = as_float
        output.type.tensor_type.elem_type = ftype
    if not cast:
        return []
    still_read = _names_read(graph) | {output.name for output in graph.output}
    for node in replaced:
        if node in graph.node and node.output[0] not in still_read:
            graph.node.remove(node)
    onnx.save(model, str(path))
    return cast
