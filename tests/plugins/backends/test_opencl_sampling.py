"""The decoders' one-hot sampling step runs on the OpenCL executor exactly as on ONNX Runtime.

The re-exported decoders sample without ArgMax or Gather at a computed index (so that
ncnn runs them too). Per step, over ``x = logits + noise``::

    one_hot = 1 - Ceil(Clip(ReduceMax(x, axes=[-1], keepdims=1) - x, 0, 1))
    embedding = one_hot @ table[V, E]      hits = one_hot @ drums[V, 9]
    token = Cast<int64>(one_hot @ arange[V, 1])

The model here is that step twice, the second step's logits computed from the first
step's embedding (Gemm), with the scalars as ``Constant`` nodes and the tables as
initializers, as ``torch.onnx.export`` writes them. Tokens must be identical to ONNX
Runtime's and to numpy's argmax; embeddings and hits are exact too (a one-hot product
adds only zeros to the chosen row).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opencl_env import assert_equals_onnxruntime, onnx_model

from lmms_magenta.hardware import Device

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F, I64 = TensorProto.FLOAT, TensorProto.INT64
EMBED = 6
DRUMS = 9


def scalar(name: str, value: float) -> Any:
    """A ``Constant`` node holding a float32 scalar (how the exporter writes literals)."""
    tensor = numpy_helper.from_array(np.array(value, dtype=np.float32), name)
    return helper.make_node("Constant", [], [name], value=tensor)


def sample_step(step: int, x: str) -> list[Any]:
    """The nodes of one sampling step over the scores ``x`` (outputs suffixed ``step``)."""
    s = str(step)
    return [
        helper.make_node("ReduceMax", [x], ["best" + s], axes=[-1], keepdims=1),
        helper.make_node("Sub", ["best" + s, x], ["gap" + s]),
        helper.make_node("Clip", ["gap" + s, "zero", "one"], ["clipped" + s]),
        helper.make_node("Ceil", ["clipped" + s], ["other" + s]),
        helper.make_node("Sub", ["one", "other" + s], ["one_hot" + s]),
        helper.make_node("MatMul", ["one_hot" + s, "table"], ["embedding" + s]),
        helper.make_node("MatMul", ["one_hot" + s, "drums"], ["hits" + s]),
        helper.make_node("MatMul", ["one_hot" + s, "numbers"], ["number" + s]),
        helper.make_node("Cast", ["number" + s], ["token" + s], to=I64),
    ]


def decoder(batch: int, vocab: int) -> Any:
    """Two sampling steps; the second step's logits are a Gemm of the first embedding."""
    rng = np.random.default_rng(vocab)
    inits = [
        numpy_helper.from_array(rng.standard_normal((vocab, EMBED)).astype(np.float32), "table"),
        numpy_helper.from_array((rng.random((vocab, DRUMS)) < 0.3).astype(np.float32), "drums"),
        numpy_helper.from_array(np.arange(vocab, dtype=np.float32).reshape(vocab, 1), "numbers"),
        numpy_helper.from_array(rng.standard_normal((EMBED, vocab)).astype(np.float32), "w"),
        numpy_helper.from_array(rng.standard_normal(vocab).astype(np.float32), "bias"),
    ]
    nodes = [
        scalar("zero", 0.0),
        scalar("one", 1.0),
        helper.make_node("Add", ["logits", "noise1"], ["x1"]),
        *sample_step(1, "x1"),
        helper.make_node("Gemm", ["embedding1", "w", "bias"], ["logits2"]),
        helper.make_node("Add", ["logits2", "noise2"], ["x2"]),
        *sample_step(2, "x2"),
        helper.make_node("Concat", ["token1", "token2"], ["tokens"], axis=1),
        helper.make_node("Concat", ["hits1", "hits2"], ["hits"], axis=1),
    ]
    inputs = [(name, F, [batch, vocab]) for name in ("logits", "noise1", "noise2")]
    outputs = [("tokens", I64), ("hits", F), ("embedding2", F), ("one_hot2", F)]
    return onnx_model(nodes, inputs, outputs, inits)


def gumbel(rng: np.random.Generator, shape: tuple[int, int]) -> Any:
    return -np.log(-np.log(rng.uniform(1e-6, 1.0, shape))).astype(np.float32)


@pytest.mark.parametrize(("batch", "vocab"), [(1, 9), (4, 32), (3, 512)])
def test_sampling_step_equals_onnxruntime(
    opencl_backend: tuple[Any, Device], tmp_path: Path, batch: int, vocab: int
) -> None:
    rng = np.random.default_rng(batch)
    shape = (batch, vocab)
    feeds = {
        "logits": (rng.standard_normal(shape) * 2).astype(np.float32),
        "noise1": gumbel(rng, shape),
        "noise2": gumbel(rng, shape),
    }
    got = assert_equals_onnxruntime(
        opencl_backend, decoder(batch, vocab), tmp_path / "d.onnx", feeds, 0
    )
    first = np.argmax(feeds["logits"] + feeds["noise1"], axis=-1)
    np.testing.assert_array_equal(got["tokens"][:, 0], first)
    one_hot = got["one_hot2"]
    assert set(np.unique(one_hot)) <= {0.0, 1.0}
    np.testing.assert_array_equal(one_hot.sum(axis=-1), np.ones(batch, np.float32))
    np.testing.assert_array_equal(got["tokens"][:, 1], np.argmax(one_hot, axis=-1))


def test_tied_scores_give_the_same_multi_hot(
    opencl_backend: tuple[Any, Device], tmp_path: Path
) -> None:
    """Tied maxima (no noise, integer logits) mark every tied entry on both runtimes."""
    logits = np.array([[1, 3, 3, 0, 2, 3, 1, 0, 2], [0, 0, 0, 0, 0, 0, 0, 0, 0]], np.float32)
    zeros = np.zeros_like(logits)
    feeds = {"logits": logits, "noise1": zeros, "noise2": zeros}
    got = assert_equals_onnxruntime(opencl_backend, decoder(2, 9), tmp_path / "tie.onnx", feeds, 0)
    assert got["tokens"][0, 0] == 1 + 2 + 5  # the sum of the tied indices
    assert got["tokens"][1, 0] == sum(range(9))
