"""Latent-space helpers for the pattern VAEs (numpy only; used by the feature at run time).

The decoder graphs take ``z``, Gumbel ``noise`` and a ``temperature`` and choose each
step as ``argmax(logits / temperature + noise)``: with standard Gumbel noise that is a
sample from ``softmax(logits / temperature)``; with zero noise it is the most likely
step (greedy). Everything random is drawn here from a seeded numpy generator, so a
seed reproduces a pattern exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = [
    "LatentInfo",
    "decoder_inputs",
    "gumbel_noise",
    "load_latent_info",
    "move_along",
    "prior_z",
    "slerp",
]


def prior_z(rng: np.random.Generator, batch: int, z_dim: int) -> np.ndarray:
    """``batch`` latent vectors from the prior N(0, I), float32 ``[batch, z_dim]``."""
    return rng.standard_normal((batch, z_dim)).astype(np.float32)


def gumbel_noise(rng: np.random.Generator, batch: int, steps: int, vocab: int) -> np.ndarray:
    """Standard Gumbel noise float32 ``[batch, steps, vocab]`` for the decoder."""
    u = rng.random((batch, steps, vocab))
    return (-np.log(-np.log(np.clip(u, 1e-12, 1.0 - 1e-12)))).astype(np.float32)


def decoder_inputs(
    z: np.ndarray, temperature: float, rng: np.random.Generator | None, vocab: int, steps: int = 32
) -> dict[str, np.ndarray]:
    """The decoder graph's feed: Gumbel noise from ``rng``, or zeros (greedy) when
    ``rng`` is None or ``temperature`` is 0."""
    z = np.asarray(z, dtype=np.float32)
    batch = z.shape[0]
    if rng is None or temperature <= 0:
        noise = np.zeros((batch, steps, vocab), dtype=np.float32)
        temperature = 1.0
    else:
        noise = gumbel_noise(rng, batch, steps, vocab)
    temp = np.full(batch, temperature, dtype=np.float32)
    return {"z": z, "noise": noise, "temperature": temp}


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation between latent vectors (MusicVAE's interpolation);
    falls back to a straight line when they are (anti)parallel."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    na, nb = (
        np.linalg.norm(a64, axis=-1, keepdims=True),
        np.linalg.norm(b64, axis=-1, keepdims=True),
    )
    cos = np.sum(a64 * b64, axis=-1, keepdims=True) / np.maximum(na * nb, 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    so = np.sin(omega)
    safe = so > 1e-6
    wa = np.where(safe, np.sin((1 - t) * omega) / np.where(safe, so, 1.0), 1 - t)
    wb = np.where(safe, np.sin(t * omega) / np.where(safe, so, 1.0), t)
    return (wa * a64 + wb * b64).astype(np.float32)


def move_along(z: np.ndarray, vector: np.ndarray, amount: float) -> np.ndarray:
    """``z + amount * vector``: add an attribute vector (e.g. note density) to ``z``."""
    return (np.asarray(z, np.float32) + np.float32(amount) * np.asarray(vector, np.float32)).astype(
        np.float32
    )


class LatentInfo:
    """The ``latents.npz`` shipped beside a decoder: attribute vectors (high minus low
    quartile mean ``mu`` of the training windows), per-style mean ``mu``, and the mean
    and spread (per dimension) of ``mu`` over all training windows: the region of the
    latent space the decoder has really seen (zeros and ones, the prior, if absent)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.attributes: dict[str, np.ndarray] = {
            k.removeprefix("attribute_"): v for k, v in arrays.items() if k.startswith("attribute_")
        }
        self.styles: list[str] = [str(s) for s in arrays["style_names"]]
        self.style_means: np.ndarray = arrays["style_means"]
        self.style_counts: np.ndarray = arrays["style_counts"]
        z_dim = self.style_means.shape[-1]
        self.mu_mean: np.ndarray = np.asarray(
            arrays.get("mu_mean", np.zeros(z_dim)), dtype=np.float32
        )
        self.mu_std: np.ndarray = np.asarray(arrays.get("mu_std", np.ones(z_dim)), dtype=np.float32)
        #: per style, ``L`` with ``L @ L.T`` the covariance of its ``mu`` (None in older
        #: files: then a style's spread is ``mu_std`` per dimension)
        scales = arrays.get("style_scales")
        self.style_scales: np.ndarray | None = (
            None if scales is None else np.asarray(scales, dtype=np.float32)
        )

    def style_index(self, style: str) -> int:
        """Row of a style in the per-style arrays; KeyError naming the known styles."""
        if style not in self.styles:
            raise KeyError(f"unknown style {style!r}; known: {', '.join(self.styles)}")
        return self.styles.index(style)

    def style_vector(self, style: str) -> np.ndarray:
        """Mean latent vector of a style; KeyError naming the known styles."""
        return np.asarray(self.style_means[self.style_index(style)], dtype=np.float32)


def load_latent_info(path: Path) -> LatentInfo:
    """Read a ``latents.npz`` (no pickles)."""
    with np.load(path, allow_pickle=False) as z:
        return LatentInfo({k: z[k] for k in z.files})
