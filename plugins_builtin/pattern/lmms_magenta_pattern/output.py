"""The common last step of every pattern feature: write what was asked, build the result.

Order: MIDI files (``output``), then the LMMS project (``into``), then the preview
image (``preview``). Nothing is written for a parameter left out, so a caller from
Python that only wants the clips gets them without touching the disk. Notes for the
user (too few distinct patterns, instruments added to a kit ...) go into the result's
``warnings`` and to :meth:`~lmms_magenta.kernel.Kernel.warn`, which the CLI prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.music import Clip

from .midi_out import write_clips
from .preview import write_preview
from .project_out import write_into_project
from .result import PatternResult, SavedPatterns

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["finish"]


def finish(
    kernel: Kernel,
    kind: str,
    clips: list[Clip],
    params: Mapping[str, Any],
    *,
    seed: int,
    bars: int,
    stem: str,
    style: str = "any",
    title: str = "",
    warnings: tuple[str, ...] = (),
) -> PatternResult:
    """Write ``clips`` where ``params`` say (output, into/track/at, preview)."""
    paths: list[Path] = []
    notes = list(warnings)
    output: Path | None = params.get("output")
    if output is not None:
        paths += write_clips(clips, output, params.get("layout", "files"), stem)
    project: Path | None = params.get("into")
    if project is not None:
        default = "Pattern drums" if kind == "drums" else "Pattern melody"
        done = write_into_project(
            project, clips, params.get("track"), params.get("at", 1), bars, default
        )
        notes += done.notes
        paths.append(project)
    preview: Path | None = params.get("preview")
    if preview is not None:
        heading = f"{title or kind} (seed {seed})"
        paths.append(write_preview(clips, preview, title=heading))
    for note in notes:
        kernel.warn(note)
    cls = SavedPatterns if paths else PatternResult
    return cls(
        kind=kind,
        clips=clips,
        paths=paths,
        seed=seed,
        style=style,
        project=project,
        preview=preview,
        warnings=tuple(notes),
    )
