"""Benchmark: humanize a 4-minute drum track (120 bars of 4/4) warm, on one CPU thread.

Times the whole humanize path that the groove feature runs, after one warm-up call:
clip -> 2-bar windows (``clip_windows``), one onnxruntime call for all 60 windows
(``intra_op_num_threads=1``), and moving the clip's own notes (``apply_groove``).
The clip is a real Groove MIDI Dataset performance, quantized to 16ths (a synthetic
pattern when the dataset is not there). **Goal: <= 200 ms** (median); exits 1 if missed.

    python benchmarks/groove.py [--runs 11] [--data ../shared/data/groove]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from lmms_magenta_groove.groove import apply_groove, clip_windows
from lmms_magenta_groove.plugin import MODEL_DIR
from lmms_magenta_groove.styles import STYLES

from lmms_magenta.music import Clip, Note, read_midi
from lmms_magenta.music.notes import DRUM_CHANNEL

ROOT = Path(__file__).resolve().parents[1]
BARS = 120
GOAL_MS = 200.0
PERFORMANCE = "drummer1/session3/13_rock_115_beat_4-4.mid"


def track(data: Path) -> Clip:
    """120 bars of drums, quantized to 16th notes."""
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


def main() -> int:
    """Run the benchmark; print a table row; 1 if the goal is missed."""
    import onnxruntime as ort

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/groove")
    args = p.parse_args()
    clip = track(args.data)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    t0 = time.perf_counter()
    session = ort.InferenceSession(str(MODEL_DIR / "model.onnx"), opts, ["CPUExecutionProvider"])
    init_ms = (time.perf_counter() - t0) * 1000
    z_dim = session.get_inputs()[4].shape[1]

    def humanize() -> Clip:
        hits, _ = clip_windows(clip)
        n = hits.shape[0]
        feeds = {
            "hits": hits,
            "tap": np.zeros((n, 32, 3), np.float32),
            "keep_hits": np.ones((n, 1), np.float32),
            "style": np.full(n, STYLES.index("rock"), np.int64),
            "z_noise": np.zeros((n, z_dim), np.float32),
            "hit_noise": np.full((n, 32, 9), 0.5, np.float32),
        }
        _, vel, off, _ = session.run(None, feeds)
        return apply_groove(clip, vel, off)

    humanize()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        out = humanize()
        times.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(times)
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print("| machine | bars | notes | session init | humanize (median) | min | goal |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {machine} | {BARS} | {len(out.notes)} | {init_ms:.0f} ms | **{median:.1f} ms** "
        f"| {min(times):.1f} ms | <= {GOAL_MS:.0f} ms |"
    )
    return 0 if median <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
