"""Atomic saving with backups, and size-capped reading (lmms_magenta.safeio)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lmms_magenta.errors import FileFormatError, UserError
from lmms_magenta.safeio import atomic_write, backup_path, read_limited


def test_new_file_has_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "song.mmp"
    assert atomic_write(target, b"new") is None
    assert target.read_bytes() == b"new"
    assert not backup_path(target).exists()


def test_replacing_keeps_the_previous_version_as_bak(tmp_path: Path) -> None:
    target = tmp_path / "song.mmpz"
    target.write_bytes(b"v1")
    bak = atomic_write(target, b"v2")
    assert bak == tmp_path / "song.mmpz.bak"
    assert bak.read_bytes() == b"v1"
    assert target.read_bytes() == b"v2"
    # one backup per file: the next save replaces it with the version right before
    assert atomic_write(target, b"v3") == bak
    assert bak.read_bytes() == b"v2"
    assert target.read_bytes() == b"v3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mmpz", "song.mmpz.bak"]


def test_backup_can_be_switched_off(tmp_path: Path) -> None:
    target = tmp_path / "clip.mid"
    target.write_bytes(b"old")
    assert atomic_write(target, b"new", backup=False) is None
    assert not backup_path(target).exists()


def test_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "song.mmp"
    target.write_bytes(b"v1")
    target.chmod(0o640)
    atomic_write(target, b"v2")
    assert target.stat().st_mode & 0o777 == 0o640


def test_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.mmp"
    real.write_bytes(b"v1")
    link = tmp_path / "link.mmp"
    link.symlink_to(real)
    atomic_write(link, b"v2")
    assert link.is_symlink()
    assert real.read_bytes() == b"v2"
    assert (tmp_path / "real.mmp.bak").read_bytes() == b"v1"


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist") as info:
        atomic_write(tmp_path / "nope" / "song.mmp", b"x")
    assert str(tmp_path / "nope" / "song.mmp") in str(info.value)


@contextlib.contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """A disk that fills up mid-save: writes past ``limit`` bytes fail with EFBIG.

    RLIMIT_FSIZE binds root too (unlike folder permissions, which root ignores, so CI,
    running as root, would never see a permission failure).
    """
    resource = pytest.importorskip("resource", reason="needs POSIX resource limits")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_save_failing_mid_write_leaves_target_and_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "song.mmp"
    target.write_bytes(b"v1")
    with _file_size_limit(4096), pytest.raises(UserError, match="cannot save: File too large"):
        atomic_write(target, b"v2" * 100_000)
    assert target.read_bytes() == b"v1"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mmp"]


def test_save_failing_at_the_backup_leaves_target_and_no_temp_files(tmp_path: Path) -> None:
    """The new bytes are written, then the backup cannot be made (a folder is in its way)."""
    target = tmp_path / "song.mmp"
    target.write_bytes(b"v1")
    (backup_path(target) / "keep").mkdir(parents=True)
    with pytest.raises(UserError, match="cannot save") as info:
        atomic_write(target, b"v2")
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mmp", "song.mmp.bak"]
    assert [p.name for p in backup_path(target).iterdir()] == ["keep"]


_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from lmms_magenta import safeio
    target, mode = sys.argv[1], sys.argv[2]
    if mode == "before-rename":
        real_replace = os.replace
        def slow_replace(src, dst):
            if str(dst) == os.path.realpath(target):
                print("ready", flush=True)
                time.sleep(60)
            real_replace(src, dst)
        os.replace = slow_replace
    else:
        print("ready", flush=True)
    size = 256 * 1024 * 1024 if mode == "mid-write" else 1024
    safeio.atomic_write(target, b"N" * size)
    """
)


@pytest.mark.parametrize("mode", ["mid-write", "before-rename"])
def test_save_killed_midway_leaves_the_original_intact(tmp_path: Path, mode: str) -> None:
    """A real process is SIGKILLed while saving; the original file must survive."""
    target = tmp_path / "song.mmpz"
    original = b"original project " * 1000
    target.write_bytes(original)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(target), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    if mode == "mid-write":
        # wait until the temporary file exists and is being filled, then kill
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            if temps and temps[0].stat().st_size > 0:
                break
            time.sleep(0.001)
        else:
            child.kill()
            pytest.fail("the child never started writing")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert target.read_bytes() == original
    # whatever the kill left behind is a hidden temporary file, not a damaged target
    leftovers = {p.name for p in tmp_path.iterdir()} - {"song.mmpz", "song.mmpz.bak"}
    assert all(name.startswith(".song.mmpz.") and name.endswith(".tmp") for name in leftovers)


def test_read_limited_reads_small_files(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"12345")
    assert read_limited(f, 5) == b"12345"


def test_read_limited_refuses_oversized_files(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"123456")
    with pytest.raises(FileFormatError, match="larger than the limit of 5 bytes") as info:
        read_limited(f, 5)
    assert str(f) in str(info.value)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p, "file not found"),
        (lambda p: (p.mkdir(), p)[1], "not a regular file"),
    ],
)
def test_read_limited_errors_name_file_and_problem(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path / "x.mmp")
    with pytest.raises(FileFormatError, match=problem) as info:
        read_limited(target, 100)
    assert str(info.value).startswith(str(target))


def test_a_failing_write_removes_its_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "song.mmp"
    target.write_bytes(b"v1")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"v1"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mmp"]
