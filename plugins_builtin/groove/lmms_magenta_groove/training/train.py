"""Train the groove model on the CPU: seeded, resumable, with a progress bar.

Run from anywhere (needs the ``train`` extra)::

    python -m lmms_magenta_groove.training.train --data ../shared/data/groove \
        --out training_runs/groove/run1 --epochs 30 --seed 1

Every epoch writes ``last.pt`` (model, optimizer, epoch, RNG states) and, when the
validation score improves, ``best.pt``; ``--resume`` continues from ``last.pt``.
One thread only (``torch.set_num_threads(1)``): the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm  # type: ignore[import-untyped]

from ..representation import N_CLASSES
from .batches import Batch, make_batch
from .data import WindowSet, load_split
from .model import GrooveVAE, ModelConfig

__all__ = ["main"]


def _tensors(b: Batch) -> dict[str, torch.Tensor]:
    return {
        "enc_in": torch.from_numpy(b.enc_in),
        "keep_hits": torch.from_numpy(b.keep_hits),
        "given_hits": torch.from_numpy(b.given_hits),
        "style": torch.from_numpy(b.style),
        "target": torch.from_numpy(b.target),
    }


def _error(diff: torch.Tensor, loss: str) -> torch.Tensor:
    return diff.abs() if loss == "l1" else diff**2


def losses(
    model: GrooveVAE, b: Batch, z_noise: torch.Tensor, free_bits: float, loss: str = "l1"
) -> dict[str, torch.Tensor]:
    """Per-window sums averaged over the batch: hit BCE (drumify windows only),
    velocity and offset error on true hits (absolute error by default: the median it
    learns is what minimizes the MAE we report; "mse" as in GrooVAE), KL with free bits."""
    t = _tensors(b)
    logits, vel, off, mu, logvar = model(**t, z_noise=z_noise)
    hits = t["target"][..., :N_CLASSES]
    tvel = t["target"][..., N_CLASSES : 2 * N_CLASSES]
    toff = t["target"][..., 2 * N_CLASSES :]
    n = hits.shape[0]
    drumify = (1.0 - t["keep_hits"])[:, :, None]
    bce = (F.binary_cross_entropy_with_logits(logits, hits, reduction="none") * drumify).sum() / n
    vel_se = (_error(vel - tvel, loss) * hits).sum() / n
    off_se = (_error(off - toff, loss) * hits).sum() / n
    kl = 0.5 * (mu**2 + logvar.exp() - 1.0 - logvar).sum(-1)
    kl = torch.clamp(kl, min=free_bits).mean()
    return {"bce": bce, "vel": vel_se, "off": off_se, "kl": kl}


def validate(model: GrooveVAE, val: WindowSet, batch_size: int) -> dict[str, float]:
    """Humanize metrics with z = mu, teacher-forced (cheap). With ``feedback="hits"`` this
    equals the free-running humanize pass (the fed-back hits are the given ones)."""
    model.eval()
    sums = {"vel_abs": 0.0, "off_abs": 0.0, "ms_abs": 0.0, "hits": 0.0, "bce": 0.0}
    n = len(val)
    step_ms = val.step_ms()
    with torch.no_grad():
        for lo in range(0, n, batch_size):
            idx = np.arange(lo, min(n, lo + batch_size))
            ones = np.ones(len(idx), bool)
            b = make_batch(val, idx, ones, ones)
            t = _tensors(b)
            _, vel, off, _, _ = model(**t, z_noise=torch.zeros(len(idx), model.cfg.z_dim))
            h = torch.from_numpy(b.hits)
            tv = t["target"][..., N_CLASSES : 2 * N_CLASSES]
            to = t["target"][..., 2 * N_CLASSES :]
            sums["vel_abs"] += float(((vel - tv).abs() * h).sum()) * 127.0
            sums["off_abs"] += float(((off - to).abs() * h).sum())
            ms = torch.from_numpy(step_ms[idx])[:, None, None]
            sums["ms_abs"] += float(((off - to).abs() * h * ms).sum())
            sums["hits"] += float(h.sum())
            tb = make_batch(val, idx, ~ones, ones)
            logits, *_ = model(**_tensors(tb), z_noise=torch.zeros(len(idx), model.cfg.z_dim))
            sums["bce"] += float(F.binary_cross_entropy_with_logits(logits, h, reduction="sum"))
    model.train()
    hits = sums["hits"]
    return {
        "velocity_mae": sums["vel_abs"] / hits,
        "timing_mae_ms": sums["ms_abs"] / hits,
        "offset_mae_steps": sums["off_abs"] / hits,
        "drumify_bce_per_window": sums["bce"] / n,
        "score": sums["vel_abs"] / hits / 127.0 + sums["off_abs"] / hits,
    }


def _save(path: Path, state: dict[str, object]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="Groove MIDI Dataset folder")
    p.add_argument("--out", type=Path, required=True, help="run folder (checkpoints, log)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--lr-final", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--humanize-share", type=float, default=0.6)
    p.add_argument("--style-dropout", type=float, default=0.2)
    p.add_argument("--beta", type=float, default=0.2)
    p.add_argument("--free-bits", type=float, default=4.0)
    p.add_argument("--enc-hidden", type=int, default=128)
    p.add_argument("--dec-hidden", type=int, default=256)
    p.add_argument("--z-dim", type=int, default=32)
    p.add_argument("--feedback", choices=["hits", "all"], default="hits")
    p.add_argument("--loss", choices=["l1", "mse"], default="l1")
    p.add_argument("--max-batches", type=int, default=0, help="stop each epoch early (timing)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Train; see the module docstring."""
    args = parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    cache = args.out / "cache"
    train = load_split(args.data, "train", cache, hop_bars=1)
    val = load_split(args.data, "validation", cache, hop_bars=2)
    cfg = ModelConfig(
        enc_hidden=args.enc_hidden,
        dec_hidden=args.dec_hidden,
        z_dim=args.z_dim,
        feedback=args.feedback,
    )
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    last = args.out / "last.pt"
    state = torch.load(last, weights_only=False) if args.resume and last.exists() else None
    if state is not None:
        cfg = ModelConfig(**state["config"])  # the run's own sizes, whatever the flags say
    model = GrooveVAE(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    epoch0, best, history = 0, math.inf, []
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        epoch0, best, history = state["epoch"], state["best"], state["history"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed after epoch {epoch0} (best score {best:.4f})")
    n = len(train)
    per_epoch = n // args.batch_size
    if args.max_batches:
        per_epoch = min(per_epoch, args.max_batches)
    total = args.epochs * per_epoch
    print(
        f"train windows {n}, validation windows {len(val)}, params "
        f"{sum(p.numel() for p in model.parameters())}, config {cfg.to_dict()}"
    )
    for epoch in range(epoch0, args.epochs):
        rng = np.random.default_rng([args.seed, epoch])  # per-epoch: resume is exact
        order = rng.permutation(n)
        humanize = rng.random(n) < args.humanize_share
        style_keep = rng.random(n) >= args.style_dropout
        bar = tqdm(range(per_epoch), desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=5)
        t0 = time.time()
        for i in bar:
            step = epoch * per_epoch + i
            lr = args.lr * (args.lr_final / args.lr) ** (step / max(1, total - 1))
            for g in opt.param_groups:
                g["lr"] = lr
            idx = order[i * args.batch_size : (i + 1) * args.batch_size]
            b = make_batch(train, idx, humanize[idx], style_keep[idx])
            parts = losses(model, b, torch.randn(len(idx), cfg.z_dim), args.free_bits, args.loss)
            loss = parts["bce"] + parts["vel"] + parts["off"] + args.beta * parts["kl"]
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if i % 20 == 0:
                bar.set_postfix({k: f"{v.item():.3f}" for k, v in parts.items()})
        metrics = validate(model, val, 256)
        metrics.update(epoch=epoch + 1, seconds=round(time.time() - t0, 1), lr=lr)
        history.append(metrics)
        print(json.dumps(metrics), flush=True)
        state = {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "epoch": epoch + 1,
            "best": min(best, metrics["score"]),
            "history": history,
            "config": cfg.to_dict(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "torch_rng": torch.get_rng_state(),
        }
        if metrics["score"] < best:
            best = metrics["score"]
            _save(args.out / "best.pt", state)
        _save(last, state)
    print(f"done; best validation score {best:.4f}")


if __name__ == "__main__":
    main()
