"""Per-step reconstruction accuracy on validation (as the MusicVAE paper reports it)
and the simple baselines the model cards compare against.

*Teacher-forced*: ``z = mu(x)``, each step predicted from the true previous steps.
*Sampled*: ``z = mu(x)``, the decoder fed its own previous choices (greedy, i.e. zero
Gumbel noise) — what a user gets when a pattern is encoded and decoded again.
"""

from __future__ import annotations

import numpy as np
import torch

from .model import PatternVAE

__all__ = ["accuracy", "baselines", "encode_mu"]


@torch.no_grad()
def encode_mu(model: PatternVAE, enc: np.ndarray, batch: int = 512) -> np.ndarray:
    """``mu`` of every window [N, Z]."""
    model.eval()
    out = [
        model.encoder(torch.from_numpy(enc[i : i + batch]))[0] for i in range(0, len(enc), batch)
    ]
    return torch.cat(out).numpy()


@torch.no_grad()
def accuracy(
    model: PatternVAE, enc: np.ndarray, target: np.ndarray, batch: int = 512
) -> dict[str, float]:
    """Teacher-forced and sampled per-step accuracy over the windows."""
    model.eval()
    tf_hits = sa_hits = 0
    for i in range(0, len(enc), batch):
        x = torch.from_numpy(enc[i : i + batch])
        y = torch.from_numpy(target[i : i + batch])
        mu, _ = model.encoder(x)
        tf_hits += int((model.decoder(mu, y).argmax(-1) == y).sum())
        sa_hits += int((model.greedy(mu) == y).sum())
    n = target.size
    return {"val_tf_acc": tf_hits / n, "val_sampled_acc": sa_hits / n}


def baselines(train_target: np.ndarray, val_target: np.ndarray) -> dict[str, float]:
    """Per-step accuracy on validation of models that ignore the pattern:
    the most frequent class overall, the most frequent class at each step position
    (both learnt on train), repeating the true previous step (first step: the most
    frequent first step), and playing the true first bar again as the second bar (the
    first bar: the most frequent step at each position)."""
    vocab = int(max(train_target.max(), val_target.max())) + 1
    overall = np.bincount(train_target.ravel(), minlength=vocab).argmax()
    per_step = np.array(
        [
            np.bincount(train_target[:, t], minlength=vocab).argmax()
            for t in range(train_target.shape[1])
        ]
    )
    prev = np.concatenate([np.full((len(val_target), 1), per_step[0]), val_target[:, :-1]], axis=1)
    half = val_target.shape[1] // 2
    bar2 = np.concatenate(
        [np.broadcast_to(per_step[:half], (len(val_target), half)), val_target[:, :half]], 1
    )
    return {
        "baseline_most_frequent": float((val_target == overall).mean()),
        "baseline_most_frequent_per_step": float((val_target == per_step[None, :]).mean()),
        "baseline_repeat_previous_step": float((val_target == prev).mean()),
        "baseline_repeat_first_bar": float((val_target == bar2).mean()),
    }
