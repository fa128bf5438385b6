"""Task contracts and the check of a real ONNX graph against them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_magenta_models.onnx_check import check_onnx_file
from lmms_magenta_models.tasks import BUILTIN_TASKS, TaskRegistry, parse_contract
from models_helpers import RNN_CONTRACT, gru_step, mlp_decoder
from onnx import TensorProto

from lmms_magenta.errors import ModelError

DECODER = BUILTIN_TASKS["drums-vae-2bar-decoder"]


def _contract(data: dict) -> object:
    problems: list[str] = []
    contract = parse_contract(data, "contract", problems)
    assert not problems
    return contract


def test_fitting_models_pass_and_report_their_opset(tmp_path: Path) -> None:
    assert (
        check_onnx_file(mlp_decoder(tmp_path / "mlp.onnx"), DECODER, "drums-vae-2bar-decoder") == 17
    )
    assert check_onnx_file(gru_step(tmp_path / "gru.onnx"), _contract(RNN_CONTRACT), "rnn") == 17


def test_every_mismatch_is_listed(tmp_path: Path) -> None:
    path = mlp_decoder(
        tmp_path / "bad.onnx",
        out_name="logits",  # missing output hit_logits
        z_dtype=TensorProto.DOUBLE,  # wrong dtype of z
        extra_input=True,  # an input the task does not feed
    )
    with pytest.raises(ModelError) as err:
        check_onnx_file(path, DECODER, "drums-vae-2bar-decoder")
    message = str(err.value)
    assert message.startswith(
        f"{path}: model does not fit the contract of task 'drums-vae-2bar-decoder', 3 mismatches"
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
        check_onnx_file(path, DECODER, "drums-vae-2bar-decoder")
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


def test_registry_plugin_contracts_replace_builtin_ones_first_plugin_wins() -> None:
    registry = TaskRegistry()
    mine = _contract(RNN_CONTRACT)
    assert registry.register("drums-vae-2bar-decoder", mine, "plugin 'a'") is None
    assert registry.get("drums-vae-2bar-decoder") == mine
    other = _contract(
        {
            "inputs": {"x": {"dtype": "float32", "shape": [1]}},
            "outputs": {"y": {"dtype": "float32", "shape": [1]}},
        }
    )
    warning = registry.register("drums-vae-2bar-decoder", other, "plugin 'b'")
    assert warning == (
        "task 'drums-vae-2bar-decoder' of plugin 'b' is ignored: plugin 'a' defines it differently"
    )
    with pytest.raises(ModelError, match="unknown task 'nope' \\(known tasks: "):
        registry.require("nope")
    assert registry.require("nope", other) is other


def test_builtin_tasks_the_features_need() -> None:
    assert {
        "groove-vae-2bar",
        "drums-vae-2bar-encoder",
        "drums-vae-2bar-decoder",
        "melody-vae-2bar-encoder",
        "melody-vae-2bar-decoder",
    } <= set(BUILTIN_TASKS)
    groove = BUILTIN_TASKS["groove-vae-2bar"]
    assert str(groove.inputs["style"]) == "int64[batch]"
    assert set(groove.outputs) == {"out_hits", "velocities", "offsets", "z"}
