"""Drum kits in LMMS projects: which of the 9 drum classes an instrument plays, and
LMMS's stock sample for each class.

An LMMS drum kit is a set of instrument tracks (usually AudioFileProcessor with one
sample each, or Kicker) whose *notes* say nothing about the drum: every hit sits at the
base key. So the class comes from words, tried in this order:

1. the track name (``"BD 03"``, ``"Snare 05"``, ``"Closed HihHat 03"``);
2. the sample file of an AudioFileProcessor (``drums/hihat_opened02.ogg``);
3. the instrument plugin: ``kicker`` is a kick.

Words (case ignored; digits, ``_``, ``-`` and ``/`` count as spaces), first match wins:

=============  ==============================================================
open hi-hat    "open"/"opened"/"oh"/"ohh" together with a hat word ("hat", "hh")
closed hi-hat  "hat" (hihat, hi-hat, hihhat ...), "hh", "chh", "pedal", "shaker", "tambourine"
crash          "crash", "splash", "china", "cymbal", "cym"
ride           "ride", "bell"
low tom        "tom" with "low", "lo" or "floor"
high tom       "tom" with "high" or "hi"
mid tom        any other "tom"
kick           "kick", "bd", "bassdrum", "bass drum", "kck", "kik"
snare          "snare", "sd", "snr", "clap", "rim", "sidestick", "stick", "clav", "cowbell"
=============  ==============================================================

A track matching none (a bass in the Beat+Bassline editor, "E-Piano") is not a drum.
Shared by the groove and pattern features (moved here from the groove plugin).
"""

from __future__ import annotations

import re

from ..music import DrumClass
from .tracks import InstrumentTrack

__all__ = [
    "STOCK_SAMPLES",
    "drum_class_for_instrument",
    "drum_class_for_words",
    "instrument_drum_class",
    "instrument_sample",
]

#: An LMMS stock sample (under LMMS's ``samples/`` folder) for each drum class.
STOCK_SAMPLES: dict[DrumClass, str] = {
    DrumClass.KICK: "drums/bassdrum01.ogg",
    DrumClass.SNARE: "drums/snare01.ogg",
    DrumClass.CLOSED_HIHAT: "drums/hihat_closed01.ogg",
    DrumClass.OPEN_HIHAT: "drums/hihat_opened01.ogg",
    DrumClass.LOW_TOM: "drums/tom_low01.ogg",
    DrumClass.MID_TOM: "drums/tom_mid01.ogg",
    DrumClass.HIGH_TOM: "drums/tom_hi01.ogg",
    DrumClass.CRASH: "drums/crash01.ogg",
    DrumClass.RIDE: "drums/ride01.ogg",
}

_HAT = r"(hat|\bhh\b|\bchh\b|\bohh?\b)"
_RULES: tuple[tuple[DrumClass, re.Pattern[str]], ...] = tuple(
    (cls, re.compile(rx))
    for cls, rx in (
        (DrumClass.OPEN_HIHAT, rf"(\bopen(ed)?\b.*{_HAT}|{_HAT}.*\bopen(ed)?\b|\bohh?\b)"),
        (DrumClass.CLOSED_HIHAT, rf"({_HAT}|\bpedal\b|\bshaker\b|\btambourine\b|\btamb\b)"),
        (DrumClass.CRASH, r"(crash|splash|china|cymbal|\bcym\b)"),
        (DrumClass.RIDE, r"(\bride\b|\bbell\b)"),
        (DrumClass.LOW_TOM, r"(\b(low|lo|floor)\b.*tom|tom.*\b(low|lo|floor)\b)"),
        (DrumClass.HIGH_TOM, r"(\b(high|hi)\b.*tom|tom.*\b(high|hi)\b)"),
        (DrumClass.MID_TOM, r"tom"),
        (DrumClass.KICK, r"(kick|\bbd\b|bassdrum|bass drum|\bkck\b|\bkik\b)"),
        (
            DrumClass.SNARE,
            r"(snare|\bsd\b|\bsnr\b|clap|\brim\b|rimshot|sidestick|\bstick\b|\bclav\b|cowbell)",
        ),
    )
)
_SEPARATORS = re.compile(r"[\d_\-/\\.]+")


def _normalize(text: str) -> str:
    """Lower case with digits and separators turned into spaces (``hihat_opened02`` ->
    ``hihat opened``); a file suffix such as ``.ogg`` is dropped first."""
    text = re.sub(r"\.(ogg|wav|flac|mp3|aiff?|ds|sf2)$", "", text.strip().lower())
    return " ".join(_SEPARATORS.sub(" ", text).split())


def drum_class_for_words(text: str) -> DrumClass | None:
    """The drum class a name or sample path suggests, or None."""
    words = _normalize(text)
    for cls, rx in _RULES:
        if rx.search(words):
            return cls
    return None


def drum_class_for_instrument(name: str, sample: str = "", plugin: str = "") -> DrumClass | None:
    """The class of an LMMS instrument track: by name, then sample file, then plugin."""
    for text in (name, sample):
        if text:
            cls = drum_class_for_words(text)
            if cls is not None:
                return cls
    return DrumClass.KICK if plugin.lower() == "kicker" else None


def instrument_sample(track: InstrumentTrack) -> str:
    """The sample file of an AudioFileProcessor track ('' for other instruments)."""
    el = track.element.find("instrumenttrack/instrument/audiofileprocessor")
    return el.get("src", "") if el is not None else ""


def instrument_drum_class(track: InstrumentTrack) -> DrumClass | None:
    """The drum class of an LMMS instrument track (name, sample, plugin), or None."""
    return drum_class_for_instrument(track.name, instrument_sample(track), track.instrument)
