"""The GrooVAE-style model: bidirectional GRU encoder, latent z, autoregressive GRU decoder.

One network does both groove tasks (GrooVAE trains one model per task; sharing one
halves what we ship and lets both tasks learn from every window):

* **humanize** (``keep_hits = 1``): the encoder sees the quantized hits; the decoder
  keeps exactly those hits and predicts a velocity and a timing offset for each.
* **drumify** (``keep_hits = 0``): the encoder sees a one-voice tap (hit, velocity,
  offset per step); the decoder also decides which drums play.

Encoder input per step (12): 9 quantized hits (zeros when tapping) + 3 tap values
(zeros when humanizing). z = mu + sigma * noise is drawn from the encoder's
posterior (noise is an *input*, so the exported graph has no random ops). Each decoder
step sees the previous step's hits (and, with ``feedback="all"`` as in GrooVAE, its
velocities and offsets too), the encoder's bidirectional state at that step, the hits
it must keep, z, a learned style embedding and the mode flag. Outputs per step: hit
logits, velocity (sigmoid, 0-1), offset (0.5 * tanh, in steps).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..representation import N_CLASSES, STEPS
from ..styles import STYLES

__all__ = ["GrooveVAE", "ModelConfig"]

ENC_IN = N_CLASSES + 3
OUT = 3 * N_CLASSES


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of the network (stored in checkpoints and in model.json)."""

    enc_hidden: int = 128
    dec_hidden: int = 256
    dec_layers: int = 2
    z_dim: int = 32
    style_dim: int = 16
    n_styles: int = len(STYLES)
    #: What of the previous step the decoder sees: "all" (hits, velocities, offsets, as
    #: GrooVAE) or "hits" (velocities and offsets zeroed: no exposure bias when decoding
    #: deterministically, since the encoder already gives the whole pattern).
    feedback: str = "all"

    def to_dict(self) -> dict[str, int | str]:
        """Plain dict for JSON."""
        return asdict(self)


def _thirds(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Split the last axis (27) into hits, velocities, offsets (9 each)."""
    n = N_CLASSES
    return x[..., :n], x[..., n : 2 * n], x[..., 2 * n :]


class GrooveVAE(nn.Module):
    """See the module docstring. ``forward`` is the teacher-forced training pass;
    ``generate`` is the free-running pass that is exported to ONNX."""

    feedback_mask: torch.Tensor

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.GRU(ENC_IN, cfg.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * cfg.enc_hidden, cfg.z_dim)
        self.to_logvar = nn.Linear(2 * cfg.enc_hidden, cfg.z_dim)
        self.style = nn.Embedding(cfg.n_styles, cfg.style_dim)
        cond = cfg.z_dim + cfg.style_dim
        self.to_h0 = nn.Linear(cond, cfg.dec_layers * cfg.dec_hidden)
        dec_in = OUT + 2 * cfg.enc_hidden + N_CLASSES + cond + 1
        self.decoder = nn.GRU(dec_in, cfg.dec_hidden, num_layers=cfg.dec_layers, batch_first=True)
        self.head = nn.Linear(cfg.dec_hidden, OUT)
        if cfg.feedback not in ("all", "hits"):
            raise ValueError(f"feedback must be 'all' or 'hits', got {cfg.feedback!r}")
        fb = torch.ones(OUT)
        if cfg.feedback == "hits":
            fb[N_CLASSES:] = 0.0
        self.register_buffer("feedback_mask", fb, persistent=False)

    # --- parts ------------------------------------------------------------------------

    def encode(self, enc_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encoder states ``[B, T, 2H]``, mu and logvar ``[B, Z]``."""
        states, last = self.encoder(enc_in)
        summary = torch.cat([last[0], last[1]], dim=-1)
        return states, self.to_mu(summary), self.to_logvar(summary).clamp(-8.0, 4.0)

    def _init(self, z: torch.Tensor, style: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # looked up as [B, 1, S] and flattened to [B, S]: the same numbers, but pnnx (which
        # drops the batch axis of the [B] input) then hands ncnn a 1-D embedding like z;
        # a plain lookup gives ncnn a 2-D one, which its Vulkan path concatenates wrongly
        style_vec = self.style(style.unsqueeze(-1)).flatten(1)
        cond = torch.cat([z, style_vec], dim=-1)
        h0 = torch.tanh(self.to_h0(cond))
        h0 = h0.view(-1, self.cfg.dec_layers, self.cfg.dec_hidden).transpose(0, 1).contiguous()
        return cond, h0

    def _split(self, out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits, vel, off = _thirds(out)
        return logits, torch.sigmoid(vel), 0.5 * torch.tanh(off)

    # --- training ---------------------------------------------------------------------

    def forward(
        self,
        enc_in: torch.Tensor,
        keep_hits: torch.Tensor,
        given_hits: torch.Tensor,
        style: torch.Tensor,
        target: torch.Tensor,
        z_noise: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Teacher-forced pass: previous-step inputs come from ``target`` ``[B, T, 27]``.

        Returns hit logits, velocities, offsets ``[B, T, 9]``, mu and logvar.
        """
        states, mu, logvar = self.encode(enc_in)
        z = mu + torch.exp(0.5 * logvar) * z_noise
        cond, h0 = self._init(z, style)
        prev = torch.cat([torch.zeros_like(target[:, :1]), target[:, :-1]], dim=1)
        prev = prev * self.feedback_mask
        t = enc_in.shape[1]
        x = torch.cat(
            [
                prev,
                states,
                given_hits,
                cond[:, None].expand(-1, t, -1),
                keep_hits[:, None].expand(-1, t, -1),
            ],
            dim=-1,
        )
        out, _ = self.decoder(x, h0)
        logits, vel, off = self._split(self.head(out))
        return logits, vel, off, mu, logvar

    # --- inference (exported) ---------------------------------------------------------

    def generate(
        self,
        hits: torch.Tensor,
        tap: torch.Tensor,
        keep_hits: torch.Tensor,
        style: torch.Tensor,
        z_noise: torch.Tensor,
        hit_noise: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Free-running decode of a whole window.

        ``hits`` ``[B, 32, 9]`` the quantized pattern (humanize) or zeros; ``tap``
        ``[B, 32, 3]`` the tap (drumify) or zeros; ``keep_hits`` ``[B, 1]`` 1 to
        humanize, 0 to drumify; ``style`` ``[B]`` int64; ``z_noise`` ``[B, Z]`` (zeros:
        the most likely groove; N(0, 1) * temperature: variations); ``hit_noise``
        ``[B, 32, 9]`` uniform thresholds for drumify's hits (0.5: deterministic).
        Returns hits, velocities, offsets ``[B, 32, 9]`` and z ``[B, Z]``.
        """
        enc_in = torch.cat([hits * keep_hits[:, :, None], tap], dim=-1)
        states, mu, logvar = self.encode(enc_in)
        z = mu + torch.exp(0.5 * logvar) * z_noise
        cond, h = self._init(z, style)
        prev = torch.zeros(hits.shape[0], 1, OUT, dtype=hits.dtype)
        keep = keep_hits[:, None]
        outs = []
        for t in range(STEPS):
            given = hits[:, t : t + 1] * keep
            x = torch.cat([prev, states[:, t : t + 1], given, cond[:, None], keep], dim=-1)
            o, h = self.decoder(x, h)
            logits, vel, off = self._split(self.head(o))
            # p > u written as ceil(clip(p - u, 0, 1)): the same 0/1 for every float
            # (p - u > 0 exactly when p > u), with ops every backend has (ncnn has no
            # comparison operator and no cast)
            sampled = torch.ceil(torch.clamp(torch.sigmoid(logits) - hit_noise[:, t : t + 1], 0, 1))
            hit = keep * given + (1.0 - keep) * sampled
            step = torch.cat([hit, vel * hit, off * hit], dim=-1)
            outs.append(step)
            prev = step * self.feedback_mask
        seq = torch.cat(outs, dim=1)
        h_out, v_out, o_out = _thirds(seq)
        return h_out, v_out, o_out, z
