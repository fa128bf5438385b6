"""The demo, stage by stage: plan, generate, build, humanize, gain-stage, write, render.

Each stage reports one line (:mod:`.progress`). The project is built and processed in
a temporary work folder - groove and gain save it in place, each keeping a backup
there - and only the finished song reaches the output folder, saved atomically (a
project or MIDI file from an earlier demo there is kept as ``.bak``). The MIDI files
and pictures are read back from the finished project, so they show what it plays.

LMMS is needed for gain staging and the WAV only; without it (or with
``render=False``) those stages are skipped with the reason, and the project, MIDI
files and pictures are still written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import Project
from lmms_magenta.params import pick_seed
from lmms_magenta.tonal import pitch_name

from .assemble import BEAT_TRACKS, CHANNELS, build_project, drum_classes
from .exports import song_clips, write_midi_files
from .features import DemoResult
from .mixdown import GainChange, Loudness, lmms_missing, loudness, render_wav, stage_gain
from .parts import BASS_RANGE, MELODY_RANGE, Parts, generate_drums, generate_tunes
from .plan import plan_song
from .previews import write_previews
from .progress import Progress

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel
    from lmms_magenta.music import Clip

    from .plan import SongPlan

__all__ = ["PROJECT_FILE", "WAV_FILE", "make_song", "output_folder"]

PROJECT_FILE = "demo.mmpz"
WAV_FILE = "demo.wav"


def output_folder(name: str) -> Path:
    """The output folder, made if missing (its parent must exist)."""
    folder = Path(name).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError("is a file; give a folder for the demo song", path=folder)
    try:
        folder.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise UserError(
            f"cannot make the folder: {folder.absolute().parent} does not exist", path=folder
        ) from None
    except OSError as err:
        raise UserError(f"cannot make the folder: {err.strerror}", path=folder) from None
    return folder


def _range(low: int, high: int, shift: int = 0) -> str:
    return f"{pitch_name(low + shift)}-{pitch_name(high + shift)}"


def _generate(kernel: Kernel, plan: SongPlan, progress: Progress) -> Parts:
    s = plan.setting
    with progress.stage("drums", "generating drums (generate.drums)") as stage:
        beat, fill = generate_drums(kernel, plan)
        kit = ", ".join(c.label for c in drum_classes(beat, fill))
        stage.done(f"generate.drums ({s.style}): a beat and a fill, 2 bars each; kit: {kit}")
    with progress.stage("tunes", "generating bass and melody (generate.melody)") as stage:
        bass, melody = generate_tunes(kernel, plan)
        stage.done(
            f"generate.melody in {s.key} {s.scale}: bass riffs A and B "
            f"({_range(*BASS_RANGE, -12)}), melody phrases A and B ({_range(*MELODY_RANGE)})"
        )
    return Parts(beat, fill, bass, melody)


def _has_hits(clip: Clip) -> bool:
    return any(n.velocity > 0 for n in clip.notes)


def _humanize(kernel: Kernel, plan: SongPlan, parts: Parts, song: Path) -> tuple[int, int]:
    """``groove.humanize`` on each Beat+Bassline track; (hits changed, hits)."""
    humanize = kernel.feature("groove.humanize")
    changed = total = 0
    for track, clip in zip(BEAT_TRACKS, (parts.beat, parts.fill), strict=True):
        if not _has_hits(clip):
            continue  # an empty beat has nothing to groove
        result: Any = humanize(
            kernel,
            input=song,
            output=song,
            track=track,
            style=plan.setting.style,
            seed=plan.seed_for("groove"),
        )
        changed += result.changed
        total += result.notes
    return changed, total


def _gain_line(changes: list[GainChange], master_db: float) -> str:
    faders = ", ".join(f"{c.channel} {c.change_db:+.1f} dB" for c in changes)
    return f"gain.apply (each channel to -18 dBFS RMS): {faders}; master {master_db:+.1f} dB"


def _arrange(
    kernel: Kernel, plan: SongPlan, parts: Parts, song: Path, no_lmms: str, progress: Progress
) -> list[GainChange]:
    """Build the project at ``song``, humanize its drums, gain-stage it with LMMS
    (unless ``no_lmms`` says why not)."""
    with progress.stage("project", "arranging the LMMS project") as stage:
        build_project(plan, parts).save(song, backup=False)
        beats = ", ".join(BEAT_TRACKS)
        stage.done(f"{beats} (Beat+Bassline), Bass, Lead; {len(CHANNELS)} mixer channels")
    with progress.stage("groove", "humanizing the drums (groove.humanize)") as stage:
        changed, hits = _humanize(kernel, plan, parts, song)
        stage.done(f"groove.humanize ({plan.setting.style}): {changed} of {hits} hits moved")
    with progress.stage("gain", "gain staging: each channel rendered by LMMS") as stage:
        if no_lmms:
            stage.skip(no_lmms)
            return []
        gain, master_db = stage_gain(kernel, song)
        stage.done(_gain_line(gain, master_db))
    return gain


@dataclass(frozen=True)
class _Written:
    project: Path
    tracks: tuple[str, ...]
    midi: dict[str, Path]
    previews: dict[str, Path]


def _write(song: Path, folder: Path, plan: SongPlan, progress: Progress) -> _Written:
    """Save the finished project into ``folder``, then its MIDI files and pictures."""
    with progress.stage("save", "saving the project") as stage:
        project = Project.load(song)
        target = folder / PROJECT_FILE
        project.save(target)
        tracks = tuple(t.name for t in project.tracks if t.kind != "automation")
        stage.done(f"{target} ({len(tracks)} tracks, {plan.bars} bars)")
    with progress.stage("midi", "writing MIDI files") as stage:
        midi = write_midi_files(project, folder)
        stage.done(", ".join(p.name for p in midi.values()))
    with progress.stage("previews", "drawing piano rolls") as stage:
        previews = write_previews(song_clips(project), folder, plan.title)
        stage.done(", ".join(p.name for p in previews.values()))
    return _Written(target, tracks, midi, previews)


def _render(
    kernel: Kernel, project: Path, work: Path, no_lmms: str, progress: Progress
) -> tuple[Path | None, Loudness | None]:
    """Render ``demo.wav`` next to the project with LMMS and measure it (unless
    ``no_lmms`` says why not)."""
    with progress.stage("render", "rendering demo.wav with LMMS") as stage:
        if no_lmms:
            stage.skip(no_lmms)
            return None, None
        audio = project.with_name(WAV_FILE)
        seconds = render_wav(project, audio, work)
        stage.done(f"{audio} (LMMS took {seconds:.1f} s)")
    with progress.stage("loudness", "measuring loudness (gain.analyze)") as stage:
        level = loudness(kernel, audio)
        stage.done(f"{level} ({level.duration:.1f} s of audio)")
    return audio, level


def make_song(
    kernel: Kernel, params: Mapping[str, Any], progress: Progress | None = None
) -> DemoResult:
    """Make the demo song for the validated ``demo.song`` parameters."""
    progress = progress if progress is not None else Progress()
    folder = output_folder(params["output"])
    with progress.stage("plan", "choosing key, tempo and style") as stage:
        plan = plan_song(pick_seed(params["seed"]), params["bars"])
        stage.done(f"{plan.title}; {plan.bars} bars; seed {plan.seed}")
    parts = _generate(kernel, plan, progress)
    no_lmms = lmms_missing() if params["render"] else "render is off (--no-render)"
    with tempfile.TemporaryDirectory(prefix="lmms-magenta-demo-") as tmp:
        work = Path(tmp)
        gain = _arrange(kernel, plan, parts, work / PROJECT_FILE, no_lmms, progress)
        written = _write(work / PROJECT_FILE, folder, plan, progress)
        audio, level = _render(kernel, written.project, work, no_lmms, progress)
    skipped = (f"gain staging: {no_lmms}", f"render: {no_lmms}") if no_lmms else ()
    return DemoResult(
        folder=folder,
        project=written.project,
        plan=plan,
        midi=written.midi,
        previews=written.previews,
        tracks=written.tracks,
        gain=tuple(gain),
        audio=audio,
        loudness=level,
        skipped=skipped,
    )
