"""The pattern VAE (torch): MusicVAE's flat 2-bar model, made small for a CPU.

Encoder: a step embedding (token embedding for melodies, a linear map of the 9 hit
bits for drums) -> one bidirectional GRU -> ``mu``, ``logvar`` of ``z``.
Decoder: ``z`` -> initial states of a stacked GRU; each step's input is the previous
step's token embedding concatenated with ``z``; a linear layer gives the logits of the
step's categorical (130 melody tokens or 512 drum combinations).

Training runs the decoder teacher-forced over the whole sequence at once. Export uses
:class:`SamplingDecoder`: the 32 steps unrolled in one graph, each step picking
``argmax(logits / temperature + noise)`` (Gumbel-max sampling with the noise given as
an input, so the graph is deterministic; zero noise = greedy decoding).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "Encoder",
    "PatternVAE",
    "SamplingDecoder",
    "VAEConfig",
    "kl_per_window",
    "reconstruction_loss",
]


@dataclass(frozen=True)
class VAEConfig:
    """Sizes of one model (saved in checkpoints and the manifest's ``extra``)."""

    kind: str  # "melody" (token input) or "drums" (hit-bit input)
    vocab: int  # 130 or 512
    steps: int = 32
    embed: int = 64
    enc_hidden: int = 192
    dec_hidden: int = 192
    dec_layers: int = 2
    z_dim: int = 64
    dropout: float = 0.1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Encoder(nn.Module):
    """Sequence -> (mu, logvar). Melody input ``tokens`` [B, T] int64; drum input
    ``hits`` [B, T, 9] float32."""

    def __init__(self, cfg: VAEConfig) -> None:
        super().__init__()
        self.cfg = cfg
        if cfg.kind == "melody":
            self.embed: nn.Module = nn.Embedding(cfg.vocab, cfg.embed)
        else:
            self.embed = nn.Linear(9, cfg.embed)
        self.rnn = nn.GRU(cfg.embed, cfg.enc_hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * cfg.enc_hidden, 2 * cfg.z_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _, h = self.rnn(self.embed(x))  # h [2, B, H]
        mu, logvar = self.out(torch.cat([h[0], h[1]], dim=-1)).chunk(2, dim=-1)
        return mu, logvar


class Decoder(nn.Module):
    """z + previous tokens -> logits, teacher-forced (training)."""

    def __init__(self, cfg: VAEConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab + 1, cfg.embed)  # last index = start token
        self.init = nn.Linear(cfg.z_dim, cfg.dec_layers * cfg.dec_hidden)
        self.rnn = nn.GRU(
            cfg.embed + cfg.z_dim,
            cfg.dec_hidden,
            num_layers=cfg.dec_layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.dec_layers > 1 else 0.0,
        )
        self.out = nn.Linear(cfg.dec_hidden, cfg.vocab)

    def initial_state(self, z: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.init(z))  # [B, L*H]
        return (
            h.view(z.shape[0], self.cfg.dec_layers, self.cfg.dec_hidden)
            .transpose(0, 1)
            .contiguous()
        )

    def forward(
        self, z: torch.Tensor, targets: torch.Tensor, input_dropout: float = 0.0
    ) -> torch.Tensor:
        """Teacher-forced logits; ``input_dropout`` hides that share of the previous
        steps (replaced by the start token) so the decoder must lean on ``z``."""
        start = torch.full_like(targets[:, :1], self.cfg.vocab)
        prev = torch.cat([start, targets[:, :-1]], dim=1)
        if input_dropout > 0:
            hide = torch.rand(prev.shape, device=prev.device) < input_dropout
            prev = torch.where(hide, torch.full_like(prev, self.cfg.vocab), prev)
        zs = z.unsqueeze(1).expand(-1, targets.shape[1], -1)
        y, _ = self.rnn(torch.cat([self.embed(prev), zs], dim=-1), self.initial_state(z))
        logits: torch.Tensor = self.out(y)
        return logits

    def step(
        self, prev: torch.Tensor, z: torch.Tensor, h: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One autoregressive step: prev token [B] -> logits [B, V], new state."""
        x = torch.cat([self.embed(prev), z], dim=-1).unsqueeze(1)
        y, h = self.rnn(x, h)
        return self.out(y[:, 0]), h


class PatternVAE(nn.Module):
    """Encoder + decoder, trained together."""

    def __init__(self, cfg: VAEConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    def forward(
        self,
        enc_in: torch.Tensor,
        targets: torch.Tensor,
        sample_z: bool = True,
        input_dropout: float = 0.0,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(enc_in)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample_z else mu
        return self.decoder(z, targets, input_dropout), mu, logvar

    @torch.no_grad()
    def greedy(self, z: torch.Tensor) -> torch.Tensor:
        """Argmax decoding from ``z`` (each step fed its own previous choice) [B, T]."""
        tokens: torch.Tensor = SamplingDecoder(self.decoder)(
            z,
            torch.zeros(z.shape[0], self.cfg.steps, self.cfg.vocab),
            torch.ones(z.shape[0]),
        )[0]
        return tokens


class SamplingDecoder(nn.Module):
    """The exported decoder: inputs ``z`` [B, Z], ``noise`` [B, T, V] (Gumbel noise,
    zeros for greedy) and ``temperature`` [B]; outputs ``tokens`` [B, T] int64 and
    ``logits`` [B, T, V] (the logits each choice was made from)."""

    def __init__(self, decoder: Decoder) -> None:
        super().__init__()
        self.decoder = decoder

    def forward(
        self, z: torch.Tensor, noise: torch.Tensor, temperature: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        cfg = self.decoder.cfg
        h = self.decoder.initial_state(z)
        prev = torch.full((z.shape[0],), cfg.vocab, dtype=torch.long, device=z.device)
        temp = temperature.unsqueeze(-1)
        tokens, logits = [], []
        for t in range(cfg.steps):
            lg, h = self.decoder.step(prev, z, h)
            prev = torch.argmax(lg / temp + noise[:, t], dim=-1)
            tokens.append(prev)
            logits.append(lg)
        return torch.stack(tokens, dim=1), torch.stack(logits, dim=1)


def kl_per_window(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) in nats per window [B]."""
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - 1.0 - logvar, dim=-1)


def reconstruction_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy summed over steps, per window [B]."""
    ce = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
    return ce.sum(dim=1)
