"""Benchmark: 8 alternatives of a 2-bar drum pattern, warm, on one CPU core.

Goes through the real feature path: an isolated kernel with the pattern, models and
cpu plugins (backend ``cpu``: onnxruntime, one intra-op thread), the shipped drum
decoder opened through the model repository, and the ``generate.drums`` code: start
points around the style, complexity vector, Gumbel noise, one decoder call for the 8
alternatives, the distinctness check and the 8 kernel clips. After one warm-up run
the median of ``--runs`` runs is the figure. **Goal: <= 30 ms**; exits 1 if missed.
The whole feature call as a Python caller makes it (``kernel.feature("generate.drums")
(kernel, count=8)``: model lookup, nothing written) and as the CLI's MIDI output
(8 files) are timed too, and the melody model for comparison.

In the same run the same model runs in **torch eager** as the reference: the training
checkpoint (``training_runs/pattern/drums*/best.pt`` or ``last.pt``; the one whose
decoded patterns equal the shipped ONNX file's) is put behind the same session
interface, so the very same generator code runs once with onnxruntime and once with
torch. Without a matching checkpoint (not shipped: ``--checkpoint``) the torch row is
skipped and the output says so.

    python benchmarks/pattern.py [--runs 21] [--checkpoint PT]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from common import goal_table, isolated_kernel, machine, once, timed
from lmms_magenta_pattern.features import DRUM_PARAMS, MELODY_PARAMS
from lmms_magenta_pattern.generate import Generator
from lmms_magenta_pattern.inference import PatternModel

ROOT = Path(__file__).resolve().parents[1]
GOAL_MS = 30.0
GOAL_ROW = "8 alternatives, 2-bar drums (feature path, onnxruntime, 1 thread)"
COUNT = 8


class TorchDecoder:
    """The training model's sampling decoder (torch eager) behind ``Session.run``."""

    def __init__(self, module: Any, kind: str) -> None:
        self.module = module
        self.kind = kind

    def run(self, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        import torch

        with torch.inference_mode():
            outs = self.module(*(torch.from_numpy(feeds[n]) for n in ("z", "noise", "temperature")))
        key = "classes" if self.kind == "drums" else "tokens"
        return {key: outs[0].numpy()}


def torch_reference(onnx: PatternModel, wanted: Path | None) -> tuple[TorchDecoder, Path] | None:
    """A torch decoder whose patterns equal the shipped ONNX decoder's (None if none)."""
    try:
        import torch
        from lmms_magenta_pattern.training.export import _decoder_module, load_checkpoint
    except ImportError:
        return None
    torch.set_num_threads(1)
    kind = onnx.kind
    runs = ROOT / "training_runs" / "pattern"
    candidates = (
        [wanted]
        if wanted
        else sorted(runs.glob(f"{kind}*/best.pt")) + sorted(runs.glob(f"{kind}*/last.pt"))
    )
    rng = np.random.default_rng(0)
    z = rng.standard_normal((COUNT, onnx.z_dim)).astype(np.float32)
    noise = rng.gumbel(size=(COUNT, 32, onnx.vocab)).astype(np.float32)
    expected = onnx.decode(z, noise, 1.0)
    for path in candidates:
        if path is None or not path.exists():
            continue
        model, _ = load_checkpoint(path)
        if model.cfg.kind != kind or model.cfg.z_dim != onnx.z_dim:
            continue
        session = TorchDecoder(_decoder_module(model), kind)
        twin = PatternModel(kind, onnx.encoder, session, onnx.latents, onnx.z_dim)  # type: ignore[arg-type]
        if np.array_equal(twin.decode(z, noise, 1.0), expected):
            return session, path
    return None


def core(model: PatternModel, defaults: dict[str, Any]) -> Callable[[], Any]:
    """The generator as ``generate.drums --count 8`` runs it, in memory."""
    params = dict(defaults, bars=2, count=COUNT, seed=1)

    def run() -> Any:
        gen = Generator(model, params)
        clips, missing = gen.clips(COUNT, np.random.default_rng(1), "drums")
        assert len(clips) == COUNT and not missing
        return clips

    return run


def main() -> int:
    """Run the benchmark; print a table; 1 if the goal is missed."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=21)
    p.add_argument("--checkpoint", type=Path, default=None)
    args = p.parse_args()
    kernel, work = isolated_kernel("pattern-bench-", ("pattern", "models", "cpu"))
    feature = kernel.features()["generate.drums"]

    # first run: opens (verifies, loads) the models
    first, _ = once(lambda: feature(kernel, count=COUNT, seed=1))
    drums = PatternModel.from_kernel(kernel, "drums")
    melody = PatternModel.from_kernel(kernel, "melody")
    onnx_times, onnx_clips = timed(core(drums, DRUM_PARAMS.defaults()), args.runs)
    melody_times, _ = timed(core(melody, MELODY_PARAMS.defaults()), args.runs)
    call_times, _ = timed(lambda: feature(kernel, count=COUNT, seed=1), args.runs)
    out = work / "beat.mid"
    file_times, _ = timed(lambda: feature(kernel, count=COUNT, seed=1, output=out), args.runs)
    rows = [
        (GOAL_ROW, onnx_times),
        ("8 alternatives, 2-bar melody (same path, onnxruntime, 1 thread)", melody_times),
        ("feature call from Python (model lookup, 8 clips, nothing written)", call_times),
        ("feature call writing 8 MIDI files (as `generate drums --count 8 -o`)", file_times),
    ]
    reference = torch_reference(drums, args.checkpoint)
    if reference is not None:
        session, ckpt = reference
        twin = PatternModel("drums", drums.encoder, session, drums.latents, drums.z_dim)  # type: ignore[arg-type]
        torch_times, torch_clips = timed(core(twin, DRUM_PARAMS.defaults()), args.runs)
        ref = f"{ckpt.parent.name}/{ckpt.name}, 1 thread"
        label = f"8 alternatives, 2-bar drums, torch eager reference ({ref})"
        rows.insert(1, (label, torch_times))
        same = [a.notes for a in onnx_clips] == [b.notes for b in torch_clips]
        diff = f"onnxruntime vs torch: {'identical' if same else 'DIFFERENT'} patterns"
    else:
        diff = "torch eager reference skipped: no matching checkpoint (pass --checkpoint)"
    kernel.shutdown()

    print(f"{machine()}, first feature call {first * 1000:.0f} ms (opens the models)")
    print(goal_table(rows, GOAL_ROW, GOAL_MS))
    print(diff)
    return 0 if statistics.median(onnx_times) * 1000 <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
