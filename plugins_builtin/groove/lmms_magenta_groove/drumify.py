"""``groove.drumify``: turn a one-voice rhythm into a full drum groove.

Any notes will do (taps on one key, a bass line, a whole MIDI file): they are
collapsed onto one voice on the 16th grid (per step: played or not, the loudest
velocity, its timing offset; :func:`.representation.tap_steps`), the model decides
which of the 9 drums play with what velocity and timing over overlapping 2-bar
windows, and the groove is written as a MIDI drum track (channel 10) or as a new
Beat+Bassline track of the project (:meth:`.project_io.ProjectInput.add_drum_beat`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from lmms_magenta.errors import UserError
from lmms_magenta.music import write_midi
from lmms_magenta.music.grid import STEPS_PER_BAR, decode_drums
from lmms_magenta.params import pick_seed

from .features import GrooveResult
from .inference import GrooveModel
from .inputs import open_input, output_path
from .midi_io import MidiInput
from .representation import tap_steps

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["drumify"]


def drumify(kernel: Kernel, params: Mapping[str, Any]) -> GrooveResult:
    """Run the feature with validated ``params`` (see :data:`.features.DRUMIFY_PARAMS`)."""
    source = open_input(params["input"], params["track"])
    target = output_path(params["input"], params["output"], ".drums.mid")
    if isinstance(source, MidiInput):
        notes, ppq, length = source.tap_notes(), source.song.ppq, source.song.length
    else:
        (notes, length), ppq = source.tap_notes(), 48
    if not notes:
        where = f"track {params['track']!r}" if params["track"] else "the input"
        raise UserError(f"nothing to drumify: {where} has no notes", path=params["input"])
    n_bars = max(1, -(-length // (4 * ppq)))
    tap = tap_steps(notes, ppq, n_bars * STEPS_PER_BAR)
    seed = pick_seed(params["seed"])
    hits, vel, off = GrooveModel.from_kernel(kernel).drumify(
        tap,
        n_bars,
        style=params["style"],
        temperature=float(params["temperature"]),
        rng=np.random.default_rng(seed),
    )
    count = int(hits.sum())
    if isinstance(source, MidiInput):
        drums = decode_drums(hits, vel, off, ppq=ppq, name="Drums")
        write_midi(target, source.with_drum_clip(drums), backup=True)
    else:
        source.add_drum_beat(hits, vel, off)
        source.save(target)
    return GrooveResult(target, count, count, seed, params["style"])
