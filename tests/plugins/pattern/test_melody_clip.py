"""Kernel clips <-> melody tokens."""

from __future__ import annotations

import pytest
from lmms_magenta_pattern.melody_clip import clip_to_tokens, tokens_to_clip
from lmms_magenta_pattern.melody_codec import NO_EVENT, NOTE_OFF, notes_to_tokens

from lmms_magenta.music import Clip, Meter, Note


def test_clip_round_trip_at_lmms_resolution() -> None:
    tokens = notes_to_tokens([(0, 4, 60), (4, 2, 64), (8, 8, 67), (20, 12, 72)])
    clip = tokens_to_clip(tokens, ppq=48)
    assert clip.length == 32 * 12 and [n.pitch for n in clip.notes] == [60, 64, 67, 72]
    assert (clip_to_tokens(clip) == tokens).all()


def test_onsets_go_to_the_nearest_step_and_bars_are_cut() -> None:
    ppq = 480
    notes = [
        Note(62, 90, 4 * 1920 + 50, 400),  # bar 4, slightly late -> step 0 of the window
        Note(65, 90, 4 * 1920 + 960 - 40, 480),  # slightly early beat 3 -> step 8
        Note(70, 90, 0, 480),  # bar 0: outside the window
    ]
    clip = Clip(notes, ppq=ppq)
    tokens = clip_to_tokens(clip, start_bar=4)
    assert tokens[0] == 62 and tokens[8] == 65 and tokens[12] == NOTE_OFF
    assert tokens[4] == NOTE_OFF and tokens[1] == NO_EVENT and 70 not in tokens


def test_drum_and_other_meters_are_refused() -> None:
    with pytest.raises(ValueError, match="drums"):
        clip_to_tokens(Clip([], is_drum=True))
    with pytest.raises(ValueError, match="4/4"):
        clip_to_tokens(Clip([], meter=Meter(3, 4)))
