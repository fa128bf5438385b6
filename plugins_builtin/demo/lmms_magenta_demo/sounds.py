"""The demo's sounds: an acoustic drum kit from LMMS's own samples and two synth patches.

Only stock LMMS material is used, so the project opens and renders on any LMMS 1.2
installation: each drum voice is an AudioFileProcessor playing one of the samples in
LMMS's ``samples/drums`` folder, named so that the groove feature (and a person)
recognises the drum; bass and lead are TripleOscillator patches.

TripleOscillator settings are the attributes LMMS itself saves (``vol0``, ``wavetype0``,
``coarse0`` ... per oscillator, ``modalgo1``/``modalgo2`` between them); wave types are
LMMS's numbers: 0 sine, 1 triangle, 2 saw, 3 square, 4 "Moog" saw, 5 exponential.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from lmms_magenta.music import DrumClass

__all__ = ["BASS", "KIT", "LEAD", "DrumVoice", "Synth"]


@dataclass(frozen=True)
class DrumVoice:
    """One instrument of the Beat+Bassline editor: its name, sample and place in the mix."""

    name: str
    sample: str
    volume: float = 100.0
    pan: float = 0.0


#: The kit, one voice per drum class the pattern model plays (panned as a drummer sees it).
KIT: MappingProxyType[DrumClass, DrumVoice] = MappingProxyType(
    {
        DrumClass.KICK: DrumVoice("Kick", "drums/bassdrum_acoustic01.ogg", 110.0),
        DrumClass.SNARE: DrumVoice("Snare", "drums/snare_acoustic01.ogg", 95.0),
        DrumClass.CLOSED_HIHAT: DrumVoice("Closed hi-hat", "drums/hihat_closed02.ogg", 60.0, 25.0),
        DrumClass.OPEN_HIHAT: DrumVoice("Open hi-hat", "drums/hihat_opened02.ogg", 55.0, 25.0),
        DrumClass.LOW_TOM: DrumVoice("Low tom", "drums/tom_low01.ogg", 85.0, -30.0),
        DrumClass.MID_TOM: DrumVoice("Mid tom", "drums/tom_mid01.ogg", 85.0, -10.0),
        DrumClass.HIGH_TOM: DrumVoice("High tom", "drums/tom_hi01.ogg", 85.0, 10.0),
        DrumClass.CRASH: DrumVoice("Crash", "drums/crash01.ogg", 55.0, -35.0),
        DrumClass.RIDE: DrumVoice("Ride", "drums/ride01.ogg", 55.0, 35.0),
    }
)


@dataclass(frozen=True)
class Synth:
    """A TripleOscillator patch for an instrument track."""

    name: str
    settings: MappingProxyType[str, str]
    volume: float = 100.0
    pan: float = 0.0


def _oscillators(*oscs: tuple[float, int, int, int]) -> MappingProxyType[str, str]:
    """Settings from (volume, wave type, coarse semitones, fine-left cents) per oscillator;
    the oscillators are mixed (``modalgo`` 2), not modulating each other."""
    out = {"modalgo1": "2", "modalgo2": "2"}
    for i, (vol, wave, coarse, fine) in enumerate(oscs):
        out |= {
            f"vol{i}": f"{vol:g}",
            f"wavetype{i}": str(wave),
            f"coarse{i}": str(coarse),
            f"finel{i}": str(fine),
            f"finer{i}": str(-fine),
            f"pan{i}": "0",
        }
    return MappingProxyType(out)


#: A round synth bass: "Moog" saw, a square an octave down, a quiet sine sub.
BASS = Synth("Bass", _oscillators((30, 4, 0, 0), (15, 3, -12, 3), (20, 0, -12, 0)), 60.0)

#: A bright lead: two slightly detuned saws and a triangle an octave up.
LEAD = Synth("Lead", _oscillators((20, 2, 0, 6), (20, 2, 0, -6), (10, 1, 12, 0)), 60.0, 10.0)
