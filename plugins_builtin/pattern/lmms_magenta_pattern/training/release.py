"""Turn a training checkpoint into the shipped models: ONNX encoder + decoder,
``latents.npz``, ``MODEL_CARD.md`` and one ``model.json`` each (docs/models.md format).

    python -m lmms_magenta_pattern.training.release --kind melody \
        --checkpoint training_runs/pattern/melody/last.pt \
        --data training_runs/pattern/melody_windows.npz \
        --models plugins_builtin/pattern/lmms_magenta_pattern/models

Every figure in the card is measured here on the validation windows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from .attributes import latent_arrays, measure_effect, save_latents
from .card import contracts, model_card, training_data
from .dataset import load_windows
from .evaluate import accuracy, baselines
from .export import OPSET, export, load_checkpoint, verify

__all__ = ["main", "release"]

VERSION = "1.0.0"


def _file_entry(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"path": path.name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _time_decoder(path: Path, z_dim: int, vocab: int, batch: int = 8, runs: int = 30) -> float:
    """Best-of-``runs`` ms of one decoder call for ``batch`` alternatives, one thread, warm
    (on a shared machine the fastest run is the one least disturbed by others)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feed = {
        "z": rng.standard_normal((batch, z_dim)).astype(np.float32),
        "noise": rng.gumbel(size=(batch, 32, vocab)).astype(np.float32),
        "temperature": np.ones(batch, np.float32),
    }
    sess.run(None, feed)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.min(times))


_M = "python -m lmms_magenta_pattern.training."
_TRAIN_FLAGS = ("batch", "lr", "lr_decay", "lr_min", "beta", "free_bits", "warmup_epochs")
_MORE_FLAGS = ("hidden", "layers", "z_dim", "input_dropout", "dropout", "seed")
_SWITCHES = ("factorized", "drum_augment")


def retrain_command(kind: str, train_args: dict[str, str], epochs: int) -> str:
    """The shell command that rebuilds the data, trains ``epochs`` epochs with the
    checkpoint's settings (a resumed run equals an uninterrupted one: the RNG states and
    the step-based learning-rate schedule are in the checkpoint) and releases."""
    run = f"training_runs/pattern/{kind}"
    cache = f"training_runs/pattern/{kind}_windows.npz"
    if kind == "drums":
        cache = "training_runs/pattern/drum_windows.npz"
        data = f"{_M}drum_data --data ../shared/data/groove --out {cache}"
    else:
        data = f"{_M}melody_data --out {cache}"
    flags = " ".join(
        f"--{k.replace('_', '-')} {train_args[k]}"
        for k in _TRAIN_FLAGS + _MORE_FLAGS
        if k in train_args
    )
    flags += "".join(f" --{k.replace('_', '-')}" for k in _SWITCHES if train_args.get(k) == "True")
    train = f"{_M}train --kind {kind} --data {cache} --out {run} --epochs {epochs} {flags}"
    release = (
        f"{_M}release --kind {kind} --checkpoint {run}/last.pt --data {cache} "
        "--models plugins_builtin/pattern/lmms_magenta_pattern/models"
    )
    return f"{data} && {train} && {release}"


def _manifest(
    name: str, task: str, summary: str, files: list[Path], onnx: Path, **kw: Any
) -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "name": name,
        "version": VERSION,
        "task": task,
        "summary": summary,
        "opset": OPSET,
        "files": [_file_entry(f) for f in files],
        "variants": {"fp32": {"file": onnx.name}},
        "card": "MODEL_CARD.md",
        **kw,
    }


def release(args: argparse.Namespace) -> dict[str, Any]:
    """Export, evaluate and write both model folders; returns the metrics."""
    model, st = load_checkpoint(args.checkpoint)
    kind, cfg = model.cfg.kind, model.cfg
    data = load_windows(kind, args.data)
    tr, va = data.split(False), data.split(True)
    enc_dir = args.models / f"{kind}-vae-2bar-encoder"
    dec_dir = args.models / f"{kind}-vae-2bar-decoder"
    for d in (enc_dir, dec_dir):
        d.mkdir(parents=True, exist_ok=True)
    enc_onnx, dec_onnx = enc_dir / "model.onnx", dec_dir / "model.onnx"
    export(model, enc_onnx, dec_onnx)
    check = verify(model, enc_onnx, dec_onnx)
    # logits differ by float rounding that grows with their size (32 recurrent steps):
    # compared relative to the largest logit; the sampled tokens must agree exactly
    logits_ok = check["decoder_logits_max_abs_diff"] <= 1e-5 * max(
        10.0, check["decoder_logits_scale"]
    )
    if (
        check["encoder_max_abs_diff"] > 1e-4
        or not logits_ok
        or check["decoder_token_agreement"] < 1
    ):
        raise SystemExit(f"ONNX differs from torch: {check}")
    acc = accuracy(model, va.enc, va.target)
    base = baselines(tr.target, va.target)
    arrays = latent_arrays(model, kind, tr.enc, tr.target, tr.label, list(data.labels))
    latents = dec_dir / "latents.npz"
    save_latents(latents, arrays)
    sub = np.random.default_rng(0).permutation(len(va))[:1024]
    effect = measure_effect(model, kind, va.enc[sub], arrays)
    ms = _time_decoder(dec_onnx, cfg.z_dim, cfg.vocab)
    metrics: dict[str, float] = {
        "validation.teacher_forced_accuracy": round(acc["val_tf_acc"], 4),
        "validation.sampled_accuracy": round(acc["val_sampled_acc"], 4),
        **{f"validation.{k}": round(v, 4) for k, v in base.items()},
        "runtime.decode_8_alternatives_ms": round(ms, 2),
        **{f"validation.latent_move.{k}": round(v, 4) for k, v in effect.items()},
    }
    retrain = retrain_command(kind, st["args"], st["epoch"])
    facts = {
        "kind": kind,
        "config": cfg.to_dict(),
        "epochs": st["epoch"],
        "history": st["history"],
        "train_args": st["args"],
        "windows_train": len(tr),
        "windows_validation": len(va),
        "data_stats": data.stats,
        "labels": [str(n) for n in arrays["style_names"]],
        "style_counts": arrays["style_counts"].tolist(),
        "effect": effect,
        "onnx_check": check,
        "retrain": retrain,
    }
    card = model_card(facts, metrics)
    enc_c, dec_c = contracts(kind, cfg.vocab)
    common = {
        "license": "CC-BY-4.0" if kind == "drums" else "Apache-2.0",
        "training_data": training_data(kind),
        "metrics": metrics,
        "retrain": retrain,
    }
    styles = [str(n) for n in arrays["style_names"]]
    extra = {"config": cfg.to_dict(), "styles": styles, "epochs": st["epoch"]}
    for d, onnx, part, contract, more in (
        (enc_dir, enc_onnx, "encoder", enc_c, []),
        (dec_dir, dec_onnx, "decoder", dec_c, [latents]),
    ):
        (d / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        summary = f"MusicVAE-style 2-bar {kind} VAE, {part} (16th-note steps)"
        man = _manifest(
            f"{kind}-vae-2bar-{part}",
            f"{kind}-vae-2bar-{part}",
            summary,
            [onnx, d / "MODEL_CARD.md", *more],
            onnx,
            **common,
            contract=contract,
            extra={**extra, "latents": "latents.npz"} if more else extra,
        )
        (d / "model.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
    return {"metrics": metrics, "effect": effect, "check": check}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Export and document a trained pattern VAE.")
    ap.add_argument("--kind", choices=("melody", "drums"), required=True)
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--models", type=Path, required=True, help="the plugin's models/ folder")
    res = release(ap.parse_args(argv))
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
