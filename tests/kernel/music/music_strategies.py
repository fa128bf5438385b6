"""Hypothesis strategies for notes and clips, shared by the music tests."""

from __future__ import annotations

from hypothesis import strategies as st

from lmms_magenta.music import DRUM_CHANNEL, Clip, Meter, Note, TempoChange

PPQS = (48, 96, 480)
METERS = (Meter(4, 4), Meter(3, 4), Meter(6, 8), Meter(7, 8), Meter(5, 4), Meter(2, 2))


@st.composite
def notes(draw: st.DrawFn, *, length: int, ppq: int, drum: bool) -> Note:
    """A note starting inside ``[0, length)``; melodic notes avoid the drum channel."""
    channel = DRUM_CHANNEL if drum else draw(st.integers(0, 15).filter(lambda c: c != DRUM_CHANNEL))
    return Note(
        pitch=draw(st.integers(0, 127)),
        velocity=draw(st.integers(1, 127)),
        start=draw(st.integers(0, length - 1)),
        length=draw(st.integers(1, 4 * ppq)),
        channel=channel,
    )


@st.composite
def clips(
    draw: st.DrawFn,
    *,
    drum: bool | None = None,
    ppq: int | None = None,
    meter: Meter | None = None,
    max_bars: int = 8,
    max_notes: int = 40,
    tempo_changes: bool = True,
) -> Clip:
    """A valid clip of 1..max_bars whole bars, sometimes with tempo changes."""
    ppq = ppq if ppq is not None else draw(st.sampled_from(PPQS))
    meter = meter if meter is not None else draw(st.sampled_from(METERS))
    is_drum = drum if drum is not None else draw(st.booleans())
    bars = draw(st.integers(1, max_bars))
    length = bars * meter.ticks_per_bar(ppq)
    note_list = draw(st.lists(notes(length=length, ppq=ppq, drum=is_drum), max_size=max_notes))
    changes: list[TempoChange] = []
    if tempo_changes:
        changes = draw(
            st.lists(
                st.builds(
                    TempoChange,
                    tick=st.integers(1, length - 1) if length > 1 else st.just(0),
                    bpm=st.sampled_from([60.0, 90.0, 120.0, 133.5, 174.0]),
                ),
                max_size=3,
            )
        )
    return Clip(
        tuple(note_list),
        ppq=ppq,
        meter=meter,
        tempo=draw(st.sampled_from([80.0, 120.0, 97.25])),
        length=length,
        is_drum=is_drum,
        name=draw(st.sampled_from(["", "Beat", "Lead ♪"])),
        tempo_changes=tuple(changes),
        program=draw(st.none() | st.integers(0, 127)),
    )
