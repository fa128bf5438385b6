"""Evaluate the exported groove model against the three baselines on the validation split.

Humanize metrics, over every true hit of the non-overlapping 2-bar validation windows
(the model and the baselines all keep the drummer's hits and predict velocity and
timing for them):

* timing MAE in milliseconds (offsets converted with each performance's tempo);
* velocity MAE in MIDI units (0-127);
* offset sign agreement: the fraction of notes pushed in the same direction (early,
  late, or exactly on the grid) as the drummer played them.

Drumify (tap -> drums) is reported as hit precision / recall / F1 and the velocity
and timing MAE on the correctly placed hits.

    python -m lmms_magenta_groove.training.evaluate --data ../shared/data/groove \
        --model plugins_builtin/groove/lmms_magenta_groove/models/groove-vae-2bar/model.onnx

numpy + onnxruntime only (no torch), so the tests can use it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..representation import N_CLASSES, STEPS, tap
from .baselines import GrooveTemplate, jitter, straight
from .data import WindowSet, load_split

__all__ = ["OnnxGroove", "compare", "humanize_metrics"]


class OnnxGroove:
    """The exported model run with onnxruntime on the CPU (one thread)."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.z_dim = int(self.session.get_inputs()[4].shape[1])

    def run(
        self,
        hits: np.ndarray,
        tap_in: np.ndarray,
        keep: float,
        style: np.ndarray,
        batch: int = 256,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Deterministic pass (z = posterior mean, hit threshold 0.5) over windows."""
        outs: list[list[np.ndarray]] = [[], [], []]
        for lo in range(0, hits.shape[0], batch):
            sl = slice(lo, lo + batch)
            n = hits[sl].shape[0]
            feeds = {
                "hits": hits[sl].astype(np.float32) * keep,
                "tap": tap_in[sl].astype(np.float32) * (1.0 - keep),
                "keep_hits": np.full((n, 1), keep, np.float32),
                "style": style[sl].astype(np.int64),
                "z_noise": np.zeros((n, self.z_dim), np.float32),
                "hit_noise": np.full((n, STEPS, N_CLASSES), 0.5, np.float32),
            }
            res = self.session.run(["out_hits", "velocities", "offsets"], feeds)
            for acc, r in zip(outs, res, strict=True):
                acc.append(r)
        h, v, o = (np.concatenate(a) for a in outs)
        return h, v, o

    def humanize(self, ws: WindowSet, style: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Velocities and offsets for the windows' own hits."""
        _, v, o = self.run(ws.hits, np.zeros((len(ws), STEPS, 3), np.float32), 1.0, style)
        return v, o


def humanize_metrics(ws: WindowSet, vel: np.ndarray, off: np.ndarray) -> dict[str, float]:
    """Timing MAE (ms), velocity MAE (MIDI units) and sign agreement on true hits."""
    h = ws.hits > 0
    step_ms = np.broadcast_to(ws.step_ms()[:, None, None], ws.hits.shape)
    return {
        "timing_mae_ms": float((np.abs(off - ws.offsets) * step_ms)[h].mean()),
        "velocity_mae": float((np.abs(vel - ws.velocities) * 127.0)[h].mean()),
        "offset_sign_agreement": float((np.sign(off) == np.sign(ws.offsets))[h].mean()),
        "notes": int(h.sum()),
    }


def drumify_metrics(ws: WindowSet, model: OnnxGroove) -> dict[str, float]:
    """Hit precision/recall/F1 of tap -> drums, and MAEs on the correct hits."""
    t = tap(ws.hits, ws.velocities, ws.offsets)
    h, v, o = model.run(np.zeros_like(ws.hits), t, 0.0, np.zeros(len(ws), np.int64))
    pred, true = h > 0.5, ws.hits > 0
    tp = float((pred & true).sum())
    prec, rec = tp / max(1.0, float(pred.sum())), tp / max(1.0, float(true.sum()))
    both = pred & true
    step_ms = np.broadcast_to(ws.step_ms()[:, None, None], ws.hits.shape)
    return {
        "hit_precision": prec,
        "hit_recall": rec,
        "hit_f1": 2 * prec * rec / max(1e-9, prec + rec),
        "timing_mae_ms_on_correct_hits": float((np.abs(o - ws.offsets) * step_ms)[both].mean()),
        "velocity_mae_on_correct_hits": float((np.abs(v - ws.velocities) * 127.0)[both].mean()),
    }


def compare(
    val: WindowSet, template: GrooveTemplate, model: OnnxGroove | None, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Humanize metrics of the baselines (and the model, with each window's style)."""
    out = {
        "straight (zero offset, mean velocity)": humanize_metrics(
            val, *straight(val.hits, template.mean_velocity)
        ),
        "groove template (style x class x step)": humanize_metrics(
            val, *template.predict(val.hits, val.style)
        ),
        "random jitter (±10 ms, ±10 velocity)": humanize_metrics(
            val,
            *jitter(val.hits, val.step_ms(), template.mean_velocity, np.random.default_rng(seed)),
        ),
    }
    if model is not None:
        out["groove-vae-2bar (style given)"] = humanize_metrics(
            val, *model.humanize(val, val.style)
        )
        out["groove-vae-2bar (style 'any')"] = humanize_metrics(
            val, *model.humanize(val, np.zeros_like(val.style))
        )
    return out


def markdown_table(results: dict[str, dict[str, float]]) -> str:
    """The comparison as a Markdown table (for the model card and docs)."""
    lines = [
        "| method | timing MAE (ms) | velocity MAE (MIDI) | offset sign agreement |",
        "|---|---:|---:|---:|",
    ]
    for name, m in results.items():
        lines.append(
            f"| {name} | {m['timing_mae_ms']:.2f} | {m['velocity_mae']:.2f} "
            f"| {m['offset_sign_agreement']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Evaluate; see the module docstring."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--model", type=Path, default=None, help="model.onnx (omit: baselines only)")
    p.add_argument("--cache", type=Path, default=Path("training_runs/groove/cache"))
    p.add_argument("--template-out", type=Path, default=None, help="also save the template")
    p.add_argument("--json", type=Path, default=None, help="write the metrics here")
    args = p.parse_args(argv)
    train = load_split(args.data, "train", args.cache, hop_bars=1)
    val = load_split(args.data, "validation", args.cache, hop_bars=2)
    template = GrooveTemplate.fit(train.hits, train.velocities, train.offsets, train.style)
    if args.template_out:
        template.save(args.template_out)
    model = OnnxGroove(args.model) if args.model else None
    results: dict[str, Any] = {"humanize": compare(val, template, model)}
    if model is not None:
        results["drumify"] = drumify_metrics(val, model)
    results["validation"] = {"windows": len(val), **val.stats}
    print(markdown_table(results["humanize"]))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
