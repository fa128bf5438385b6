"""Latent attribute vectors and per-style mean vectors (written as ``latents.npz``).

As MusicVAE does for note density: the attribute vector is the mean ``mu`` of the
training windows in the top quartile of an attribute minus the mean ``mu`` of the
bottom quartile. Attributes, per window:

* ``density``     melody: note-ons per step; drums: hits per step (all 9 classes);
* ``syncopation`` share of onsets on odd 16th steps (between 8th notes); for drums
  only kick, snare and toms count, since 16th hi-hats would measure density instead.

The effect of each vector is measured by decoding validation windows with the vector
added and subtracted (greedy) and comparing the attribute of the results.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..drum_codec import classes_to_hits
from ..melody_codec import NOTE_OFF
from .evaluate import encode_mu
from .model import PatternVAE

__all__ = [
    "attribute_values",
    "latent_arrays",
    "measure_effect",
    "save_latents",
    "style_scale_factor",
]

_DRUM_SYNC_CLASSES = [0, 1, 4, 5, 6]  # kick, snare, low / mid / high tom


def attribute_values(kind: str, target: np.ndarray) -> dict[str, np.ndarray]:
    """Each attribute per window, from decoder targets ``[N, 32]``."""
    odd = (np.arange(target.shape[1]) % 2 == 1)[None, :]
    if kind == "melody":
        onsets = target < NOTE_OFF
        density = onsets.mean(axis=1)
    else:
        hits = classes_to_hits(target)
        density = hits.sum(axis=(1, 2)) / target.shape[1]
        onsets = hits[:, :, _DRUM_SYNC_CLASSES].max(axis=2) > 0.5
    n_on = onsets.sum(axis=1)
    sync = (onsets & odd).sum(axis=1) / np.maximum(n_on, 1)
    return {"density": density.astype(np.float32), "syncopation": sync.astype(np.float32)}


def style_scale_factor(mu: np.ndarray) -> np.ndarray:
    """Lower-triangular ``L`` [Z, Z] with ``L @ L.T`` the covariance of one style's ``mu``.

    New patterns of a style are drawn as ``mean + spread * L @ eps``: the style's region
    with its real shape, not a box (a diagonal spread puts points where the dimensions
    never co-vary that way, and those decode to less drummer-like patterns). The sample
    covariance is shrunk toward its diagonal by ``Z / (n + Z)``, so a style with fewer
    windows than dimensions (48 highlife windows, 128 dimensions) still gets a sound,
    positive definite shape.
    """
    n, z = mu.shape
    cov = np.cov(mu, rowvar=False) if n > 1 else np.zeros((z, z))
    shrink = z / (n + z)
    cov = (1.0 - shrink) * cov + shrink * np.diag(np.diag(cov))
    cov += 1e-6 * np.eye(z)
    return np.linalg.cholesky(cov).astype(np.float32)


def latent_arrays(
    model: PatternVAE,
    kind: str,
    enc: np.ndarray,
    target: np.ndarray,
    label: np.ndarray,
    labels: list[str],
) -> dict[str, np.ndarray]:
    """The arrays of ``latents.npz`` from the training windows."""
    mu = encode_mu(model, enc)
    out: dict[str, np.ndarray] = {}
    for name, values in attribute_values(kind, target).items():
        lo, hi = np.quantile(values, [0.25, 0.75])
        out[f"attribute_{name}"] = (mu[values >= hi].mean(0) - mu[values <= lo].mean(0)).astype(
            np.float32
        )
        out[f"quartiles_{name}"] = np.array([lo, hi], dtype=np.float32)
    counts = np.bincount(label, minlength=len(labels))
    used = [i for i in range(len(labels)) if counts[i]]  # a label without windows has no mean
    out["style_names"] = np.array([labels[i] for i in used])
    out["style_means"] = np.stack([mu[label == i].mean(0) for i in used]).astype(np.float32)
    out["style_counts"] = counts[used].astype(np.int64)
    out["style_scales"] = np.stack([style_scale_factor(mu[label == i]) for i in used])
    out["mu_mean"] = mu.mean(0).astype(np.float32)
    out["mu_std"] = mu.std(0).astype(np.float32)
    return out


@torch.no_grad()
def measure_effect(
    model: PatternVAE,
    kind: str,
    enc: np.ndarray,
    arrays: dict[str, np.ndarray],
    amount: float = 1.0,
) -> dict[str, float]:
    """Mean attribute of greedy decodings of ``mu - amount*v``, ``mu``, ``mu + amount*v``."""
    mu = torch.from_numpy(encode_mu(model, enc))
    res: dict[str, float] = {}
    for name in ("density", "syncopation"):
        v = torch.from_numpy(arrays[f"attribute_{name}"])
        for sign, tag in ((-1.0, "minus"), (0.0, "zero"), (1.0, "plus")):
            dec = model.greedy(mu + sign * amount * v).numpy()
            res[f"{name}.{tag}"] = float(attribute_values(kind, dec)[name].mean())
    return res


def save_latents(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``latents.npz`` (plain arrays, loadable without pickles)."""
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, allow_pickle=False, **arrays)
    tmp.replace(path)
