"""Export a trained pattern VAE to two ONNX graphs and check them against torch.

Encoder graph: ``tokens`` [B, 32] int64 (melody) or ``hits`` [B, 32, 9] float32 (drums)
-> ``mu``, ``logvar`` [B, Z]. Decoder graph (all 32 steps unrolled, sampling inside, so
one call per batch): ``z`` [B, Z], ``noise`` [B, 32, V] Gumbel noise (zeros = greedy),
``temperature`` [B] -> ``tokens`` [B, 32] int64 (melody) or ``classes`` [B, 32] int64
plus ``hits`` [B, 32, 9] float32 (drums), and ``logits`` [B, 32, V].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..drum_codec import VOCAB as DRUM_VOCAB
from ..drum_codec import classes_to_hits
from .model import PatternVAE, SamplingDecoder, VAEConfig

__all__ = ["OPSET", "export", "load_checkpoint", "verify"]

OPSET = 17


def load_checkpoint(path: Path) -> tuple[PatternVAE, dict[str, Any]]:
    """The model of a training checkpoint (eval mode, a factorized decoder folded into
    the plain layers) and the checkpoint dict."""
    st = torch.load(path, weights_only=False)
    model = PatternVAE(VAEConfig(**st["config"]))
    model.load_state_dict(st["model"])
    model.eval()
    return model.folded(), st


class _DrumDecoder(nn.Module):
    """Sampling decoder that also returns the hit grid of the chosen classes (the
    one-hot choices times the class -> hits table: exact, and a gather-free graph)."""

    table: torch.Tensor

    def __init__(self, sampler: SamplingDecoder) -> None:
        super().__init__()
        self.sampler = sampler
        self.register_buffer("table", torch.from_numpy(classes_to_hits(np.arange(DRUM_VOCAB))))

    def forward(
        self, z: torch.Tensor, noise: torch.Tensor, temperature: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        classes, logits, picks = self.sampler.choices(z, noise, temperature)
        return classes.to(torch.int64), picks @ self.table, logits


def _decoder_module(model: PatternVAE) -> nn.Module:
    # eval mode on the wrapper too: torch.onnx.export restores the wrapper's mode on
    # exit, which would otherwise switch the shared decoder's dropout back on
    model.eval()
    sampler = SamplingDecoder(model.decoder)
    module: nn.Module = _DrumDecoder(sampler) if model.cfg.kind == "drums" else sampler
    return module.eval()


def _names(model: PatternVAE) -> tuple[str, list[str]]:
    if model.cfg.kind == "drums":
        return "hits", ["classes", "hits", "logits"]
    return "tokens", ["tokens", "logits"]


def _example(model: PatternVAE, batch: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    cfg = model.cfg
    if cfg.kind == "drums":
        enc = (rng.random((batch, cfg.steps, 9)) < 0.2).astype(np.float32)
    else:
        enc = rng.integers(48, 130, (batch, cfg.steps)).astype(np.int64)
    z = rng.standard_normal((batch, cfg.z_dim)).astype(np.float32)
    noise = rng.gumbel(size=(batch, cfg.steps, cfg.vocab)).astype(np.float32)
    temp = np.full(batch, 0.8, dtype=np.float32)
    return enc, z, noise, temp


def _fix_output_shapes(path: Path, shapes: dict[str, tuple[int | str, ...]]) -> None:
    """Declare every output dimension but the batch as the number it is.

    The exporter names some fixed dimensions symbolically (``mu`` comes out of a
    ``Split`` as ``[batch, "Slicemu_dim_1"]``); runtimes that compile for fixed shapes
    (ncnn through pnnx) need them as numbers."""
    import onnx

    proto = onnx.load(str(path))
    for out in proto.graph.output:
        dims = out.type.tensor_type.shape.dim
        for dim, want in zip(dims, shapes[out.name], strict=True):
            if isinstance(want, int):
                dim.ClearField("dim_param")
                dim.dim_value = want
            else:
                dim.dim_param = want
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def export(model: PatternVAE, encoder_path: Path, decoder_path: Path) -> None:
    """Write both graphs (batch dimension dynamic, every other dimension fixed)."""
    enc_name, dec_out = _names(model)
    enc, z, noise, temp = _example(model, 2, np.random.default_rng(0))
    batch = {0: "batch"}
    torch.onnx.export(
        model.encoder,
        (torch.from_numpy(enc),),
        str(encoder_path),
        input_names=[enc_name],
        output_names=["mu", "logvar"],
        dynamic_axes={enc_name: batch, "mu": batch, "logvar": batch},
        opset_version=OPSET,
        dynamo=False,
    )
    torch.onnx.export(
        _decoder_module(model),
        (torch.from_numpy(z), torch.from_numpy(noise), torch.from_numpy(temp)),
        str(decoder_path),
        input_names=["z", "noise", "temperature"],
        output_names=dec_out,
        dynamic_axes={n: batch for n in ["z", "noise", "temperature", *dec_out]},
        opset_version=OPSET,
        dynamo=False,
    )
    cfg = model.cfg
    _fix_output_shapes(encoder_path, {"mu": ("batch", cfg.z_dim), "logvar": ("batch", cfg.z_dim)})
    per_step = {
        "tokens": ("batch", cfg.steps),
        "classes": ("batch", cfg.steps),
        "hits": ("batch", cfg.steps, 9),
        "logits": ("batch", cfg.steps, cfg.vocab),
    }
    _fix_output_shapes(decoder_path, {n: per_step[n] for n in dec_out})


@torch.no_grad()
def verify(
    model: PatternVAE, encoder_path: Path, decoder_path: Path, batch: int = 8
) -> dict[str, float]:
    """Max |ONNX - torch| of every float output on random inputs, and the fraction of
    sampled tokens that agree (must be 1.0)."""
    import onnxruntime as ort

    enc_name, _ = _names(model)
    enc, z, noise, temp = _example(model, batch, np.random.default_rng(1))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    es = ort.InferenceSession(str(encoder_path), so, providers=["CPUExecutionProvider"])
    ds = ort.InferenceSession(str(decoder_path), so, providers=["CPUExecutionProvider"])
    mu_o, lv_o = es.run(None, {enc_name: enc})
    mu_t, lv_t = model.encoder(torch.from_numpy(enc))
    outs_o = ds.run(None, {"z": z, "noise": noise, "temperature": temp})
    outs_t = _decoder_module(model)(
        torch.from_numpy(z), torch.from_numpy(noise), torch.from_numpy(temp)
    )
    res = {
        "encoder_max_abs_diff": float(
            max(np.abs(mu_o - mu_t.numpy()).max(), np.abs(lv_o - lv_t.numpy()).max())
        ),
        "decoder_logits_max_abs_diff": float(np.abs(outs_o[-1] - outs_t[-1].numpy()).max()),
        "decoder_logits_scale": float(np.abs(outs_t[-1].numpy()).max()),
        "decoder_token_agreement": float((outs_o[0] == outs_t[0].numpy()).mean()),
    }
    return res
