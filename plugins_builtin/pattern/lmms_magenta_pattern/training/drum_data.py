"""Groove MIDI Dataset -> quantized 2-bar drum windows, parsed once and cached as ``.npz``.

Every 4/4 performance of a split is read with the kernel's MIDI reader, put on one
16th-note grid of the 9 drum classes (the kernel's
:func:`lmms_magenta.music.grid.encode_drums`: each note on its nearest step) and cut
into 2-bar windows every bar; windows without a hit are skipped and counted. The
style label is the dataset's primary style (``funk`` of ``funk/purdieshuffle``).
The cache records a key of the cache version and the size and modification time of
``info.csv`` (as the groove plugin's cache does) and is rebuilt only when it changes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from lmms_magenta.music.grid import STEPS_PER_BAR, DrumGrid, encode_drums, grid_windows

from ..drum_codec import N_DRUM_CLASSES, STEPS

__all__ = ["CACHE_VERSION", "build_cache", "cache_key", "primary_style"]

CACHE_VERSION = 1


def primary_style(style: str) -> str:
    """``funk/purdieshuffle`` -> ``funk``."""
    return style.split("/", 1)[0].strip().lower()


def _rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / "info.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cache_key(data_dir: Path) -> str:
    """Changes with the cache version and with ``info.csv`` (size, modification time)."""
    info = (data_dir / "info.csv").stat()
    raw = f"{CACHE_VERSION}|{data_dir.resolve()}|{info.st_size}|{info.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _current(out: Path, key: str) -> bool:
    if not out.exists():
        return False
    with np.load(out) as z:
        meta = json.loads(str(z["meta"]))
    # a cache of one split only (tests build those) is never the training cache
    both = ["train", "validation"]
    return bool(meta.get("key") == key and meta.get("splits", both) == both)


def _performance_grid(path: Path) -> tuple[DrumGrid | None, str]:
    """The drum grid of a performance, or None and the reason it is skipped."""
    from lmms_magenta.music import merge, read_midi

    song = read_midi(path)
    meters = {f"{m.meter.numerator}/{m.meter.denominator}" for m in song.meter_map}
    if meters != {"4/4"}:
        return None, "meter " + "+".join(sorted(meters))
    drums = list(song.drum_clips)
    if not drums:
        return None, "no drums"
    clip = merge(drums) if len(drums) > 1 else drums[0]
    return encode_drums(clip), ""


def build_cache(
    data_dir: Path, out: Path, splits: tuple[str, ...] = ("train", "validation")
) -> dict[str, Any]:
    """Read the splits (both by default), write ``out`` and return the stats. The style
    labels are those of both splits whichever are read, so label ids never change."""
    from rich.progress import track

    every = [r for r in _rows(data_dir) if r["split"] in ("train", "validation")]
    labels = sorted({primary_style(r["style"]) for r in every})
    rows = [r for r in every if r["split"] in splits]
    hits: list[np.ndarray] = []
    label: list[int] = []
    valid: list[bool] = []
    fill: list[bool] = []
    stats: Counter[str] = Counter()
    for row in track(rows, description="performances"):
        grid, why = _performance_grid(data_dir / row["midi_filename"])
        if grid is None:
            stats[f"performances_skipped.{why}"] += 1
            continue
        stats[f"performances_used.{row['split']}"] += 1
        stats["notes_dropped"] += grid.dropped
        for _, win in grid_windows(grid, STEPS // STEPS_PER_BAR, hop_bars=1):
            if not win.hits.any():
                stats["windows_empty"] += 1
                continue
            hits.append(win.hits)
            label.append(labels.index(primary_style(row["style"])))
            valid.append(row["split"] == "validation")
            fill.append(row["beat_type"] == "fill")
    arr = (
        np.stack(hits).astype(np.uint8) if hits else np.zeros((0, STEPS, N_DRUM_CLASSES), np.uint8)
    )
    va = np.asarray(valid, dtype=bool)
    stats["windows_train"] = int((~va).sum())
    stats["windows_validation"] = int(va.sum())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    meta = {
        "version": CACHE_VERSION,
        "key": cache_key(data_dir),
        "labels": labels,
        "splits": list(splits),
        "stats": dict(stats),
    }
    np.savez_compressed(
        tmp,
        hits=arr,
        label=np.asarray(label, dtype=np.int64),
        validation=va,
        fill=np.asarray(fill, dtype=bool),
        meta=np.asarray(json.dumps(meta)),
    )
    tmp.replace(out)
    return dict(stats)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="the Groove MIDI Dataset folder")
    ap.add_argument("--out", type=Path, default=Path("training_runs/pattern/drum_windows.npz"))
    args = ap.parse_args(argv)
    out: Path = args.out
    if _current(out, cache_key(args.data)):
        print(f"{out} is current")
        return 0
    stats = build_cache(args.data, out)
    json.dump(stats, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
