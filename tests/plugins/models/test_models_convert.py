"""`convert`: fp16 / int8 variants made with onnxruntime's tools, drift recorded."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from lmms_magenta_models.drift import measure_drift_isolated
from lmms_magenta_models.manifest import load_manifest
from lmms_magenta_models.operations import convert
from models_helpers import DRUMS_CONTRACT, contract_of, mlp_decoder, model_dir

from lmms_magenta.errors import ModelError


def test_int8_of_a_shipped_model_goes_to_the_store_with_its_drift(env) -> None:
    repo = env.repo()
    shipped = repo.resolve("fx-drums").entry
    entry, variant = convert(repo, "fx-drums", "int8", samples=4)
    assert entry.origin == "store" and entry.folder == env.store / "fx-drums" / "1.0.0"
    assert variant.file == "model.int8.onnx"
    assert variant.tool == "onnxruntime.quantization.quantize_dynamic"
    assert variant.source == "fp32" and variant.samples == 4
    assert 0 < variant.mean_abs_diff <= variant.max_abs_diff < 0.5
    manifest = load_manifest(entry.folder / "model.json")
    assert manifest.variants["int8"] == variant
    assert (
        manifest.file("model.int8.onnx").size == (entry.folder / "model.int8.onnx").stat().st_size
    )
    ops = {n.op_type for n in onnx.load(str(entry.folder / "model.int8.onnx")).graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeLinear" in ops
    # the shipped folder is untouched, the store copy is complete and now wins
    assert "int8" not in load_manifest(shipped.manifest_path).variants
    assert sorted(p.name for p in entry.folder.iterdir()) == [
        "MODEL_CARD.md",
        "model.int8.onnx",
        "model.json",
        "model.onnx",
    ]
    assert repo.resolve("fx-drums").entry.origin == "store"
    assert [p for p in env.store_listing() if p.startswith(".")] == []


def test_fp16_keeps_the_contract_and_runs(env) -> None:
    repo = env.repo()
    entry, variant = convert(repo, "fx-drums", "fp16", samples=3)
    assert variant.tool == "onnxruntime.transformers.float16.convert_float_to_float16"
    assert 0 < variant.max_abs_diff < 0.05
    fp16 = onnx.load(str(entry.folder / "model.fp16.onnx"))
    assert any(i.data_type == onnx.TensorProto.FLOAT16 for i in fp16.graph.initializer)
    session = repo.session("fx-drums", precision="fp16")
    z = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    fp16_out = session.run({"z": z})["hit_logits"]
    fp32_out = repo.session("fx-drums", precision="fp32").run({"z": z})["hit_logits"]
    assert fp16_out.dtype == np.float32
    assert np.abs(fp16_out - fp32_out).max() < 0.05


def test_fp16_of_a_recurrent_model_runs(env) -> None:
    repo = env.repo()
    _, variant = convert(repo, "fx-rnn", "fp16", samples=2)
    model = onnx.load(str(env.store / "fx-rnn" / "1.0.0" / "model.fp16.onnx"))
    assert "GRU" in {n.op_type for n in model.graph.node}
    assert variant.max_abs_diff < 0.05
    feeds = {"token": np.array([3, 5], np.int64), "h": np.zeros((1, 2, 8), np.float32)}
    out = repo.session("fx-rnn", precision="fp16").run(feeds)
    assert out["logits"].shape == (2, 16)


def test_converting_a_store_model_updates_it_in_place_with_a_backup(env) -> None:
    folder = model_dir(env.store / "mine" / "2.0", name="mine", version="2.0")
    repo = env.repo()
    convert(repo, "mine", "int8", samples=2)
    _, fp16 = convert(repo, "mine", "fp16", samples=2)
    manifest = load_manifest(folder / "model.json")
    assert set(manifest.variants) == {"fp32", "int8", "fp16"}
    assert manifest.variants["fp16"] == fp16
    assert "int8" in load_manifest(folder / "model.json.bak").variants
    from lmms_magenta_models.operations import verify

    assert all(r.ok for r in verify(repo, "mine"))


def test_bad_requests_are_user_errors(env) -> None:
    repo = env.repo()
    with pytest.raises(ModelError, match="cannot convert to 'int4'"):
        convert(repo, "fx-drums", "int4")
    with pytest.raises(ModelError, match="not installed"):
        convert(repo, "nope", "int8")
    assert env.store_listing() == []


def test_a_variant_onnxruntime_cannot_run_is_refused_cleanly(tmp_path) -> None:
    reference = mlp_decoder(tmp_path / "model.onnx")
    broken = tmp_path / "model.int8.onnx"
    broken.write_bytes(reference.read_bytes()[:200])  # truncated protobuf
    with pytest.raises(ModelError) as err:
        measure_drift_isolated(
            reference,
            broken,
            contract_of(DRUMS_CONTRACT),
            2,
            what="the int8 variant of m@1",
        )
    message = str(err.value)
    assert message.startswith(f"{reference}: onnxruntime failed running the int8 variant of m@1 (")
    assert message.endswith("); the variant was not added")
    assert "\n" not in message
