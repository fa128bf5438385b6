"""The model card (MODEL_CARD.md) of the groove model, written from the release facts."""

from __future__ import annotations

from typing import Any

__all__ = ["card_text"]


def _history(history: list[dict[str, Any]]) -> str:
    rows = [
        "| epoch | timing MAE (ms) | velocity MAE | drumify BCE / window |",
        "|---:|---:|---:|---:|",
    ]
    for h in history:
        rows.append(
            f"| {h['epoch']} | {h['timing_mae_ms']:.2f} | {h['velocity_mae']:.2f} "
            f"| {h['drumify_bce_per_window']:.1f} |"
        )
    return "\n".join(rows)


def card_text(f: dict[str, Any]) -> str:
    """Markdown for the card; ``f`` holds the facts gathered by the release script."""
    cfg = f["config"]
    d = f["drumify"]
    a = f["args"]
    feedback = (
        "the hits of the previous step"
        if cfg.get("feedback", "all") == "hits"
        else "the previous step's output (hits, velocities, offsets)"
    )
    error = "absolute error" if a.get("loss", "mse") == "l1" else "squared error"
    return f"""# groove-vae-2bar — model card

A GrooVAE-style recurrent VAE that plays a drum pattern like a drummer would. Two tasks,
one network:

* **humanize**: given a quantized 2-bar pattern (which drums play on which 16th note),
  it predicts a velocity and a timing offset for every hit. Hits are never added or
  removed.
* **drumify** (tap to drums): given one voice of taps (when, how hard, how early/late),
  it decides which of the 9 drums play and with what velocity and timing.

Optional **style** conditioning: one of the dataset's primary styles (funk, jazz, rock,
latin ...; index 0 = "any").

## Data and credit

Trained on the **Groove MIDI Dataset** by Jon Gillick, Adam Roberts, Jesse Engel,
Mohammad Norouzi and David Bamman (Magenta, Google), from "Learning to Groove with
Inverse Sequence Transformations", ICML 2019 —
<https://magenta.tensorflow.org/datasets/groove> — licensed under **Creative Commons
Attribution 4.0 International (CC BY 4.0)**. The model weights are a derivative work
and are released under CC BY 4.0 with this attribution. The official *test* split was
not used for anything.

* Train split: {f["train_stats"]["used_performances"]} of {f["train_stats"]["performances"]}
  performances in 4/4 (skipped meters: {f["train_stats"]["skipped_meters"]}),
  {f["train_windows"]} 2-bar windows with a 1-bar hop ({f["train_stats"]["empty_windows"]}
  empty windows skipped; {f["train_stats"]["dropped_notes"]} notes merged away because the
  same drum class was hit twice on one 16th, keeping the loudest).
* Validation split: {f["val_stats"]["used_performances"]} of {f["val_stats"]["performances"]}
  performances (skipped meters: {f["val_stats"]["skipped_meters"]}), {f["val_windows"]}
  non-overlapping 2-bar windows.

## Representation

32 steps (2 bars of 16th notes in 4/4) x 9 drum classes (kick, snare, closed hi-hat,
open hi-hat, low/mid/high tom, crash, ride; Magenta's Roland mapping). Per cell: hit
(0/1), velocity (MIDI velocity / 127), offset from the step in steps (-0.5..0.5). A
note belongs to its nearest step, so a hit played just before a bar line belongs to the
next bar.

## Architecture

* Encoder: bidirectional GRU ({cfg["enc_hidden"]} units each way) over the 12-value input
  per step (9 quantized hits for humanize, or 3 tap values for drumify); mean and
  log-variance of a {cfg["z_dim"]}-dim latent z from its final states.
* Decoder: {cfg["dec_layers"]}-layer GRU ({cfg["dec_hidden"]} units), initialised from
  z and a {cfg["style_dim"]}-dim learned style embedding; at each step it sees {feedback},
  the encoder's state at that step, the hits it must keep (humanize), z, the style and
  the task flag; it outputs hit logits, velocities (sigmoid) and offsets (0.5·tanh).
* The free-running decoder is unrolled over the 32 steps inside the ONNX graph (opset
  17): one call processes a batch of windows. Randomness is an input (`z_noise`,
  `hit_noise`), so the graph is deterministic; zeros / 0.5 give the most likely groove.
  A hit is drawn as `ceil(clip(p - u, 0, 1))` rather than `p > u` (the same 0/1),
  because that uses only operators every backend has, ncnn (Vulkan) included.
* {f["params"]:,} parameters, {f["onnx_mb"]:.2f} MB fp32. ONNX and torch agree within
  {f["max_onnx_torch_diff"]:.1e} on validation windows.

Why one model for both tasks: the two tasks share what matters (how drummers place and
accent each drum in each style), every window trains both, and we ship, verify and load
one file. The task flag `keep_hits` selects the task.

## Training

torch 2.13.0 on one CPU thread; Adam, learning rate {a["lr"]} decaying
exponentially to {a["lr_final"]} over {a["epochs"]} epochs, batch {a["batch_size"]},
seed {a["seed"]}; about a minute per epoch. Loss per window: hit cross-entropy
(drumify windows only) + {error} of velocity and offset on the drummer's hits
+ {a["beta"]} x KL (free bits {a["free_bits"]}). Each window is used for humanize
with probability {a["humanize_share"]} (else drumify); the style is hidden ("any")
with probability {a["style_dropout"]}. The checkpoint with the best validation
humanize score (velocity MAE/127 + offset MAE in steps) is released: epoch
{f["epochs"]} of {a["epochs"]}. The validation split thus also chose the epoch (the
dataset's test split is held out), so the figures below are slightly optimistic; the
curve is flat over the last epochs. History up to the released epoch:

{_history(f["history"])}

## Evaluation (validation split, humanize)

Every true hit of the {f["val_windows"]} validation windows; the methods keep the
drummer's hits and predict velocity and timing. The model runs deterministically
(z = posterior mean). Baselines: *straight* = offset 0 and the train split's mean
velocity; *groove template* = mean offset and velocity per style x drum class x 16th of
the bar from the train split; *random jitter* = uniform ±10 ms and ±10 velocity around
straight, as a DAW's humanize does. Sign agreement = fraction of notes pushed the same
way (early / late / on the grid) as the drummer played them.

{f["table"]}

Drumify (tap -> drums, validation, deterministic): hit precision {d["hit_precision"]:.3f},
recall {d["hit_recall"]:.3f}, F1 {d["hit_f1"]:.3f}; on correctly placed hits timing MAE
{d["timing_mae_ms_on_correct_hits"]:.2f} ms, velocity MAE {d["velocity_mae_on_correct_hits"]:.2f}.

## Speed

Humanizing 60 windows (a ~4-minute, 120-bar track) in one onnxruntime call on one CPU
thread: {f["ms_60_windows"]:.0f} ms (best of 15 runs, shared machine).

## Limits

4/4 only, 16th-note grid (triplet feels are learned as offsets of up to half a step);
one hit per drum class per 16th (flams and fast rolls are thinned); 9 drum classes
(the caller maps the pattern's instruments to them and back); the Groove MIDI Dataset
is 10 drummers on one electronic kit, mostly rock, funk, jazz and latin. Sampling z
(`z_noise` ~ N(0, 1)) varies the result only subtly (about 2 velocity units and 1-2 ms
per hit): as in GrooVAE the encoder sees the quantized pattern, not a performance.

## Reproduce

From the repository root, with `pip install -e 'plugins_builtin/groove[train]'`:

```
{f["train_command"]}
{f["release_command"]}
```

Training resumes from the last finished epoch with `--resume`.
"""
