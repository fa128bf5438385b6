"""The feature ``demo.song``: its parameters and its result (cheap to import).

From Python::

    with Kernel() as kernel:
        song = kernel.feature("demo.song")(kernel, output="my-demo", seed=7)
        song.project, song.midi["drums"], song.loudness

The command line is the plugin's own ``lmms-magenta demo`` (:mod:`.cli`), which runs
the same code with a progress display; it replaces the ``demo song`` command the CLI
would generate from this feature.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.features import Feature
from lmms_magenta.params import Bool, Integer, Schema, Seed, Text

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

    from .mixdown import GainChange, Loudness
    from .plan import SongPlan

__all__ = ["DEFAULT_FOLDER", "DEFAULT_SEED", "SONG", "SONG_PARAMS", "DemoResult", "features"]

#: Where the demo writes when no folder is given (relative to the current folder).
DEFAULT_FOLDER = "lmms-magenta-demo"
#: The seed of the song the README promises (``--seed random`` for a new one each time).
DEFAULT_SEED = 1

SONG_PARAMS = Schema(
    Text(
        "output",
        default=DEFAULT_FOLDER,
        non_empty=True,
        max_length=4096,
        metavar="DIR",
        help="Folder to write the song into (made if missing; files from an earlier "
        "demo there are replaced, the project and MIDI files kept as .bak)",
    ),
    Seed(
        "seed",
        default=DEFAULT_SEED,
        help="Random seed: the same seed makes the same song; 'random' makes a new one",
    ),
    Integer(
        "bars",
        default=8,
        min=4,
        max=64,
        help="Length of the song in bars (an even number: the patterns are 2 bars long)",
    ),
    Bool(
        "render",
        default=True,
        help="Use LMMS, when it is installed, to gain-stage the mix (each channel is "
        "rendered and measured) and to render demo.wav; off: write the project, MIDI "
        "files and pictures only",
    ),
)


@dataclass(frozen=True)
class DemoResult:
    """What the demo wrote; ``os.fspath(result)`` is the project."""

    folder: Path
    project: Path
    plan: SongPlan
    midi: dict[str, Path]
    previews: dict[str, Path]
    tracks: tuple[str, ...]
    gain: tuple[GainChange, ...] = field(default=())
    audio: Path | None = None
    loudness: Loudness | None = None
    #: why a step was left out (no LMMS, ``render=False``), one line each
    skipped: tuple[str, ...] = field(default=())

    @property
    def seed(self) -> int:
        """The seed the song was made from (repeat it with ``--seed``)."""
        return self.plan.seed

    @property
    def paths(self) -> list[Path]:
        """Every file written: project, MIDI files, pictures, then the WAV."""
        out = [self.project, *self.midi.values(), *self.previews.values()]
        return out + ([self.audio] if self.audio is not None else [])

    def __fspath__(self) -> str:
        return os.fspath(self.project)


def _run(kernel: Kernel, params: Mapping[str, Any]) -> DemoResult:
    from .pipeline import make_song

    return make_song(kernel, params)


SONG = Feature(
    name="demo.song",
    title="Make a demo song",
    summary="A new LMMS song from nothing: generated drums (humanized), bass and melody, "
    "arranged and gain-staged; with MIDI files, pictures and a WAV.",
    params=SONG_PARAMS,
    run=_run,
)


def features() -> list[Feature]:
    """The demo's one feature."""
    return [SONG]
