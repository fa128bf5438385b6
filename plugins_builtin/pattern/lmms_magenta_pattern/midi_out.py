"""Writing generated clips to MIDI files, laid out as the user asked (``layout``).

* ``files``: one file per clip. One clip goes to ``OUT.mid`` itself; several to
  ``OUT-1.mid, OUT-2.mid ...`` next to it, or, when the output is a folder (variations,
  interpolation: a name without ``.mid``), to ``DIR/<name>-01.mid ...``.
* ``sequence``: one file, the clips one after another (audition them in a row).
* ``tracks``: one file, one track per clip (a DAW imports them as parallel tracks).

Drum clips are on MIDI channel 10 at General MIDI drum pitches. Saves are atomic and
an existing file is kept as ``.bak`` (the kernel's :func:`~lmms_magenta.music.write_midi`).
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.errors import UserError
from lmms_magenta.music import Clip, write_midi

__all__ = ["is_folder_target", "write_clips"]

_MIDI = (".mid", ".midi")


def is_folder_target(path: Path) -> bool:
    """Whether an output name means a folder: an existing folder, or no MIDI suffix."""
    return path.is_dir() or path.suffix.lower() not in _MIDI


def _file_names(output: Path, count: int, stem: str) -> list[Path]:
    if is_folder_target(output):
        return [output / f"{stem}-{i:02d}.mid" for i in range(1, count + 1)]
    if count == 1:
        return [output]
    return [output.with_name(f"{output.stem}-{i}{output.suffix}") for i in range(1, count + 1)]


def write_clips(clips: list[Clip], output: Path, layout: str, stem: str) -> list[Path]:
    """Write ``clips`` to ``output`` (a .mid file or a folder, made if missing) in
    ``layout``; returns the files written. ``stem`` names files in a folder."""
    if is_folder_target(output):
        if output.exists() and not output.is_dir():
            raise UserError("is a file, not a folder; give a .mid name or a folder", path=output)
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UserError(f"cannot make the folder ({err.strerror})", path=output) from None
    elif not output.absolute().parent.is_dir():
        raise UserError("is in a folder that does not exist", path=output)
    if layout == "files" or len(clips) == 1:
        paths = _file_names(output, len(clips), stem)
        for clip, path in zip(clips, paths, strict=True):
            write_midi(path, [clip])
        return paths
    target = output / f"{stem}s.mid" if is_folder_target(output) else output
    if layout == "sequence":
        write_midi(target, [clips[0].join(*clips[1:])])
    else:
        write_midi(target, clips)
    return [target]
