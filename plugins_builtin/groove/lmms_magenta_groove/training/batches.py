"""Turn windows into model inputs and targets for both tasks (humanize and drumify).

Shared by the training loop and the evaluation of the torch model, so both feed
the network exactly the same way. numpy in, numpy out (the caller wraps in torch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..representation import quantized, tap
from .data import WindowSet

__all__ = ["Batch", "make_batch"]


@dataclass
class Batch:
    """Arrays for one batch of B windows (see GrooveVAE.forward)."""

    enc_in: np.ndarray  # [B, T, 12]
    keep_hits: np.ndarray  # [B, 1]
    given_hits: np.ndarray  # [B, T, 9]
    style: np.ndarray  # [B] int64
    target: np.ndarray  # [B, T, 27]
    hits: np.ndarray  # [B, T, 9] true hits
    tap: np.ndarray  # [B, T, 3]


def make_batch(
    ws: WindowSet, idx: np.ndarray, humanize: np.ndarray, style_keep: np.ndarray
) -> Batch:
    """Inputs for windows ``idx``; ``humanize`` (bool [B]) picks the task per window and
    ``style_keep`` (bool [B]) whether the style label is shown (else ``"any"``)."""
    hits, vel, off = ws.hits[idx], ws.velocities[idx], ws.offsets[idx]
    keep = humanize.astype(np.float32)[:, None]
    q = quantized(hits) * keep[:, :, None]
    t = tap(hits, vel, off) * (1.0 - keep[:, :, None])
    return Batch(
        enc_in=np.concatenate([q, t], axis=-1).astype(np.float32),
        keep_hits=keep,
        given_hits=q.astype(np.float32),
        style=np.where(style_keep, ws.style[idx], 0).astype(np.int64),
        target=np.concatenate([hits, vel, off], axis=-1).astype(np.float32),
        hits=hits,
        tap=t.astype(np.float32),
    )
