"""The pattern VAE (torch): MusicVAE's flat 2-bar model, made small for a CPU.

Encoder: a step embedding (token embedding for melodies, a linear map of the 9 hit
bits for drums) -> one bidirectional GRU -> ``mu``, ``logvar`` of ``z``.
Decoder: ``z`` -> initial states of a stacked GRU; each step's input is the previous
step's token embedding concatenated with ``z``; a linear layer gives the logits of the
step's categorical (130 melody tokens or 512 drum combinations).

With ``factorized`` (drums), training parameterizes the decoder's input embedding and
its 512 logits through the 9 hit bits of each combination: a combination's embedding is a
linear map of its bits, and its logit is the sum of per-drum logits for the bits it
contains plus a per-combination correction. The softmax over the 512 combinations is then
a product of 9 Bernoullis plus learnt interactions, so rare combinations share what the
common ones teach (the Groove dataset has ~17k training windows, MusicVAE's drum model
had millions). :meth:`Decoder.folded` multiplies this out into the plain embedding table
and output layer, so the exported graph is the same either way.

Training runs the decoder teacher-forced over the whole sequence at once. Export uses
:class:`SamplingDecoder`: the 32 steps unrolled in one graph, each step picking
``argmax(logits / temperature + noise)`` (Gumbel-max sampling with the noise given as
an input, so the graph is deterministic; zero noise = greedy decoding).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
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
    factorized: bool = False  # drums: embedding and logits through the 9 hit bits

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
        seq, _ = self.rnn(self.embed(x))  # [B, T, 2H]
        # the final states read off the output sequence (forward: last step, backward:
        # first step) - the same numbers as the GRU's h_n, but pnnx converts a GRU for
        # ncnn only when its output sequence is what the graph uses
        size = self.cfg.enc_hidden
        last = torch.cat([seq[:, -1, :size], seq[:, 0, size:]], dim=-1)
        mu, logvar = self.out(last).chunk(2, dim=-1)
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
        if cfg.factorized:
            if cfg.kind != "drums":
                raise ValueError("a factorized decoder needs drum combinations")
            bits = [[(c >> k) & 1 for k in range(9)] for c in range(cfg.vocab)]
            self.register_buffer("bits", torch.tensor(bits, dtype=torch.float32))
            self.embed_bits = nn.Linear(9, cfg.embed)
            self.out_bits = nn.Linear(cfg.dec_hidden, 9)
            nn.init.zeros_(self.out.weight)  # the per-combination correction starts at 0
            nn.init.zeros_(self.out.bias)

    def _embedding(self, prev: torch.Tensor) -> torch.Tensor:
        if not self.cfg.factorized:
            out: torch.Tensor = self.embed(prev)
            return out
        return self._embed_table()[prev]

    def _embed_table(self) -> torch.Tensor:
        """[vocab + 1, embed]: the bit embedding of every combination, then the start
        token's own row of ``embed`` (the other rows of ``embed`` are unused)."""
        return torch.cat([self.embed_bits(self.bits), self.embed.weight[-1:]], dim=0)

    def _logits(self, y: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.out(y)
        if self.cfg.factorized:
            out = out + self.out_bits(y) @ self.bits.T
        return out

    @torch.no_grad()
    def folded(self) -> Decoder:
        """The same function as a plain decoder (embedding table + one output layer)."""
        if not self.cfg.factorized:
            return self
        plain = Decoder(replace(self.cfg, factorized=False))
        plain.init.load_state_dict(self.init.state_dict())
        plain.rnn.load_state_dict(self.rnn.state_dict())
        plain.embed.weight.copy_(self._embed_table())
        plain.out.weight.copy_(self.out.weight + self.bits @ self.out_bits.weight)
        plain.out.bias.copy_(self.out.bias + self.bits @ self.out_bits.bias)
        return plain.eval()

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
        y, _ = self.rnn(torch.cat([self._embedding(prev), zs], dim=-1), self.initial_state(z))
        return self._logits(y)

    def step(
        self, prev: torch.Tensor, z: torch.Tensor, h: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One autoregressive step: prev token [B] -> logits [B, V], new state."""
        x = torch.cat([self._embedding(prev), z], dim=-1).unsqueeze(1)
        y, h = self.rnn(x, h)
        return self._logits(y[:, 0]), h


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

    def folded(self) -> PatternVAE:
        """This model with a plain decoder (see :meth:`Decoder.folded`), for export."""
        if not self.cfg.factorized:
            return self
        plain = PatternVAE(replace(self.cfg, factorized=False))
        plain.encoder.load_state_dict(self.encoder.state_dict())
        plain.decoder = self.decoder.folded()
        return plain.eval()

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
    ``logits`` [B, T, V] (the logits each choice was made from).

    Each step chooses ``argmax(logits / temperature + noise)`` (Gumbel-max sampling),
    written with ops every backend has - ncnn has no ArgMax and cannot gather by a
    computed index: the choice is the one-hot ``1 - ceil(clip(max - score, 0, 1))``
    (exactly 1 where the score is the maximum, else 0), the next step's input is that
    one-hot times the embedding table, and the token is the one-hot times ``0..V-1``.
    Both products are exact in float32 (one 1, the rest 0), so this equals the
    argmax/gather graph bit for bit; only an exact tie of two scores would differ.
    """

    index: torch.Tensor

    def __init__(self, decoder: Decoder) -> None:
        super().__init__()
        self.decoder = decoder
        vocab = decoder.cfg.vocab
        self.register_buffer("index", torch.arange(vocab, dtype=torch.float32).unsqueeze(1))

    def choices(
        self, z: torch.Tensor, noise: torch.Tensor, temperature: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(tokens [B, T] float, logits [B, T, V], one-hot choices [B, T, V])``."""
        dec, cfg = self.decoder, self.decoder.cfg
        table = dec._embed_table() if cfg.factorized else dec.embed.weight  # [V + 1, E]
        # the start token's embedding for every row of the batch, without a batch-sized
        # constant (pnnx converts for batch 1): 0 * z[:, :1] broadcast onto the row
        x = z[:, :1] * 0.0 + table[cfg.vocab]
        h = dec.initial_state(z)
        temp = temperature.unsqueeze(-1)
        tokens, logits, picks = [], [], []
        for t in range(cfg.steps):
            y, h = dec.rnn(torch.cat([x, z], dim=-1).unsqueeze(1), h)
            lg = dec._logits(y[:, 0])
            score = lg / temp + noise[:, t]
            top = torch.amax(score, dim=-1, keepdim=True)
            pick = 1.0 - torch.ceil(torch.clamp(top - score, 0.0, 1.0))
            x = pick @ table[: cfg.vocab]
            tokens.append(pick @ self.index)
            logits.append(lg)
            picks.append(pick)
        return torch.cat(tokens, dim=1), torch.stack(logits, dim=1), torch.stack(picks, dim=1)

    def forward(
        self, z: torch.Tensor, noise: torch.Tensor, temperature: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        tokens, logits, _ = self.choices(z, noise, temperature)
        return tokens.to(torch.int64), logits


def kl_per_window(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) in nats per window [B]."""
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - 1.0 - logvar, dim=-1)


def reconstruction_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy summed over steps, per window [B]."""
    ce = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
    return ce.sum(dim=1)
