"""Tiny real ONNX models and model folders for the model repository tests.

Two graphs, built with ``onnx.helper`` like the runtime figures in FACTS.md but tiny:

- an MLP VAE decoder ``z [batch, Z] -> hit_logits [batch, 32, 9]`` (task
  ``fx-drums-decoder``, defined inline by :data:`DRUMS_CONTRACT`);
- one GRU decoder step ``token [batch] int64, h [1, batch, H] -> logits [batch, V],
  h_out [1, batch, H]`` (task ``fx-rnn-step``, defined inline by :data:`RNN_CONTRACT`).

Both tasks are test-local: like a real feature, the fixture plugin ``fxshipped`` ships
their contracts in its manifests and so registers them. They deliberately do not reuse
a real feature's task name, so the tests hold whichever features are installed.

Also used by the fixture distribution builder in conftest.py (no pytest imports here).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from lmms_magenta_models.tasks import Contract, parse_contract
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
DRUMS_TASK = "fx-drums-decoder"
DRUMS_CONTRACT: dict[str, Any] = {
    "inputs": {"z": {"dtype": "float32", "shape": ["batch", "z_dim"]}},
    "outputs": {"hit_logits": {"dtype": "float32", "shape": ["batch", 32, 9]}},
}
RNN_TASK = "fx-rnn-step"
RNN_CONTRACT: dict[str, Any] = {
    "inputs": {
        "token": {"dtype": "int64", "shape": ["batch"]},
        "h": {"dtype": "float32", "shape": [1, "batch", 8]},
    },
    "outputs": {
        "logits": {"dtype": "float32", "shape": ["batch", 16]},
        "h_out": {"dtype": "float32", "shape": [1, "batch", 8]},
    },
}


def contract_of(data: dict[str, Any]) -> Contract:
    """The parsed form of a contract written as manifest JSON (ValueError if invalid)."""
    problems: list[str] = []
    contract = parse_contract(data, "contract", problems)
    if contract is None:
        raise ValueError("; ".join(problems))
    return contract


def _weights(rng: np.random.Generator, name: str, *shape: int) -> onnx.TensorProto:
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def mlp_decoder(
    path: Path,
    *,
    z_dim: int = 4,
    hidden: int = 32,
    seed: int = 0,
    out_name: str = "hit_logits",
    z_dtype: int = TensorProto.FLOAT,
    classes: int = 9,
    extra_input: bool = False,
) -> Path:
    """z -> MatMul/Add/Relu -> MatMul/Add -> Reshape [-1, 32, classes]; knobs break the contract."""
    rng = np.random.default_rng(seed)
    out = 32 * classes
    inits = [
        _weights(rng, "w1", z_dim, hidden),
        _weights(rng, "b1", hidden),
        _weights(rng, "w2", hidden, out),
        _weights(rng, "b2", out),
        numpy_helper.from_array(np.array([-1, 32, classes], np.int64), "grid"),
    ]
    nodes = []
    z = "z"
    if z_dtype != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["z"], ["zf"], to=TensorProto.FLOAT))
        z = "zf"
    nodes += [
        helper.make_node("MatMul", [z, "w1"], ["a1"]),
        helper.make_node("Add", ["a1", "b1"], ["a2"]),
        helper.make_node("Relu", ["a2"], ["a3"]),
        helper.make_node("MatMul", ["a3", "w2"], ["a4"]),
        helper.make_node("Add", ["a4", "b2"], ["flat"]),
        helper.make_node("Reshape", ["flat", "grid"], [out_name]),
    ]
    inputs = [helper.make_tensor_value_info("z", z_dtype, ["batch", z_dim])]
    if extra_input:
        inputs.append(helper.make_tensor_value_info("temperature", TensorProto.FLOAT, [1]))
        nodes.append(helper.make_node("Identity", ["temperature"], ["t_out"]))
    outputs = [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, ["batch", 32, classes])]
    if extra_input:
        outputs.append(helper.make_tensor_value_info("t_out", TensorProto.FLOAT, [1]))
    graph = helper.make_graph(nodes, "mlp_decoder", inputs, outputs, inits)
    return _save(graph, path)


def gru_step(path: Path, *, vocab: int = 16, emb: int = 8, hidden: int = 8, seed: int = 1) -> Path:
    """Embedding (Gather) -> one GRU step with state -> linear to logits."""
    rng = np.random.default_rng(seed)
    inits = [
        _weights(rng, "embedding", vocab, emb),
        _weights(rng, "W", 1, 3 * hidden, emb),
        _weights(rng, "R", 1, 3 * hidden, hidden),
        _weights(rng, "B", 1, 6 * hidden),
        _weights(rng, "w_out", hidden, vocab),
        _weights(rng, "b_out", vocab),
        numpy_helper.from_array(np.array([0], np.int64), "axis0"),
    ]
    nodes = [
        helper.make_node("Gather", ["embedding", "token"], ["x"]),
        helper.make_node("Unsqueeze", ["x", "axis0"], ["x_seq"]),
        helper.make_node(
            "GRU", ["x_seq", "W", "R", "B", "", "h"], ["y", "h_out"], hidden_size=hidden
        ),
        helper.make_node("Squeeze", ["h_out", "axis0"], ["h_last"]),
        helper.make_node("MatMul", ["h_last", "w_out"], ["l1"]),
        helper.make_node("Add", ["l1", "b_out"], ["logits"]),
    ]
    inputs = [
        helper.make_tensor_value_info("token", TensorProto.INT64, ["batch"]),
        helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, "batch", hidden]),
    ]
    outputs = [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", vocab]),
        helper.make_tensor_value_info("h_out", TensorProto.FLOAT, [1, "batch", hidden]),
    ]
    graph = helper.make_graph(nodes, "gru_step", inputs, outputs, inits)
    return _save(graph, path)


def file_entry(folder: Path, rel: str) -> dict[str, Any]:
    data = (folder / rel).read_bytes()
    return {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def manifest_for(
    folder: Path,
    *,
    name: str,
    version: str = "1.0.0",
    task: str = DRUMS_TASK,
    contract: dict[str, Any] | None = None,
    files: tuple[str, ...] = ("model.onnx", "MODEL_CARD.md"),
) -> dict[str, Any]:
    """A complete, valid manifest for the files already in ``folder``."""
    data: dict[str, Any] = {
        "manifest_version": 1,
        "name": name,
        "version": version,
        "task": task,
        "summary": f"test model {name}",
        "opset": OPSET,
        "files": [file_entry(folder, f) for f in files],
        "variants": {"fp32": {"file": "model.onnx"}},
        "license": "Apache-2.0",
        "training_data": [{"name": "random weights", "license": "CC0-1.0"}],
        "metrics": {"validation.loss": 1.5},
        "retrain": "python -c 'build the test model'",
        "card": "MODEL_CARD.md",
    }
    if contract is not None:
        data["contract"] = contract
    return data


def model_dir(
    folder: Path,
    *,
    name: str,
    version: str = "1.0.0",
    kind: str = "mlp",
    seed: int = 0,
    hidden: int = 32,
) -> Path:
    """Write ``folder`` = model.onnx + MODEL_CARD.md + model.json; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "mlp":
        mlp_decoder(folder / "model.onnx", seed=seed, hidden=hidden)
        task, contract = DRUMS_TASK, DRUMS_CONTRACT
    else:
        gru_step(folder / "model.onnx", seed=seed)
        task, contract = RNN_TASK, RNN_CONTRACT
    (folder / "MODEL_CARD.md").write_text(f"# {name}\n\nA test model.\n", encoding="utf-8")
    manifest = manifest_for(folder, name=name, version=version, task=task, contract=contract)
    (folder / "model.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder
