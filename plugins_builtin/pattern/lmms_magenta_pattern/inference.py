"""The pattern VAEs at run time: encoder + decoder sessions and the decoder's latents.

Both graphs are opened through the model repository (``lmms_magenta_models``), which
verifies their sha256 and runs them on the hardware profile's device with CPU
fallback; sessions stay open in the repository's cache, so a second feature call in
the same kernel is warm. ``latents.npz`` (the attribute and style vectors, shipped
beside the decoder) is sha256-verified the same way before it is read.

One decoder call decodes a whole batch of 2-bar windows: every alternative and every
window of a long pattern at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lmms_magenta.errors import ModelError

from . import drum_codec, melody_codec
from .features import MODELS
from .sampling import LatentInfo, load_latent_info

if TYPE_CHECKING:
    from lmms_magenta.hardware import Session
    from lmms_magenta.kernel import Kernel

__all__ = ["PatternModel", "vocab_of"]

#: Steps of one model window (2 bars of 16ths).
WINDOW_STEPS = 32
WINDOW_BARS = 2


def vocab_of(kind: str) -> int:
    """Size of a step's vocabulary: 512 drum combinations, or 130 melody tokens."""
    return drum_codec.VOCAB if kind == "drums" else melody_codec.VOCAB


@dataclass
class PatternModel:
    """One kind's encoder and decoder sessions plus its latent vectors."""

    kind: str
    encoder: Session
    decoder: Session
    latents: LatentInfo
    z_dim: int

    @classmethod
    def from_kernel(cls, kernel: Kernel, kind: str) -> PatternModel:
        """Resolve both models of ``kind`` ("drums" or "melody") in the kernel's
        repository (ModelError if absent, foreign or tampered with)."""
        from lmms_magenta_models import ModelRepository

        repo = ModelRepository.from_kernel(kernel)
        enc_name, dec_name = MODELS[kind]
        dec = repo.resolve(dec_name, task=dec_name)
        extra: dict[str, Any] = dict(dec.manifest.extra or {})
        try:
            z_dim = int(extra["config"]["z_dim"])
            latents_file = str(extra.get("latents", "latents.npz"))
            entry = dec.manifest.file(latents_file)
        except (KeyError, TypeError, ValueError):
            raise ModelError(
                f"model {dec.manifest.key}: its manifest lacks 'extra.config.z_dim' or the "
                "latents file; reinstall lmms-magenta-pattern"
            ) from None
        path = dec.entry.file_path(entry.path)
        dec.verified.verify(path, entry.sha256, entry.size)
        latents = _load_latents(path, z_dim)
        return cls(
            kind,
            repo.session(enc_name, task=enc_name),
            repo.session(dec_name, task=dec_name),
            latents,
            z_dim,
        )

    @property
    def vocab(self) -> int:
        """Vocabulary size of one step."""
        return vocab_of(self.kind)

    def encode(self, windows: npt.NDArray[Any]) -> np.ndarray:
        """``mu`` ``[n, z_dim]`` of 2-bar windows: drum hits ``[n, 32, 9]`` or melody
        tokens ``[n, 32]``."""
        name = "hits" if self.kind == "drums" else "tokens"
        dtype = np.float32 if self.kind == "drums" else np.int64
        out = self.encoder.run({name: np.ascontiguousarray(windows, dtype=dtype)})
        return np.asarray(out["mu"], dtype=np.float32)

    def decode(self, z: npt.NDArray[Any], noise: np.ndarray, temperature: float) -> np.ndarray:
        """Step sequences ``[n, 32]`` int64 (drum combination indices or melody tokens)
        for latent points ``z`` ``[n, z_dim]`` with Gumbel ``noise`` ``[n, 32, vocab]``
        (zeros = the most likely step each time)."""
        z = np.ascontiguousarray(z, dtype=np.float32)
        n = z.shape[0]
        if temperature <= 0:
            noise = np.zeros((n, WINDOW_STEPS, self.vocab), np.float32)
            temperature = 1.0
        feeds = {
            "z": z,
            "noise": np.ascontiguousarray(noise, dtype=np.float32),
            "temperature": np.full(n, temperature, np.float32),
        }
        out = self.decoder.run(feeds)
        return np.asarray(out["classes" if self.kind == "drums" else "tokens"], dtype=np.int64)


def _load_latents(path: Any, z_dim: int) -> LatentInfo:
    try:
        info = load_latent_info(path)
    except (OSError, ValueError, KeyError) as err:
        raise ModelError(f"{path}: not a readable latents file ({err})") from None
    needed = ("density", "syncopation")
    if any(info.attributes.get(k) is None for k in needed) or info.style_means.shape[1:] != (
        z_dim,
    ):
        raise ModelError(f"{path}: latents do not match the model (z_dim {z_dim})")
    return info
