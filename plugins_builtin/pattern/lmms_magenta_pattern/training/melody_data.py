"""music21 corpus -> 2-bar melody windows, parsed once and cached as ``.npz``.

Collections (all public domain, bundled with music21): O'Neill's 1850 (``oneills1850``),
Ryan's Mammoth Collection (``ryansMammoth``), Airds Airs (``airdsAirs``) and the soprano
lines of the 371 Bach chorales. Essen is *not* used (non-commercial licence).

Only duple meters with 16 sixteenths per 2 bars of 4/4 fit the model's grid: 4/4, C,
2/2 (C|) and 2/4 (two 2/4 bars make one 4/4 bar). Jigs, slip jigs and 3/4 airs are
skipped and counted. A window is 32 consecutive 16th steps made of whole, complete
measures (pickups and short repeat-ending bars never start a window), taken every bar;
onsets are quantized to the nearest 16th (counted); windows with fewer than 2
notes are skipped. Each tune
goes wholly to train or validation by a hash of its id, never by window.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..melody_codec import STEPS, fit_range, notes_to_tokens

__all__ = ["CACHE_VERSION", "LABELS", "build_cache", "label_of", "load_cache"]

CACHE_VERSION = 1
ABC_COLLECTIONS = ("oneills1850", "ryansMammoth", "airdsAirs")
#: Style labels the model keeps (index = position); anything else is "other".
LABELS = ("other", "reel", "hornpipe", "strathspey", "march", "air", "polka", "clog", "chorale")
_DUPLE = {"4/4": 16, "2/2": 16, "2/4": 8}
_LABEL_WORDS = {
    "reel": "reel",
    "hornpipe": "hornpipe",
    "strathspey": "strathspey",
    "march": "march",
    "air": "air",
    "polka": "polka",
    "clog": "clog",
    "fling": "strathspey",  # the highland fling is played as a strathspey
}


def label_of(rhythm: str, title: str) -> str:
    """Style label from an ABC ``R:`` field, else from a word in the title."""
    for text in (rhythm, title):
        for word in re.findall(r"[a-z]+", text.lower()):
            if word in _LABEL_WORDS:
                return _LABEL_WORDS[word]
    return "other"


def _split_abc(text: str) -> list[str]:
    """The tunes of an ABC file (each starts at an ``X:`` line)."""
    parts = re.split(r"(?m)^(?=X:)", text)
    return [p for p in parts if p.startswith("X:")]


def _field(tune: str, key: str) -> str:
    m = re.search(rf"(?m)^{key}:\s*(.*)$", tune)
    return m.group(1).strip() if m else ""


def _meter_steps(meter: str) -> int | None:
    m = meter.replace(" ", "")
    m = {"C": "4/4", "C|": "2/2"}.get(m, m)
    return _DUPLE.get(m)


def _windows_of_part(part: Any, bar_steps: int) -> tuple[list[np.ndarray], Counter[str]]:
    """Token windows of one music21 part on a 16th grid of whole measures."""
    stats: Counter[str] = Counter()
    part = part.stripTies()
    bars: list[tuple[float, list[tuple[int, int, int]] | None]] = []
    for m in part.getElementsByClass("Measure"):
        if abs(m.duration.quarterLength * 4 - bar_steps) > 1e-6 or m.paddingLeft:
            bars.append((float(m.offset), None))
            continue
        notes: list[tuple[int, int, int]] | None = []
        for n in m.flatten().notes:
            if n.duration.isGrace or n.duration.quarterLength == 0:
                continue
            on = float(n.offset) * 4
            step = int(np.floor(on + 0.5))  # nearest 16th, as MusicVAE quantizes
            if abs(on - step) > 1e-6:
                stats["onsets_quantized"] += 1
            if step >= bar_steps:
                continue
            pitch = max(p.midi for p in n.pitches)
            length = max(1, int(np.floor(on + float(n.duration.quarterLength) * 4 + 0.5)) - step)
            assert notes is not None
            notes.append((step, length, pitch))
        bars.append((float(m.offset), notes))
    per_window = STEPS // bar_steps
    out: list[np.ndarray] = []
    for i in range(0, len(bars) - per_window + 1, max(1, 16 // bar_steps)):
        chunk = bars[i : i + per_window]
        if any(notes is None for _, notes in chunk):
            stats["windows_incomplete_bar"] += 1
            continue
        contiguous = all(
            abs((chunk[k + 1][0] - chunk[k][0]) * 4 - bar_steps) < 1e-6
            for k in range(per_window - 1)
        )
        if not contiguous:
            stats["windows_not_contiguous"] += 1
            continue
        notes_w = [
            (s + k * bar_steps, ln, p) for k, (_, ns) in enumerate(chunk) for s, ln, p in ns or []
        ]
        if len(notes_w) < 2:
            stats["windows_too_few_notes"] += 1
            continue
        shift = fit_range(notes_w)
        if shift is None:
            stats["windows_range_too_wide"] += 1
            continue
        out.append(notes_to_tokens([(s, ln, p + shift) for s, ln, p in notes_w]))
    return out, stats


def _is_validation(tune_id: str) -> bool:
    return hashlib.sha1(tune_id.encode()).digest()[0] % 10 == 0


def _tunes() -> Any:
    """Yield ``(tune_id, collection, label, meter_steps or None, loader)`` for every tune."""
    from music21 import converter, corpus

    for coll in ABC_COLLECTIONS:
        for path in sorted(corpus.getComposer(coll)):
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            for tune in _split_abc(text):
                tid = f"{coll}/{Path(path).name}#{_field(tune, 'X')}:{_field(tune, 'T')}"
                lab = label_of(_field(tune, "R"), _field(tune, "T"))
                steps = _meter_steps(_field(tune, "M"))
                yield tid, coll, lab, steps, (lambda t=tune: converter.parse(t, format="abc"))
    for name in corpus.chorales.Iterator(numberingSystem="riemenschneider", returnType="filename"):
        yield f"bach/{name}", "bach", "chorale", -1, (lambda n=name: corpus.parse(n))


def build_cache(out: Path, limit: int | None = None) -> dict[str, Any]:
    """Parse every tune, write ``out`` (npz) and return the stats."""
    from rich.progress import track

    tokens: list[np.ndarray] = []
    labels: list[int] = []
    tune_ix: list[int] = []
    valid: list[bool] = []
    tune_ids: list[str] = []
    stats: Counter[str] = Counter()
    t0 = time.time()
    for n, (tid, coll, lab, steps, load) in enumerate(track(_tunes(), description="tunes")):
        if limit is not None and n >= limit:
            break
        stats[f"tunes.{coll}"] += 1
        if steps is None:
            stats["tunes_skipped_meter"] += 1
            continue
        try:
            score = load()
        except Exception:  # music21 raises many types on malformed ABC
            stats["tunes_parse_error"] += 1
            continue
        parts = list(getattr(score, "parts", [])) or [score]
        part = parts[0]
        if steps == -1:  # chorale: read the meter from the score
            ts = next(iter(part.recurse().getElementsByClass("TimeSignature")), None)
            steps = _DUPLE.get(ts.ratioString) if ts is not None else None
            if steps is None:
                stats["tunes_skipped_meter"] += 1
                continue
        wins, st = _windows_of_part(part, steps)
        stats.update(st)
        if not wins:
            stats["tunes_without_windows"] += 1
            continue
        stats["tunes_used"] += 1
        tune_ids.append(tid)
        for w in wins:
            tokens.append(w)
            labels.append(LABELS.index(lab))
            tune_ix.append(len(tune_ids) - 1)
            valid.append(_is_validation(tid))
    stats["seconds"] = round(time.time() - t0)
    arr = np.stack(tokens).astype(np.int64)
    va = np.asarray(valid)
    stats["windows_train"] = int((~va).sum())
    stats["windows_validation"] = int(va.sum())
    for i, lab in enumerate(LABELS):
        stats[f"windows_label.{lab}"] = int((np.asarray(labels) == i).sum())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        tokens=arr,
        label=np.asarray(labels, dtype=np.int64),
        tune=np.asarray(tune_ix, dtype=np.int32),
        validation=va,
        tune_ids=np.asarray(tune_ids),
        meta=np.asarray(json.dumps({"version": CACHE_VERSION, "labels": LABELS, "stats": stats})),
    )
    tmp.replace(out)
    return dict(stats)


def load_cache(path: Path) -> dict[str, Any]:
    """The arrays of a cache written by :func:`build_cache` (meta decoded)."""
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    data["meta"] = json.loads(str(data["meta"]))
    if data["meta"]["version"] != CACHE_VERSION:
        raise ValueError(f"{path}: cache version {data['meta']['version']}, rebuild it")
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("training_runs/pattern/melody_windows.npz"))
    ap.add_argument("--limit", type=int, default=None, help="parse only the first N tunes")
    args = ap.parse_args(argv)
    stats = build_cache(args.out, args.limit)
    json.dump(stats, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
