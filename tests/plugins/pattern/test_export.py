"""ONNX export of a tiny, untrained VAE matches torch (no training here)."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the export needs the train extra (torch)")
pytest.importorskip("onnxruntime")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["melody", "drums"])
def test_exported_graphs_match_torch(kind: str, tmp_path: Path) -> None:
    from lmms_magenta_pattern.training.export import export, verify
    from lmms_magenta_pattern.training.model import PatternVAE, VAEConfig

    torch.manual_seed(0)
    vocab = 130 if kind == "melody" else 512
    cfg = VAEConfig(kind, vocab, steps=8, embed=8, enc_hidden=16, dec_hidden=16, z_dim=8)
    model = PatternVAE(cfg).eval()
    enc, dec = tmp_path / "enc.onnx", tmp_path / "dec.onnx"
    export(model, enc, dec)
    # the export must leave the model in eval mode (dropout off) for the comparison
    assert not model.decoder.rnn.training
    res = verify(model, enc, dec, batch=5)
    assert res["encoder_max_abs_diff"] < 1e-4
    assert res["decoder_logits_max_abs_diff"] < 1e-4
    assert res["decoder_token_agreement"] == 1.0
