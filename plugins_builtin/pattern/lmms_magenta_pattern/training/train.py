"""Train a pattern VAE on the CPU: seeded, resumable, with a progress bar.

    python -m lmms_magenta_pattern.training.train --kind melody \
        --data training_runs/pattern/melody_windows.npz --out training_runs/pattern/melody

Loss per window: cross-entropy summed over the 32 steps + beta * max(KL - free_bits, 0)
(MusicVAE's free bits), beta ramped from 0 over the first epochs. Every epoch ends
with a checkpoint (``last.pt``, written atomically: model, optimiser, RNG states and
history) and a validation pass; ``--resume`` continues from ``last.pt``;
``--minutes`` stops cleanly after a time budget (checkpoint kept).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..drum_codec import hits_to_classes
from .dataset import Windows, augment_drums, load_windows, transpose_batch
from .evaluate import accuracy
from .model import PatternVAE, VAEConfig, kl_per_window, reconstruction_loss

__all__ = ["main", "train"]


def _batch(
    ws: Windows, idx: np.ndarray, rng: np.random.Generator, args: argparse.Namespace
) -> tuple[torch.Tensor, torch.Tensor]:
    if ws.kind == "melody":
        t = torch.from_numpy(transpose_batch(ws.enc[idx], rng))
        return t, t
    if args.drum_augment:
        hits = augment_drums(ws.enc[idx], rng).astype(np.float32)
        return torch.from_numpy(hits), torch.from_numpy(hits_to_classes(hits))
    return torch.from_numpy(ws.enc[idx]), torch.from_numpy(ws.target[idx])


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[info]}"),
    )


def _save(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def train(args: argparse.Namespace) -> Path:
    """Run (or resume) training; returns the checkpoint path."""
    torch.set_num_threads(args.threads)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "last.pt"
    data = load_windows(args.kind, args.data)
    tr, va = data.split(False), data.split(True)
    cfg = VAEConfig(
        kind=args.kind,
        vocab=130 if args.kind == "melody" else 512,
        enc_hidden=args.hidden,
        dec_hidden=args.hidden,
        dec_layers=args.layers,
        z_dim=args.z_dim,
        dropout=args.dropout,
        factorized=args.factorized,
    )
    torch.manual_seed(args.seed)
    model = PatternVAE(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    epoch, history = 0, []
    if args.resume and ckpt.exists():
        st = torch.load(ckpt, weights_only=False)
        model = PatternVAE(VAEConfig(**st["config"]))
        model.load_state_dict(st["model"])
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        opt.load_state_dict(st["optimizer"])
        rng.bit_generator.state = st["rng"]
        torch.set_rng_state(st["torch_rng"])
        epoch, history = st["epoch"], st["history"]
        print(f"resumed at epoch {epoch}")
    cfg = model.cfg
    val_idx = np.random.default_rng(0).permutation(len(va))[: args.val_windows]
    t_start = time.time()
    steps_per_epoch = len(tr) // args.batch
    while epoch < args.epochs:
        model.train()
        perm = rng.permutation(len(tr))
        sums = {"rec": 0.0, "kl": 0.0}
        with _progress() as progress:
            task = progress.add_task(
                f"{args.kind} epoch {epoch + 1}/{args.epochs}", total=steps_per_epoch, info=""
            )
            for b in range(steps_per_epoch):
                gstep = epoch * steps_per_epoch + b
                beta = args.beta * min(1.0, gstep / max(1, args.warmup_epochs * steps_per_epoch))
                for g in opt.param_groups:
                    g["lr"] = max(args.lr_min, args.lr * args.lr_decay**gstep)
                enc, tgt = _batch(tr, perm[b * args.batch : (b + 1) * args.batch], rng, args)
                logits, mu, logvar = model(enc, tgt, input_dropout=args.input_dropout)
                rec = reconstruction_loss(logits, tgt).mean()
                kl = kl_per_window(mu, logvar).mean()
                loss = rec + beta * torch.clamp(kl - args.free_bits, min=0.0)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sums["rec"] += float(rec.detach())
                sums["kl"] += float(kl.detach())
                info = f"rec {float(rec.detach()):.2f} kl {float(kl.detach()):.1f} beta {beta:.2f}"
                progress.update(task, advance=1, info=info)
        epoch += 1
        model.eval()
        acc = accuracy(model, va.enc[val_idx], va.target[val_idx])
        rec_e = {k: v / max(1, steps_per_epoch) for k, v in sums.items()}
        row = {
            "epoch": epoch,
            "train_rec": rec_e["rec"],
            "train_kl": rec_e["kl"],
            **acc,
            "minutes": (time.time() - t_start) / 60,
        }
        history.append(row)
        print(json.dumps(row), flush=True)
        with (out / "log.jsonl").open("a") as f:
            f.write(json.dumps(row) + "\n")
        _save(
            ckpt,
            {
                "config": cfg.to_dict(),
                "model": model.state_dict(),
                "optimizer": opt.state_dict(),
                "rng": rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(),
                "epoch": epoch,
                "history": history,
                "labels": list(data.labels),
                "args": {k: str(v) for k, v in vars(args).items()},
            },
        )
        if args.minutes and (time.time() - t_start) / 60 > args.minutes:
            print(f"time budget of {args.minutes} min reached after epoch {epoch}")
            break
    return ckpt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the melody or drum pattern VAE.")
    ap.add_argument("--kind", choices=("melody", "drums"), required=True)
    ap.add_argument("--data", type=Path, required=True, help="window cache (.npz)")
    ap.add_argument("--out", type=Path, required=True, help="run folder (checkpoints, log)")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--lr-decay", type=float, default=0.9998)
    ap.add_argument("--lr-min", type=float, default=2e-4)
    ap.add_argument("--beta", type=float, default=0.2)
    ap.add_argument(
        "--free-bits", type=float, default=48.0, help="nats of KL per window left unpenalised"
    )
    ap.add_argument(
        "--input-dropout",
        type=float,
        default=0.0,
        help="share of previous steps hidden from the decoder in training (word dropout)",
    )
    ap.add_argument("--warmup-epochs", type=float, default=2.0)
    ap.add_argument("--hidden", type=int, default=192)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--z-dim", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.1, help="between the decoder's GRU layers")
    ap.add_argument(
        "--factorized",
        action="store_true",
        help="drums: train the 512 combinations through their 9 hit bits (model.py)",
    )
    ap.add_argument(
        "--drum-augment",
        action="store_true",
        help="drums: re-orchestrate training windows (dataset.augment_drums)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument(
        "--val-windows", type=int, default=1024, help="validation windows checked per epoch"
    )
    ap.add_argument(
        "--minutes", type=float, default=0.0, help="stop after this many minutes (0: no limit)"
    )
    ap.add_argument("--resume", action="store_true")
    train(ap.parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
