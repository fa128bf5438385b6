"""Is style control real? A classifier trained on real patterns judges generated ones.

    python -m lmms_magenta_pattern.evaluation.style_check \
        --drums training_runs/pattern/drum_windows.npz \
        --melody training_runs/pattern/melody_windows.npz

1. A softmax classifier (:mod:`.classifier`) learns the style of each 2-bar window of
   the training split from rhythm features (:mod:`.pattern_features`); its balanced
   accuracy on the validation split shows how separable the styles are at all.
2. For every style, the feature's own generator (the shipped ONNX models, the same
   code path as ``generate drums --style S``, 2 bars, the feature's default
   temperature) makes ``--per-style`` patterns; the classifier labels them. The share
   labelled as the requested style, averaged over styles, is compared with chance
   (1 / number of styles) and with the real validation windows.
3. ``--spreads`` repeats step 2 for other settings of
   :data:`lmms_magenta_pattern.latent.STYLE_SPREAD` (how widely a style is sampled).

Prints a JSON report and the markdown table for docs/pattern.md. Runs on one core in
a few minutes; needs numpy and onnxruntime only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import latent
from ..features import DRUM_PARAMS, MELODY_PARAMS
from ..generate import Generator
from ..inference import PatternModel
from ..melody_codec import notes_to_tokens
from ..plugin import MODELS_DIR
from ..sampling import load_latent_info
from .classifier import SoftmaxClassifier, balanced_accuracy
from .pattern_features import drum_features, melody_features

__all__ = ["evaluate_kind", "main"]


class _OrtSession:
    """The kernel's Session protocol over a plain onnxruntime session (one thread)."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        self._s = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def run(self, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [o.name for o in self._s.get_outputs()]
        return dict(zip(names, self._s.run(None, dict(feeds)), strict=True))


def load_model(kind: str, models: Path) -> PatternModel:
    """The shipped models of ``kind`` opened directly (no kernel, no repository)."""
    enc, dec = models / f"{kind}-vae-2bar-encoder", models / f"{kind}-vae-2bar-decoder"
    extra = json.loads((dec / "model.json").read_text(encoding="utf-8"))["extra"]
    info = load_latent_info(dec / "latents.npz")
    return PatternModel(
        kind,
        _OrtSession(enc / "model.onnx"),  # type: ignore[arg-type]
        _OrtSession(dec / "model.onnx"),  # type: ignore[arg-type]
        info,
        int(extra["config"]["z_dim"]),
    )


def _windows(kind: str, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Targets ``[n, 32]`` (drum classes or melody tokens), labels, validation mask, names."""
    from ..drum_codec import hits_to_classes

    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        seq = hits_to_classes(z["hits"]) if kind == "drums" else z["tokens"].astype(np.int64)
        return seq, z["label"].astype(np.int64), z["validation"].astype(bool), meta["labels"]


def _features(kind: str, seq: np.ndarray) -> np.ndarray:
    return drum_features(seq) if kind == "drums" else melody_features(seq)


def _generated(kind: str, model: PatternModel, style: str, n: int, seed: int) -> np.ndarray:
    """``n`` 2-bar patterns of ``style`` as the feature makes them, as ``[n, 32]``."""
    params = (DRUM_PARAMS if kind == "drums" else MELODY_PARAMS).defaults()
    params.update(bars=2, style=style)
    gen = Generator(model, params)
    seqs = gen.decode(n, np.random.default_rng(seed))[:, 0]
    if kind == "drums":
        return seqs
    out = []
    for seq in seqs:
        clip = gen.clip(seq[None], "x")
        step = clip.ppq // 4
        notes = [(n.start // step, n.length // step, n.pitch) for n in clip.notes]
        out.append(notes_to_tokens(notes))
    return np.stack(out)


def evaluate_kind(
    kind: str, data: Path, models: Path, per_style: int, spreads: list[float]
) -> dict[str, Any]:
    """Train on ``data``'s training split, judge validation and generated patterns."""
    model = load_model(kind, models)
    styles = model.latents.styles
    seq, label, valid, names = _windows(kind, data)
    keep = np.isin(np.array(names)[label], styles)
    y = np.array([styles.index(names[i]) for i in label[keep]])
    x = _features(kind, seq[keep])
    tr, va = ~valid[keep], valid[keep]
    clf = SoftmaxClassifier.fit(x[tr], y[tr], len(styles))
    report: dict[str, Any] = {
        "styles": styles,
        "chance": 1 / len(styles),
        "train_windows": int(tr.sum()),
        "validation_balanced_accuracy": balanced_accuracy(y[va], clf.predict(x[va]), len(styles)),
        "generated": {},
    }
    original = latent.STYLE_SPREAD
    try:
        for spread in spreads:
            latent.STYLE_SPREAD = spread
            recalls = {}
            for i, style in enumerate(styles):
                pred = clf.predict(_features(kind, _generated(kind, model, style, per_style, i)))
                recalls[style] = float((pred == i).mean())
            report["generated"][str(spread)] = {
                "per_style": recalls,
                "mean": float(np.mean(list(recalls.values()))),
            }
    finally:
        latent.STYLE_SPREAD = original
    return report


def markdown(kind: str, rep: dict[str, Any], spread: float) -> str:
    """The per-style table for docs/pattern.md."""
    gen = rep["generated"][str(spread)]
    lines = [
        f"| {kind} style | share of generated patterns the classifier calls that style |",
        "|---|---|",
    ]
    lines += [f"| {s} | {v:.2f} |" for s, v in gen["per_style"].items()]
    lines.append(
        f"| **mean** | **{gen['mean']:.2f}** (chance {rep['chance']:.2f}; real validation "
        f"windows {rep['validation_balanced_accuracy']:.2f}) |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Measure style control with a style classifier.")
    ap.add_argument("--drums", type=Path, help="drum_windows.npz (training data cache)")
    ap.add_argument("--melody", type=Path, help="melody_windows.npz (training data cache)")
    ap.add_argument("--models", type=Path, default=MODELS_DIR)
    ap.add_argument("--per-style", type=int, default=64)
    ap.add_argument("--spreads", type=float, nargs="*", default=[latent.STYLE_SPREAD])
    args = ap.parse_args(argv)
    out: dict[str, Any] = {}
    for kind, data in (("drums", args.drums), ("melody", args.melody)):
        if data is not None:
            out[kind] = evaluate_kind(kind, data, args.models, args.per_style, args.spreads)
    print(json.dumps(out, indent=1))
    for kind, rep in out.items():
        for spread in args.spreads:
            print(f"\n{kind}, style spread {spread}:\n{markdown(kind, rep, spread)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
