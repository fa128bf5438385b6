"""Benchmark: humanize a 4-minute drum track (120 bars of 4/4) warm, on one CPU core.

Goes through the real feature path: an isolated kernel with the groove, models and
cpu plugins (backend ``cpu``: onnxruntime, one intra-op thread) and the
``groove.humanize`` code on the loaded track: the drum part, the 16th grid, 119
overlapping 2-bar windows in one model call through the model repository's session,
the blend, every note moved. After one warm-up run, the median of ``--runs`` runs is
the figure. **Goal: <= 200 ms**; exits 1 if missed. The whole feature as the CLI runs
it (MIDI file in, humanize, MIDI file out, atomic save) is timed too, with its file
reading and writing on their own rows: those are the kernel's MIDI I/O (mido, pure
Python; ~4,500 note events each way), not the humanize work the goal is about.

In the same run the same model runs in **torch eager** as the reference: the training
checkpoint (``training_runs/groove/run*/best.pt``; the one whose outputs match the
shipped ONNX file) is put behind the same session interface, so the very same
humanize code (windows, blend, notes) runs once with onnxruntime and once with torch;
both the time of that in-memory core and the largest difference between the two
grooves are reported. Without a checkpoint (not shipped: ``--checkpoint``) the torch
row is skipped. The track is a real Groove MIDI Dataset performance quantized to
16ths (a synthetic pattern when the dataset is not there).

    python benchmarks/groove.py [--runs 11] [--data ../shared/data/groove] [--checkpoint PT]
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
from lmms_magenta_groove.humanize import humanize_part
from lmms_magenta_groove.inference import GrooveModel
from lmms_magenta_groove.midi_io import MidiInput

from lmms_magenta.music import Clip, Note, write_midi
from lmms_magenta.music.notes import DRUM_CHANNEL

ROOT = Path(__file__).resolve().parents[1]
BARS = 120
GOAL_MS = 200.0
GOAL_ROW = "humanize (feature path on the loaded track, onnxruntime, 1 thread)"
PERFORMANCE = "drummer1/session3/13_rock_115_beat_4-4.mid"
SETTINGS = {"intensity": 1.0, "balance": 0.0, "style": "rock", "temperature": 1.0, "seed": 1}


def track(data: Path) -> Clip:
    """120 bars of drums, quantized to 16th notes."""
    from lmms_magenta.music import read_midi

    path = data / PERFORMANCE
    if path.exists():
        clip = read_midi(path).drum_clips[0]
        return clip.slice_bars(0, BARS).quantize("1/16")
    rng = np.random.default_rng(0)
    notes = [
        Note(int(p), 90, step * 120, 60, DRUM_CHANNEL)
        for step in range(BARS * 16)
        for p in (36, 38, 42)
        if rng.random() < 0.4
    ]
    return Clip(notes, ppq=480, is_drum=True, length=BARS * 1920)


class TorchSession:
    """The training model (torch eager) behind the kernel's ``Session.run`` interface."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def run(self, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        import torch

        names = ("hits", "tap", "keep_hits", "style", "z_noise", "hit_noise")
        with torch.inference_mode():
            outs = self.model.generate(*(torch.from_numpy(feeds[n]) for n in names))
        keys = ("out_hits", "velocities", "offsets", "z")
        return {k: o.numpy() for k, o in zip(keys, outs, strict=True)}


def torch_reference(onnx: GrooveModel, clip: Clip, wanted: Path | None) -> tuple[Any, Path] | None:
    """The checkpoint whose outputs match the shipped ONNX model (None if there is none)."""
    try:
        import torch
        from lmms_magenta_groove.training.export import load_checkpoint
    except ImportError:
        return None
    torch.set_num_threads(1)
    candidates = [wanted] if wanted else sorted(ROOT.glob("training_runs/groove/run*/best.pt"))
    rng = np.random.default_rng(0)
    feeds = {
        "hits": (rng.random((4, 32, 9)) < 0.3).astype(np.float32),
        "tap": np.zeros((4, 32, 3), np.float32),
        "keep_hits": np.ones((4, 1), np.float32),
        "style": np.arange(4, dtype=np.int64),
        "z_noise": rng.standard_normal((4, onnx.z_dim)).astype(np.float32),
        "hit_noise": np.full((4, 32, 9), 0.4, np.float32),
    }
    expected = onnx.session.run(feeds)
    for path in candidates:
        if path is None or not path.exists():
            continue
        session = TorchSession(load_checkpoint(path))
        got = session.run(feeds)
        if all(np.abs(got[k] - expected[k]).max() < 1e-4 for k in ("velocities", "offsets")):
            return session, path
    return None


def main() -> int:
    """Run the benchmark; print a table; 1 if the goal is missed."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/groove")
    p.add_argument("--checkpoint", type=Path, default=None)
    args = p.parse_args()
    kernel, work = isolated_kernel("groove-bench-", ("groove", "models", "cpu"))
    clip = track(args.data)
    src, out = work / "track.mid", work / "humanized.mid"
    write_midi(src, clip, backup=False)
    feature = kernel.features()["groove.humanize"]

    def run_feature() -> Any:
        return feature(kernel, input=src, output=out, **SETTINGS)

    first, _ = once(run_feature)  # first run: opens (verifies, compiles) the model
    feature_times, result = timed(run_feature, args.runs)

    song = MidiInput.open(src).song
    onnx = GrooveModel.from_kernel(kernel)

    def core(model: GrooveModel) -> Callable[[], list[Note]]:
        def run() -> list[Note]:
            part = MidiInput(src, song, None, list(song.clips)).drum_part()
            moved: list[Note] = []
            part.write = lambda notes: moved.extend(notes) or len(notes)  # keep, don't write
            settings = {k: v for k, v in SETTINGS.items() if k != "seed"}
            humanize_part(part, model, seed=1, **settings)
            return moved

        return run

    onnx_times, onnx_notes = timed(core(onnx), args.runs)
    read_times, opened = timed(lambda: MidiInput.open(src), args.runs)
    write_times, _ = timed(lambda: opened.save(work / "copy.mid"), args.runs)
    rows = [
        (GOAL_ROW, onnx_times),
        ("feature end to end: MIDI file in, humanize, MIDI file out", feature_times),
        ("- of which reading the MIDI file (kernel, mido)", read_times),
        ("- of which writing the MIDI file (kernel, mido)", write_times),
    ]
    reference = torch_reference(onnx, clip, args.checkpoint)
    diff = ""
    if reference is not None:
        session, ckpt = reference
        torch_model = GrooveModel(session, onnx.z_dim)  # type: ignore[arg-type]
        torch_times, torch_notes = timed(core(torch_model), max(3, args.runs // 2))
        label = f"humanize, same path, torch eager reference ({ckpt.parent.name}, 1 thread)"
        rows.insert(1, (label, torch_times))
        pairs = list(zip(onnx_notes, torch_notes, strict=True))
        ticks = max(abs(a.start - b.start) for a, b in pairs)
        vels = max(abs(a.velocity - b.velocity) for a, b in pairs)
        diff = f"onnxruntime vs torch: largest difference {ticks} ticks, {vels} velocity"
    else:
        diff = "torch eager reference skipped: no matching checkpoint (pass --checkpoint)"
    kernel.shutdown()

    print(
        f"{machine()}, {BARS} bars, {result.notes} notes, "
        f"first run {first * 1000:.0f} ms (opens the model)"
    )
    print(goal_table(rows, GOAL_ROW, GOAL_MS))
    print(diff)
    return 0 if statistics.median(onnx_times) * 1000 <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
