"""Export a trained checkpoint to ONNX (free-running decoder unrolled over 32 steps).

One ONNX call humanizes or drumifies a whole batch of 2-bar windows: the 32 decoder
steps are unrolled inside the graph, so a 120-bar track is one call of 60 windows
instead of 1,920 per-step calls. After export the graph is run with onnxruntime on
validation windows and compared with torch (max abs difference must be < 1e-4).

    python -m lmms_magenta_groove.training.export --checkpoint training_runs/groove/run1/best.pt \
        --data ../shared/data/groove --out /tmp/model.onnx
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..representation import N_CLASSES, STEPS
from .batches import make_batch
from .data import load_split
from .model import GrooveVAE, ModelConfig

__all__ = ["INPUTS", "OPSET", "OUTPUTS", "export", "load_checkpoint"]

OPSET = 17
INPUTS = ("hits", "tap", "keep_hits", "style", "z_noise", "hit_noise")
OUTPUTS = ("out_hits", "velocities", "offsets", "z")


class _Generate(nn.Module):
    def __init__(self, model: GrooveVAE) -> None:
        super().__init__()
        self.model = model

    def forward(self, *args: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.model.generate(*args)


def load_checkpoint(path: Path) -> GrooveVAE:
    """The model of a training checkpoint, in eval mode."""
    state = torch.load(path, weights_only=False)
    model = GrooveVAE(ModelConfig(**state["config"]))
    model.load_state_dict(state["model"])
    return model.eval()


def example_inputs(
    hits: np.ndarray,
    tap: np.ndarray,
    keep: np.ndarray,
    style: np.ndarray,
    z_dim: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """ONNX feeds for windows (z noise and hit noise drawn from ``rng``)."""
    n = hits.shape[0]
    return {
        "hits": hits.astype(np.float32),
        "tap": tap.astype(np.float32),
        "keep_hits": keep.astype(np.float32),
        "style": style.astype(np.int64),
        "z_noise": rng.standard_normal((n, z_dim)).astype(np.float32),
        "hit_noise": rng.uniform(0, 1, (n, STEPS, N_CLASSES)).astype(np.float32),
    }


def export(model: GrooveVAE, out: Path) -> None:
    """Write the ONNX graph (batch axis dynamic)."""
    z = model.cfg.z_dim
    dummy = (
        torch.zeros(2, STEPS, N_CLASSES),
        torch.zeros(2, STEPS, 3),
        torch.ones(2, 1),
        torch.zeros(2, dtype=torch.int64),
        torch.zeros(2, z),
        torch.full((2, STEPS, N_CLASSES), 0.5),
    )
    axes = {name: {0: "batch"} for name in INPUTS + OUTPUTS}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        _Generate(model),
        dummy,
        str(out),
        input_names=list(INPUTS),
        output_names=list(OUTPUTS),
        dynamic_axes=axes,
        opset_version=OPSET,
        dynamo=False,
    )


def check(model: GrooveVAE, onnx_path: Path, data: Path, cache: Path, n: int = 128) -> float:
    """Max abs difference torch vs onnxruntime on ``n`` validation windows, both tasks."""
    import onnxruntime as ort

    val = load_split(data, "validation", cache, hop_bars=2)
    rng = np.random.default_rng(0)
    idx = np.arange(min(n, len(val)))
    humanize = np.arange(len(idx)) % 2 == 0
    b = make_batch(val, idx, humanize, np.ones(len(idx), bool))
    feeds = example_inputs(b.hits, b.tap, b.keep_hits, b.style, model.cfg.z_dim, rng)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(list(OUTPUTS), feeds)
    with torch.no_grad():
        want = model.generate(*(torch.from_numpy(feeds[k]) for k in INPUTS))
    worst = 0.0
    for name, g, w in zip(OUTPUTS, got, want, strict=True):
        diff = float(np.abs(g - w.numpy()).max())
        print(f"{name}: max |onnx - torch| = {diff:.2e}")
        worst = max(worst, diff)
    return worst


def main(argv: list[str] | None = None) -> None:
    """Export and verify; see the module docstring."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=None, help="defaults to CHECKPOINT/../cache")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    model = load_checkpoint(args.checkpoint)
    export(model, args.out)
    worst = check(model, args.out, args.data, args.cache or args.checkpoint.parent / "cache")
    if worst > 1e-4:
        raise SystemExit(f"ONNX output differs from torch by {worst:.2e} (> 1e-4)")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB); matches torch within 1e-4")


if __name__ == "__main__":
    main()
