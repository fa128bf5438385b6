"""Task contracts, training-data credits and the model card text of the pattern VAEs."""

from __future__ import annotations

from typing import Any

__all__ = ["contracts", "model_card", "training_data"]

_GMD = {
    "name": "Groove MIDI Dataset",
    "license": "CC-BY-4.0",
    "url": "https://magenta.tensorflow.org/datasets/groove",
    "notes": "by Jon Gillick, Adam Roberts, Jesse Engel, Mohammad Norouzi and David Bamman "
    "(Magenta; 'Learning to Groove with Inverse Sequence Transformations', ICML 2019). "
    "Quantized 4/4 bars of the train split; metrics on the validation split.",
}
_M21 = [
    (
        "O'Neill's Music of Ireland (1850 collection), music21 corpus 'oneills1850'",
        "ABC transcriptions by Norbert Paap",
    ),
    ("Ryan's Mammoth Collection (1883), music21 corpus 'ryansMammoth'", ""),
    (
        "Aird's Selection of Scotch, English, Irish and Foreign Airs, music21 corpus 'airdsAirs'",
        "",
    ),
    ("J. S. Bach, 371 four-part chorales (soprano part), music21 corpus 'bach'", ""),
]


def training_data(kind: str) -> list[dict[str, str]]:
    """The manifest's ``training_data`` entries."""
    if kind == "drums":
        return [dict(_GMD)]
    return [
        {
            "name": name,
            "license": "LicenseRef-PublicDomain",
            "url": "https://github.com/cuthbertLab/music21/tree/master/music21/corpus",
            "notes": (note + "; " if note else "")
            + "public-domain music bundled with music21; Essen (non-commercial) not used",
        }
        for name, note in _M21
    ]


def _t(dtype: str, shape: list[Any]) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape}


def contracts(kind: str, vocab: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Encoder and decoder contracts, inline in the manifests: they define the tasks,
    which the model repository registers when the pattern plugin is installed."""
    grid = ["batch", 32, 9]
    enc_in = (
        {"hits": _t("float32", grid)} if kind == "drums" else {"tokens": _t("int64", ["batch", 32])}
    )
    lat = {"mu": _t("float32", ["batch", "z_dim"]), "logvar": _t("float32", ["batch", "z_dim"])}
    dec_in = {
        "z": _t("float32", ["batch", "z_dim"]),
        "noise": _t("float32", ["batch", 32, vocab]),
        "temperature": _t("float32", ["batch"]),
    }
    if kind == "drums":
        dec_out = {
            "classes": _t("int64", ["batch", 32]),
            "hits": _t("float32", grid),
            "logits": _t("float32", ["batch", 32, vocab]),
        }
    else:
        dec_out = {
            "tokens": _t("int64", ["batch", 32]),
            "logits": _t("float32", ["batch", 32, vocab]),
        }
    return {"inputs": enc_in, "outputs": lat}, {"inputs": dec_in, "outputs": dec_out}


def _data_section(f: dict[str, Any]) -> str:
    st = f["data_stats"]
    if f["kind"] == "drums":
        return (
            "Groove MIDI Dataset (CC BY 4.0) by Jon Gillick, Adam Roberts, Jesse Engel, Mohammad "
            "Norouzi and David Bamman (Magenta; *Learning to Groove with Inverse Sequence "
            "Transformations*, ICML 2019). 4/4 performances of the train split, quantized to 16th "
            "steps (each note to its nearest step), cut into 2-bar windows every bar; windows "
            "without hits skipped. Validation = the dataset's validation split.\n\n"
            f"Data: {_stats(st)}."
        )
    return (
        "Public-domain tunes from the corpus bundled with music21: O'Neill's Music of Ireland "
        "(1850), Ryan's Mammoth Collection (1883), the Airds Airs, and the soprano lines of the "
        "371 Bach chorales. The Essen folksong collection is *not* used (non-commercial licence). "
        "Only duple meters fit the 16-steps-per-bar grid (4/4, C, 2/2, 2/4 — two 2/4 bars make one "
        "model bar); jigs, slip jigs and 3/4 airs are skipped and counted below. Windows are 32 "
        "16th steps of whole, complete measures (pickup and short repeat bars never start one), "
        "one every bar; onsets are quantized to the nearest 16th; pitches are octave-folded into "
        "MIDI 48-84 and training windows are transposed at random by up to 6 semitones within that "
        "range. Tunes (never windows) go to validation by a hash of their id (about 10%).\n\n"
        f"Data: {_stats(st)}."
    )


def _stats(st: dict[str, Any]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in st.items() if k != "seconds")


def training_minutes(history: list[dict[str, Any]]) -> float:
    """Minutes of training over all sessions: each (re)start counts its ``minutes`` from
    zero, so a session's last value is added whenever the next one starts again lower."""
    total, last = 0.0, 0.0
    for row in history:
        if row["minutes"] < last:
            total += last
        last = row["minutes"]
    return total + last


def _training_notes(args: dict[str, Any]) -> str:
    """What the drum model's training did beyond the plain recipe (from its arguments)."""
    notes = ""
    if args.get("factorized") == "True":
        notes += (
            " The decoder was trained factorized: a combination's input embedding is a linear"
            " map of its 9 hit bits, and its logit the sum of per-drum logits of the bits it"
            " contains plus a learnt per-combination correction, so rare combinations learn"
            " from the common ones; for export this is multiplied out into the plain embedding"
            " table and output layer (the same function)."
        )
    if args.get("drum_augment") == "True":
        notes += (
            " Training windows were re-orchestrated at random (the toms in a random order, the"
            " time on the ride instead of the closed hi-hat and back with probability 0.2,"
            " each hit left out with probability 0.03)."
        )
    return notes


def model_card(f: dict[str, Any], metrics: dict[str, float]) -> str:
    """The MODEL_CARD.md text shared by the encoder and decoder folders."""
    kind, cfg = f["kind"], f["config"]
    what = "drum patterns" if kind == "drums" else "monophonic melodies"
    rep = (
        "each 16th step is one of 512 drum combinations (a bit set of the 9 Magenta classes: kick, "
        "snare, closed hi-hat, open hi-hat, low / mid / high tom, crash, ride), as in MusicVAE"
        if kind == "drums"
        else "each 16th step is a token: 0-127 note-on of that pitch, 128 note-off, 129 no event "
        "(MusicVAE's melody encoding)"
    )
    styles = ", ".join(f"{n} ({c})" for n, c in zip(f["labels"], f["style_counts"], strict=True))
    minutes = training_minutes(f["history"])
    eff = f["effect"]
    rows = [
        ("model, teacher-forced", metrics["validation.teacher_forced_accuracy"]),
        ("model, sampled (greedy, fed its own output)", metrics["validation.sampled_accuracy"]),
        ("baseline: most frequent step overall", metrics["validation.baseline_most_frequent"]),
        (
            "baseline: most frequent step at each position",
            metrics["validation.baseline_most_frequent_per_step"],
        ),
        (
            "baseline: repeat the true previous step",
            metrics["validation.baseline_repeat_previous_step"],
        ),
        (
            "baseline: bar 2 = the true bar 1 (bar 1: most frequent per position)",
            metrics["validation.baseline_repeat_first_bar"],
        ),
    ]
    table = "\n".join(f"| {name} | {value:.4f} |" for name, value in rows)
    enc_in = "a linear map of the 9 hit bits" if kind == "drums" else "a token embedding"
    args = f["train_args"]
    dens_unit = "hits" if kind == "drums" else "note-ons"
    sync_note = "; kick, snare and toms only" if kind == "drums" else ""
    dens = " / ".join(f"{eff[f'density.{t}']:.3f}" for t in ("minus", "zero", "plus"))
    sync = " / ".join(f"{eff[f'syncopation.{t}']:.3f}" for t in ("minus", "zero", "plus"))
    ms = metrics["runtime.decode_8_alternatives_ms"]
    return f"""# {kind}-vae-2bar (encoder + decoder)

A MusicVAE-style variational autoencoder over 2-bar {what} (32 16th-note steps):
{rep}. The encoder maps a pattern to a latent vector `z` ({cfg["z_dim"]} numbers); the
decoder turns any `z` into a pattern. Sampling from the prior needs only the decoder.

## Data and licence

{_data_section(f)}

Style labels kept for style control (training windows per label): {styles}.

## Architecture

MusicVAE's flat 2-bar model, made small for a CPU. Encoder: {enc_in} ({cfg["embed"]})
-> one bidirectional GRU ({cfg["enc_hidden"]} per direction) -> `mu`, `logvar`.
Decoder: `z` -> initial states (tanh) of a {cfg["dec_layers"]}-layer GRU ({cfg["dec_hidden"]});
each step reads the previous step's embedding concatenated with `z`; a linear layer gives
{cfg["vocab"]} logits. Loss: cross-entropy summed over steps + beta * max(KL - free bits, 0),
beta ramped to {args.get("beta")} with {args.get("free_bits")} free nats; Adam; torch on one CPU
thread for {f["epochs"]} epochs ({minutes:.0f} min).{_training_notes(args)} The decoder graph
unrolls all 32 steps and chooses each step as `argmax(logits / temperature + noise)`
(Gumbel-max sampling; the noise is an input, so the graph is deterministic; zero noise =
greedy), written as a one-hot `1 - ceil(clip(max - score, 0, 1))` that then multiplies the
embedding table: the same choice, with operators every backend has (ncnn has no ArgMax).
ONNX opset 17; ONNX vs torch on random inputs: {f["onnx_check"]}.

## Per-step reconstruction accuracy on validation ({f["windows_validation"]} windows)

As in the MusicVAE paper: each validation window is encoded (`z = mu`) and decoded;
*teacher-forced* predicts each step from the true previous steps, *sampled* feeds the
decoder its own previous choices (greedy).

| predictor | accuracy |
|---|---|
{table}

Decoding 8 alternatives (one call, batch 8) takes {ms:.1f} ms warm on one core
(onnxruntime, best of 30 runs).

## Latent attribute vectors (`latents.npz`)

Mean `mu` of the training windows in the top quartile of an attribute minus that of the
bottom quartile (MusicVAE's attribute vectors): `attribute_density` ({dens_unit} per step)
and `attribute_syncopation` (share of onsets on odd 16th steps{sync_note}).
Subtracting / not adding / adding a vector to the `mu` of validation windows moves the
attribute of the greedy decodings (mean): density {dens}; syncopation {sync}.
`style_means` holds the mean `mu` of each style label (`style_names`, `style_counts`) and
`style_scales` the shape of its region (Cholesky factor of the covariance of its `mu`,
shrunk toward the diagonal by z_dim / (windows + z_dim)): new patterns of a style start at
`mean + 0.5 * style_scale @ eps`.

## Retrain

```
{f["retrain"]}
```
"""
