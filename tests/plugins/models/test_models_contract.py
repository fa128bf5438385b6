"""Task contracts and the check of a real ONNX graph against them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_magenta_models.onnx_check import check_onnx_file
from lmms_magenta_models.tasks import TaskRegistry
from models_helpers import (
    DRUMS_CONTRACT,
    DRUMS_TASK,
    RNN_CONTRACT,
    contract_of,
    gru_step,
    mlp_decoder,
)
from onnx import TensorProto

from lmms_magenta.errors import ModelError

DECODER = contract_of(DRUMS_CONTRACT)
_contract = contract_of


def test_fitting_models_pass_and_report_their_opset(tmp_path: Path) -> None:
    assert check_onnx_file(mlp_decoder(tmp_path / "mlp.onnx"), DECODER, DRUMS_TASK) == 17
    assert check_onnx_file(gru_step(tmp_path / "gru.onnx"), _contract(RNN_CONTRACT), "rnn") == 17


def test_every_mismatch_is_listed(tmp_path: Path) -> None:
    path = mlp_decoder(
        tmp_path / "bad.onnx",
        out_name="logits",  # missing output hit_logits
        z_dtype=TensorProto.DOUBLE,  # wrong dtype of z
        extra_input=True,  # an input the task does not feed
    )
    with pytest.raises(ModelError) as err:
        check_onnx_file(path, DECODER, DRUMS_TASK)
    message = str(err.value)
    assert message.startswith(
        f"{path}: model does not fit the contract of task '{DRUMS_TASK}', 3 mismatches"
    )
    assert "input 'z' has dtype float64, the task needs float32" in message
    assert (
        "missing output 'hit_logits' float32[batch, 32, 9] (the model has: logits, t_out)"
        in message
    )
    assert "unexpected input 'temperature': the task does not feed it" in message


def test_fixed_dims_and_ranks_must_match(tmp_path: Path) -> None:
    path = mlp_decoder(tmp_path / "wide.onnx", classes=8)  # 32 x 8 instead of 32 x 9
    with pytest.raises(ModelError, match="output 'hit_logits' dim 2 is 8, the task needs 9"):
        check_onnx_file(path, DECODER, DRUMS_TASK)
    rank = _contract(
        {
            "inputs": {"z": {"dtype": "float32", "shape": ["batch", "z_dim", 1]}},
            "outputs": {"hit_logits": {"dtype": "float32", "shape": ["batch", 32, 9]}},
        }
    )
    with pytest.raises(
        ModelError, match=r"input 'z' has rank 2 \[batch, 4\], the task needs rank 3"
    ):
        check_onnx_file(mlp_decoder(tmp_path / "m.onnx"), rank, "t")


def test_one_symbol_binds_one_size(tmp_path: Path) -> None:
    path = gru_step(tmp_path / "gru.onnx")  # h is [1, batch, 8], logits [batch, 16]
    contract = _contract(
        {
            "inputs": RNN_CONTRACT["inputs"]
            | {"h": {"dtype": "float32", "shape": [1, "batch", "n"]}},
            "outputs": {"logits": {"dtype": "float32", "shape": ["batch", "n"]}},
        }
    )
    with pytest.raises(
        ModelError,
        match="output 'logits' dim 1 is 16 but input 'h' dim 2 is 8 "
        r"\(both are 'n' in the task\)",
    ):
        check_onnx_file(path, contract, "t")


def test_the_onnx_checker_and_unreadable_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"definitely not protobuf" * 10)
    with pytest.raises(ModelError, match=f"{junk}: not a readable ONNX model"):
        check_onnx_file(junk, DECODER)
    import onnx

    model = onnx.load(str(mlp_decoder(tmp_path / "m.onnx")))
    model.graph.node[0].input[1] = "no_such_tensor"
    broken = tmp_path / "broken.onnx"
    onnx.save(model, str(broken))
    with pytest.raises(ModelError, match=f"{broken}: onnx.checker rejects the model"):
        check_onnx_file(broken, DECODER)


def test_registry_the_first_plugin_owns_a_task() -> None:
    registry = TaskRegistry()
    assert registry.names() == []  # no built-in table: features define their tasks
    mine = _contract(RNN_CONTRACT)
    assert registry.register("beat-step", mine, "plugin 'a'") is None
    assert (registry.get("beat-step"), registry.owner("beat-step")) == (mine, "plugin 'a'")
    assert registry.register("beat-step", _contract(RNN_CONTRACT), "plugin 'c'") is None
    assert registry.owner("beat-step") == "plugin 'a'"  # the same contract: no conflict
    other = _contract(
        {
            "inputs": {"x": {"dtype": "float32", "shape": [1]}},
            "outputs": {"y": {"dtype": "float32", "shape": [1]}},
        }
    )
    warning = registry.register("beat-step", other, "plugin 'b'")
    assert warning == "task 'beat-step' of plugin 'b' is ignored: plugin 'a' defines it differently"
    assert registry.get("beat-step") == mine


def test_registry_require_prefers_the_registered_contract() -> None:
    registry = TaskRegistry()
    with pytest.raises(ModelError, match=r"unknown task 'nope' \(known tasks: none; "):
        registry.require("nope")
    registry.register("beat-step", _contract(RNN_CONTRACT), "plugin 'a'")
    with pytest.raises(ModelError, match=r"unknown task 'nope' \(known tasks: beat-step; ") as err:
        registry.require("nope", path="/x/model.json")
    assert str(err.value).startswith("/x/model.json: ")
    inline = _contract(DRUMS_CONTRACT)
    assert registry.require("nope", inline) is inline
    assert registry.require("beat-step", inline) == _contract(RNN_CONTRACT)
