"""The kernel's LMMS render runner: real renders, crash retries, clear failures.

Crashes are real: LMMS 1.2 dies of a segmentation fault on a junk ``.mmpz`` every
time (FACTS), which exercises the retry path; an empty project is LMMS's own exit
code 1, which must not be retried.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from lmms_support import LMMS

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import LmmsNote, Project
from lmms_magenta.lmms.render import (
    CRASH_RETRIES,
    LMMS_ENV,
    LmmsNotFoundError,
    RenderError,
    crashed,
    find_lmms,
    render_project,
)

needs_lmms = pytest.mark.skipif(
    LMMS is None, reason="the lmms program is not installed (apt-get install lmms); CI runs this"
)
RETRY_LOG = "rendering again"


class _Records(logging.Handler):
    """Collects the runner's log messages (on its own logger: the CLI tests may have
    stopped ``lmms_magenta`` records from propagating to pytest's handler)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def retries() -> Iterator[list[str]]:
    """The retry messages the runner logs during the test."""
    handler = _Records()
    logger = logging.getLogger("lmms_magenta.lmms.render")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _one_bar(path: Path) -> Path:
    song = Project.new()
    song.add_instrument_track("Lead").add_pattern(0, [LmmsNote(0, 96, 57)])
    song.save(path, backup=False)
    return path


def test_crash_means_killed_by_a_signal() -> None:
    assert crashed(-11) and crashed(139)  # SIGSEGV directly, or through a shell
    assert not crashed(0) and not crashed(1) and not crashed(2)


def test_missing_program_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LMMS_ENV, "/nonexistent/lmms")
    with pytest.raises(LmmsNotFoundError, match="apt-get install lmms") as info:
        find_lmms()
    assert isinstance(info.value, UserError) and "\n" not in str(info.value)
    with pytest.raises(LmmsNotFoundError):
        render_project("song.mmp", "song.wav")


def test_unknown_format_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="flac"):
        render_project(tmp_path / "a.mmp", tmp_path / "a.flac", lmms="lmms")


@pytest.mark.lmms
@needs_lmms
def test_render_writes_float_audio_in_one_run(tmp_path: Path) -> None:
    sf = pytest.importorskip("soundfile")
    song = _one_bar(tmp_path / "bar.mmp")
    run = render_project(song, tmp_path / "bar.wav", float32=True, rate=48000)
    assert (run.output, run.attempts) == (tmp_path / "bar.wav", 1)
    assert run.seconds > 0
    info = sf.info(run.output)
    assert (info.samplerate, info.subtype) == (48000, "FLOAT")
    data, _ = sf.read(run.output, always_2d=True)
    assert np.abs(data).max() > 0.05  # the note is heard


@pytest.mark.lmms
@needs_lmms
def test_lmms_config_stays_in_the_work_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    song = _one_bar(tmp_path / "bar.mmp")
    render_project(song, tmp_path / "bar.wav", workdir=work)
    assert (work / "lmmsrc.xml").is_file()


@pytest.mark.lmms
@needs_lmms
def test_a_crash_is_retried_then_reported(tmp_path: Path, retries: list[str]) -> None:
    junk = tmp_path / "junk.mmpz"
    junk.write_bytes(b"junk" * 4)
    with pytest.raises(RenderError) as info:
        render_project(junk, tmp_path / "junk.wav", source="my song.mmpz")
    err = info.value
    assert err.returncode is not None and crashed(err.returncode)
    assert err.path == "my song.mmpz"
    assert f"after {CRASH_RETRIES + 1} attempts" in str(err) and "\n" not in str(err)
    assert len(retries) == CRASH_RETRIES
    assert all(RETRY_LOG in line for line in retries)
    assert retries[0].startswith("LMMS crashed rendering my song.mmpz")
    assert not (tmp_path / "junk.wav").exists()


@pytest.mark.lmms
@needs_lmms
def test_other_failures_are_not_retried(tmp_path: Path, retries: list[str]) -> None:
    empty = tmp_path / "empty.mmp"
    Project.new().save(empty, backup=False)
    with pytest.raises(RenderError, match=r"exit code 1\): The project .* is empty") as info:
        render_project(empty, tmp_path / "empty.wav")
    assert info.value.returncode == 1
    assert retries == []


@pytest.mark.lmms
@needs_lmms
def test_timeout_is_a_clear_error(tmp_path: Path) -> None:
    song = _one_bar(tmp_path / "bar.mmp")
    with pytest.raises(RenderError, match=r"did not finish rendering within 0\.01 s") as info:
        render_project(song, tmp_path / "bar.wav", timeout=0.01)
    assert info.value.returncode is None
