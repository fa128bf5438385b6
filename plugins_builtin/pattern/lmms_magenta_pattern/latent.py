"""Where in the latent space a pattern comes from: the recipes behind every feature.

* **New patterns** start at a point drawn around the style's mean latent point (or the
  mean of all training patterns for ``any``) with the per-dimension spread of the
  training patterns' latent points: the region the decoder has really seen. (The
  N(0, I) prior is wider than that region for this model, so prior samples come out
  less like real patterns, e.g. more syncopated melodies.) A style draws with
  :data:`STYLE_SPREAD` of that spread so it stays near its own mean.
* **Complexity and syncopation** add attribute vectors (MusicVAE's method: the mean
  latent point of the busiest quarter of the training patterns minus that of the
  sparsest quarter); one unit of the parameter is one such vector.
* **Long patterns** are several 2-bar windows on a smooth path: each window's point is
  a small spherical step (:data:`PATH_STEP`) from the previous one toward a fresh point
  of the same style (:mod:`.longform` picks the step that joins best).
* **Variations** move the clip's own latent point spherically toward a random point of
  the same region: ``radius`` 0 is the clip, 1 an unrelated pattern.
* **Interpolation** is spherical between the two clips' points (MusicVAE's slerp).
"""

from __future__ import annotations

import numpy as np

from .sampling import LatentInfo, gumbel_noise, slerp
from .styles import ANY

__all__ = [
    "ATTRIBUTE_SCALE",
    "PATH_STEP",
    "STYLE_SPREAD",
    "interpolation_points",
    "pattern_noise",
    "perturb",
    "start_points",
    "with_attributes",
]

#: Spread of a style's draws, in units of the spread of all training patterns.
STYLE_SPREAD = 0.5
#: Spherical step between the latent points of consecutive 2-bar windows.
PATH_STEP = 0.25
#: Attribute vectors per unit of complexity / syncopation.
ATTRIBUTE_SCALE = 1.0


def _styles(info: LatentInfo, style: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """The style index of each of ``n`` points: ``style``'s, or for ``any`` one style per
    point, each as likely as it is common in the training data.

    Why not one broad Gaussian over all training patterns for ``any``: the patterns are
    clustered by style, and points drawn between the clusters decode to patterns that
    repeat themselves far less than drummers do (docs/pattern.md has the figures). A
    mixture of the styles' regions stays where real patterns are.
    """
    if style != ANY:
        return np.full(n, info.style_index(style))
    counts = np.asarray(info.style_counts, dtype=np.float64)
    weights = counts / counts.sum() if counts.sum() > 0 else None
    return np.asarray(rng.choice(len(info.styles), size=n, p=weights))


def start_points(info: LatentInfo, style: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` latent points ``[n, z_dim]`` drawn around ``style``'s region (with spread
    :data:`STYLE_SPREAD`), or around the regions of all styles for ``any``. A region has
    its real shape (the style's covariance) where ``latents.npz`` has it, else a spread
    per dimension."""
    picks = _styles(info, style, n, rng)
    centers = np.asarray(info.style_means, dtype=np.float32)[picks]
    eps = rng.standard_normal(centers.shape)
    if info.style_scales is None:
        moves = info.mu_std * eps
    else:
        moves = np.einsum("nij,nj->ni", info.style_scales[picks], eps)
    return (centers + STYLE_SPREAD * moves).astype(np.float32)


def with_attributes(
    z: np.ndarray, info: LatentInfo, complexity: float, syncopation: float
) -> np.ndarray:
    """``z`` moved by ``complexity`` density vectors and ``syncopation`` syncopation
    vectors (both scaled by :data:`ATTRIBUTE_SCALE`)."""
    move = ATTRIBUTE_SCALE * (
        complexity * info.attributes["density"] + syncopation * info.attributes["syncopation"]
    )
    return (np.asarray(z, np.float32) + move.astype(np.float32)).astype(np.float32)


def pattern_noise(
    rng: np.random.Generator, n: int, windows: int, vocab: int, temperature: float
) -> np.ndarray:
    """Gumbel noise ``[n * windows, 32, vocab]``: one draw per pattern, shared by its
    windows (zeros at temperature 0)."""
    if temperature <= 0:
        return np.zeros((n * windows, 32, vocab), np.float32)
    noise = gumbel_noise(rng, n, 32, vocab)
    return np.repeat(noise, windows, axis=0)


def perturb(
    mu: np.ndarray, radius: float, info: LatentInfo, rng: np.random.Generator
) -> np.ndarray:
    """``mu`` ``[windows, z_dim]`` moved spherically by ``radius`` (0-1) toward one
    random point of the training region (the same point for every window, so a
    several-window clip varies as a whole). The point is drawn from the whole region
    (mean and spread of all training patterns), not from the styles' own regions as new
    patterns are: variations should head somewhere new, not all toward the commonest
    style."""
    eps = rng.standard_normal((1, info.mu_mean.shape[-1]))
    target = (info.mu_mean + info.mu_std * eps).astype(np.float32)
    return slerp(mu, np.broadcast_to(target, mu.shape), float(radius))


def interpolation_points(za: np.ndarray, zb: np.ndarray, steps: int) -> np.ndarray:
    """``[steps, windows, z_dim]``: slerp from ``za`` to ``zb`` (both ``[windows,
    z_dim]``), both ends included."""
    ts = np.linspace(0.0, 1.0, steps)
    return np.stack([slerp(za, zb, float(t)) for t in ts]).astype(np.float32)
