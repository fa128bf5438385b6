"""Groove MIDI Dataset -> 2-bar windows of groove arrays, parsed once and cached.

Each performance is read with the kernel's MIDI reader, put on one 16th-note grid
(:func:`lmms_magenta.music.grid.encode_drums`) and cut into 2-bar windows every
``hop_bars`` bars. Performances not in 4/4 are skipped and counted by meter;
windows without a single hit are skipped and counted. The result for a split is
cached as one ``.npz`` keyed by the representation version, the hop and the size
and modification time of ``info.csv``, so a second run loads in well under a second.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lmms_magenta.music import Meter, merge, read_midi

from ..representation import N_CLASSES, STEPS, encode_drums, windows
from ..styles import style_index

__all__ = ["REPRESENTATION_VERSION", "WindowSet", "build_split", "load_split", "read_index"]

#: Bump when the arrays change meaning, so old caches are rebuilt.
REPRESENTATION_VERSION = 1

_FOUR_FOUR = Meter(4, 4)


@dataclass
class WindowSet:
    """All windows of one split, as stacked arrays (N windows).

    ``hits``/``velocities``/``offsets`` ``[N, 32, 9]`` float32; ``style`` ``[N]`` int64
    (index into :data:`~lmms_magenta_groove.styles.STYLES`); ``bpm`` ``[N]`` float32;
    ``performance`` ``[N]`` int32 (row in ``files``); ``start_bar`` ``[N]`` int32.
    ``stats`` records what was skipped.
    """

    hits: np.ndarray
    velocities: np.ndarray
    offsets: np.ndarray
    style: np.ndarray
    bpm: np.ndarray
    performance: np.ndarray
    start_bar: np.ndarray
    files: list[str] = field(default_factory=list)
    stats: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.hits.shape[0])

    def subset(self, mask: np.ndarray) -> WindowSet:
        """The windows where ``mask`` is true (same files and stats)."""
        return WindowSet(
            self.hits[mask],
            self.velocities[mask],
            self.offsets[mask],
            self.style[mask],
            self.bpm[mask],
            self.performance[mask],
            self.start_bar[mask],
            self.files,
            self.stats,
        )

    def step_ms(self) -> np.ndarray:
        """Duration of one 16th step in milliseconds, per window ``[N]``."""
        return (60000.0 / self.bpm / 4.0).astype(np.float32)


def read_index(data_dir: Path, split: str) -> list[dict[str, str]]:
    """Rows of ``info.csv`` for one split (``train`` or ``validation``)."""
    with (data_dir / "info.csv").open(newline="", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["split"] == split]


def build_split(
    data_dir: Path, split: str, *, hop_bars: int = 1, only: Collection[str] | None = None
) -> WindowSet:
    """Read every performance of a split and cut it into windows (no cache).

    ``only`` restricts it to those ``midi_filename`` values (small fixed subsets for tests).
    """
    rows = read_index(data_dir, split)
    if only is not None:
        rows = [r for r in rows if r["midi_filename"] in only]
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("h", "v", "o")}
    meta: dict[str, list[float]] = {k: [] for k in ("s", "b", "p", "a")}
    skipped_meters: Counter[str] = Counter()
    files: list[str] = []
    empty = dropped = 0
    for row in rows:
        song = read_midi(data_dir / row["midi_filename"])
        meters = {str(m.meter.numerator) + "/" + str(m.meter.denominator) for m in song.meter_map}
        if meters != {"4/4"}:
            skipped_meters["+".join(sorted(meters))] += 1
            continue
        drums = song.drum_clips
        if not drums:
            skipped_meters["no drums"] += 1
            continue
        clip = merge(list(drums)) if len(drums) > 1 else drums[0]
        grid = encode_drums(clip)
        dropped += grid.dropped
        perf = len(files)
        files.append(row["midi_filename"])
        for start_bar, win in windows(grid, hop_bars=hop_bars):
            if not win.hits.any():
                empty += 1
                continue
            parts["h"].append(win.hits)
            parts["v"].append(win.velocities)
            parts["o"].append(win.offsets)
            meta["s"].append(style_index(row["style"]))
            meta["b"].append(song.bpm)
            meta["p"].append(perf)
            meta["a"].append(start_bar)
    n = len(parts["h"])
    shape = (n, STEPS, N_CLASSES)
    return WindowSet(
        np.stack(parts["h"]) if n else np.zeros(shape, np.float32),
        np.stack(parts["v"]) if n else np.zeros(shape, np.float32),
        np.stack(parts["o"]) if n else np.zeros(shape, np.float32),
        np.array(meta["s"], np.int64),
        np.array(meta["b"], np.float32),
        np.array(meta["p"], np.int32),
        np.array(meta["a"], np.int32),
        files,
        {
            "performances": len(rows),
            "used_performances": len(files),
            "skipped_meters": dict(skipped_meters),
            "empty_windows": empty,
            "dropped_notes": dropped,
            "windows": n,
            "hop_bars": hop_bars,
        },
    )


def _cache_key(data_dir: Path, split: str, hop_bars: int) -> str:
    info = (data_dir / "info.csv").stat()
    raw = f"{REPRESENTATION_VERSION}|{data_dir.resolve()}|{split}|{hop_bars}|{info.st_size}|"
    raw += str(info.st_mtime_ns)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def load_split(data_dir: Path, split: str, cache_dir: Path, *, hop_bars: int = 1) -> WindowSet:
    """The windows of a split, from the cache if it is current, else built and cached."""
    key = _cache_key(data_dir, split, hop_bars)
    path = cache_dir / f"groove-{split}-hop{hop_bars}-{key}.npz"
    if path.exists():
        with np.load(path) as z:
            return WindowSet(
                z["hits"],
                z["velocities"],
                z["offsets"],
                z["style"],
                z["bpm"],
                z["performance"],
                z["start_bar"],
                json.loads(str(z["files"])),
                json.loads(str(z["stats"])),
            )
    ws = build_split(data_dir, split, hop_bars=hop_bars)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        hits=ws.hits,
        velocities=ws.velocities,
        offsets=ws.offsets,
        style=ws.style,
        bpm=ws.bpm,
        performance=ws.performance,
        start_bar=ws.start_bar,
        files=json.dumps(ws.files),
        stats=json.dumps(ws.stats),
    )
    tmp.replace(path)
    return ws
