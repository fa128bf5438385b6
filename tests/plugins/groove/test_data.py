"""Dataset building: windows per performance, skipped meters and empty windows, the cache."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from lmms_magenta_groove.styles import STYLES
from lmms_magenta_groove.training.data import build_split, load_split

from lmms_magenta.music import Clip, Meter, Note, write_midi
from lmms_magenta.music.notes import DRUM_CHANNEL

PPQ = 480
FOUR_FOUR = Meter(4, 4)


def _performance(path: Path, bars: int, meter: Meter = FOUR_FOUR, empty_bars: int = 0) -> None:
    tpb = meter.ticks_per_bar(PPQ)
    notes = [
        Note(36 if b % 2 else 42, 90, b * tpb + 7, 60, DRUM_CHANNEL)
        for b in range(empty_bars, bars)
    ]
    clip = Clip(notes, ppq=PPQ, meter=meter, tempo=100.0, is_drum=True, length=bars * tpb)
    write_midi(path, [clip], backup=False)


def _dataset(root: Path) -> Path:
    rows = [
        ("a.mid", "funk/groove", "4-4", 5, Meter(4, 4), 0),
        ("b.mid", "jazz", "3-4", 6, Meter(3, 4), 0),
        ("c.mid", "rock", "6-8", 6, Meter(6, 8), 0),
        ("d.mid", "rock", "4-4", 6, Meter(4, 4), 2),  # bars 0-1 silent: one empty window
        ("e.mid", "rock", "4-4", 3, Meter(4, 4), 0),
    ]
    with (root / "info.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["style", "time_signature", "midi_filename", "split", "bpm"])
        for name, style, ts, bars, meter, empty in rows:
            _performance(root / name, bars, meter, empty)
            w.writerow([style, ts, name, "validation" if name == "e.mid" else "train", 100])
    return root


def test_windows_and_skips_are_counted(tmp_path: Path) -> None:
    root = _dataset(tmp_path)
    ws = build_split(root, "train", hop_bars=1)
    # a: 5 bars -> 4 windows; d: 6 bars -> 5 windows, the first (bars 0-1) empty
    assert len(ws) == 4 + 4
    assert ws.stats["skipped_meters"] == {"3/4": 1, "6/8": 1}
    assert ws.stats["empty_windows"] == 1
    assert ws.stats["used_performances"] == 2
    assert ws.files == ["a.mid", "d.mid"]
    assert ws.start_bar.tolist() == [0, 1, 2, 3, 1, 2, 3, 4]
    assert ws.style[0] == STYLES.index("funk")
    assert np.allclose(ws.bpm, 100.0, atol=0.01)
    assert np.allclose(ws.offsets[ws.hits > 0], 7 / 120)


def test_hop_of_two_bars_gives_non_overlapping_windows(tmp_path: Path) -> None:
    root = _dataset(tmp_path)
    ws = build_split(root, "train", hop_bars=2)
    assert ws.start_bar.tolist() == [0, 2, 2, 4]  # d's window at bar 0 is empty


def test_the_cache_is_written_once_and_reloads_identically(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    root = _dataset(tmp_path / "data")
    cache = tmp_path / "cache"
    first = load_split(root, "validation", cache)
    files = list(cache.glob("*.npz"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = load_split(root, "validation", cache)
    assert files[0].stat().st_mtime_ns == stamp
    assert np.array_equal(first.hits, second.hits)
    assert np.array_equal(first.offsets, second.offsets)
    assert first.stats == second.stats and first.files == second.files == ["e.mid"]
