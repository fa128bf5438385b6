"""Loudness analysis speed: this project's meter vs pyloudnorm and pyebur128.

    python benchmarks/loudness.py [--runs N] [--backend NAME] [--no-readme]

One signal: 3 minutes of stereo 48 kHz "music" synthesized from a fixed seed (noise
shaped by a slowly varying loudness envelope, tones, and sparse transients), float64.
Timed (CPU time of this process, best and median of N runs, after one warm-up run):

* integrated loudness alone (K-weighting + gating) and the full per-channel analysis
  (integrated, loudness range, max momentary and short-term, true peak, sample peak,
  RMS) of ``lmms_magenta_gain``, with the CPU backend's DSP kernels, with the kernel's
  reference kernels, and - with ``--backend NAME`` - with that backend's kernels
  through ``lmms_magenta.dsp.select_dsp``;
* pyloudnorm's ``integrated_loudness`` (pure numpy/scipy);
* pyebur128 (libebur128, C): integrated only, and integrated + LRA + true peak.

Goals (exit 1 when missed): integrated loudness >= 300x realtime, full analysis
>= 100x realtime; and at least 2x pyloudnorm's speed (reported, a goal not a gate).
The figures each tool gives are printed beside the times, so agreement is visible.
Results go to benchmarks/README.md under "## loudness" (that section only).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from common import README, machine, table, timed, write_readme_section

SECTION = "## loudness"
RATE = 48000
SECONDS = 180.0
GOAL_INTEGRATED, GOAL_FULL, GOAL_VS_PYLOUDNORM = 300.0, 100.0, 2.0


def music(seconds: float = SECONDS, rate: int = RATE, seed: int = 7) -> np.ndarray:
    """A deterministic stand-in for a mix: ``float64 [2, n]``, peaks near 0 dBFS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    bars = np.repeat(rng.uniform(0.05, 1.0, int(seconds / 2) + 1), 2 * rate)[:n]
    envelope = np.convolve(bars, np.ones(rate // 10) / (rate // 10), mode="same")
    noise = rng.standard_normal((2, n))
    noise[1] = 0.7 * noise[0] + 0.3 * noise[1]  # correlated channels, like a mix
    tones = 0.3 * np.sin(2 * np.pi * 110 * t) + 0.1 * np.sin(2 * np.pi * 1760 * t)
    x = 0.15 * noise * envelope + tones * envelope
    hits = rng.integers(0, n - 100, 300)
    for h in hits:  # drum-like transients
        x[:, h : h + 100] += 0.5 * np.exp(-np.arange(100) / 20.0) * rng.choice([-1, 1])
    return x / np.abs(x).max() * 0.97


def candidates(x: np.ndarray, backend: str | None) -> dict[str, tuple[str, Callable[[], Any]]]:
    """name -> (kind, call); kind is "integrated" or "full"."""
    from lmms_magenta_backend_cpu.dsp import NumpyDsp
    from lmms_magenta_gain.measure import LoudnessMeter

    from lmms_magenta.dsp import ReferenceDsp

    cpu = LoudnessMeter(RATE, kernels=NumpyDsp())
    ref = LoudnessMeter(RATE, kernels=ReferenceDsp())
    out: dict[str, tuple[str, Callable[[], Any]]] = {
        "lmms-magenta (cpu kernels)": ("integrated", lambda: cpu.integrated(x)),
        "lmms-magenta (reference kernels)": ("integrated", lambda: ref.integrated(x)),
    }
    full = {
        "lmms-magenta (cpu kernels)": ("full", lambda: cpu.measure(x).integrated),
        "lmms-magenta (reference kernels)": ("full", lambda: ref.measure(x).integrated),
    }
    if backend:
        from lmms_magenta.config import Config
        from lmms_magenta.dsp import select_dsp
        from lmms_magenta.hardware import select_hardware
        from lmms_magenta.kernel import Kernel

        kernel = Kernel(Config.load())
        choice = select_dsp(kernel, select_hardware(kernel, backend))
        print(f"--backend {backend}: {choice.reason}")
        other = LoudnessMeter(RATE, kernels=choice.kernels)
        name = f"lmms-magenta ({choice.kernels.name} kernels)"
        out[name] = ("integrated", lambda: other.integrated(x))
        full[name] = ("full", lambda: other.measure(x).integrated)
    try:
        import pyloudnorm

        meter = pyloudnorm.Meter(RATE)
        frames = np.ascontiguousarray(x.T)
        out["pyloudnorm"] = ("integrated", lambda: meter.integrated_loudness(frames))
    except ImportError:
        print("pyloudnorm is not installed (pip install pyloudnorm): skipped")
    try:
        import pyebur128 as eb

        interleaved = np.ascontiguousarray(x.T).reshape(-1)

        def ebur(mode: Any) -> float:
            state = eb.R128State(2, RATE, mode)
            state.add_frames(interleaved, x.shape[1])
            return float(eb.get_loudness_global(state))

        modes = eb.MeasurementMode
        out["pyebur128 (libebur128, C)"] = ("integrated", lambda: ebur(modes.MODE_I))
        full_mode = modes.MODE_I | modes.MODE_LRA | modes.MODE_TRUE_PEAK | modes.MODE_M
        full["pyebur128 (libebur128, C)"] = ("full", lambda: ebur(full_mode | modes.MODE_S))
    except ImportError:
        print("pyebur128 is not installed (pip install pyebur128): skipped")
    return {**{f"{k}|i": v for k, v in out.items()}, **{f"{k}|f": v for k, v in full.items()}}


def run(runs: int, backend: str | None) -> list[dict[str, Any]]:
    x = music()
    rows = []
    for key, (kind, call) in candidates(x, backend).items():
        times, value = timed(call, runs, clock=time.process_time)
        best, median = min(times), statistics.median(times)
        rows.append(
            {
                "tool": key.rsplit("|", 1)[0],
                "kind": kind,
                "best": best,
                "median": median,
                "realtime": SECONDS / median,
                "value": value,
            }
        )
        print(f"{key:45s} {median * 1000:8.1f} ms  {SECONDS / median:7.0f}x  I={value}")
    return rows


def report(rows: list[dict[str, Any]], runs: int) -> tuple[str, bool]:
    """The README section, and whether the gates passed."""
    ours = {(r["tool"], r["kind"]): r for r in rows}
    cpu_i = ours[("lmms-magenta (cpu kernels)", "integrated")]
    cpu_f = ours[("lmms-magenta (cpu kernels)", "full")]
    pyln = ours.get(("pyloudnorm", "integrated"))
    passed = cpu_i["realtime"] >= GOAL_INTEGRATED and cpu_f["realtime"] >= GOAL_FULL
    lines = [
        f"{SECTION}: loudness analysis of a 3-minute stereo 48 kHz signal (`loudness.py`)",
        "",
        "`python benchmarks/loudness.py [--runs N] [--backend NAME]` measures a synthesized,",
        "deterministic 3-minute stereo 48 kHz float64 signal (noise under a loudness",
        "envelope, tones, transients). CPU time of the process, median of "
        f'{runs} runs after a warm-up; x realtime = 180 s / median. "full" = integrated,',
        "LRA, max momentary and short-term, true peak (4x), sample peak and RMS. "
        f"**Goals: integrated >= {GOAL_INTEGRATED:.0f}x, full >= {GOAL_FULL:.0f}x realtime "
        f"(gates); >= {GOAL_VS_PYLOUDNORM:.0f}x pyloudnorm.**",
        "",
        f"Run {datetime.date.today()} (a machine shared with other jobs): {machine()}, "
        f"numpy {np.__version__}.",
        "",
        table(
            ["tool", "measures", "median:", "best:", "x realtime:", "integrated (LUFS):"],
            [
                (
                    r["tool"],
                    r["kind"],
                    f"{r['median'] * 1000:.0f} ms",
                    f"{r['best'] * 1000:.0f} ms",
                    f"{r['realtime']:.0f}x",
                    f"{r['value']:.4f}",
                )
                for r in rows
            ],
        ),
        "",
    ]
    verdict = "met" if passed else "**missed**"
    lines.append(
        f"Gates {verdict}: integrated {cpu_i['realtime']:.0f}x, full {cpu_f['realtime']:.0f}x."
    )
    if pyln is not None:
        ratio = cpu_i["realtime"] / pyln["realtime"]
        lines.append(
            f"Integrated loudness is {ratio:.1f}x pyloudnorm's speed "
            f"(goal {GOAL_VS_PYLOUDNORM:.0f}x); pyloudnorm reads "
            f"{pyln['value'] - cpu_i['value']:+.3f} LU against this meter (its default "
            "filter only approximates BS.1770 K-weighting and it keeps a partial last block)."
        )
    eb = ours.get(("pyebur128 (libebur128, C)", "integrated"))
    if eb is not None:
        lines.append(
            f"libebur128 agrees to {abs(eb['value'] - cpu_i['value']):.1e} LU "
            "(same filters and gating at 48 kHz)."
        )
    lines += [
        "",
        "Why it is fast: K-weighting streams through `scipy.signal.sosfilt` in chunks with",
        "the filter state carried and squares summed per 10 ms segment (no full-length",
        "filtered copy); every block figure comes from those segment sums; the true peak",
        "skips every chunk whose bound (sum of |taps| x largest input) cannot beat the",
        "peak found so far, and computes the rest as one small BLAS product per chunk.",
    ]
    return "\n".join(lines) + "\n", passed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--backend", help="also time this backend's DSP kernels")
    parser.add_argument("--no-readme", action="store_true", help="only print the results")
    args = parser.parse_args()
    rows = run(args.runs, args.backend)
    section, passed = report(rows, args.runs)
    print(section)
    if not args.no_readme:
        write_readme_section(SECTION, section)
        print(f"written to {README}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
