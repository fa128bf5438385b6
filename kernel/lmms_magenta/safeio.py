"""Crash-safe file saving and size-capped reading.

Every file lmms-magenta writes over a user's work (LMMS projects, MIDI clips) goes
through :func:`atomic_write`, so a crash, a kill or a full disk in the middle of a
save never leaves a half-written file behind: the user sees either the old file or
the new one, never a mix.

How a save works (all in the target's own folder, so the final rename never crosses
a file system):

1. the new bytes go to a hidden temporary file ``.<name>.<random>.tmp``, which is
   flushed and ``fsync``-ed;
2. backup policy: if the target already exists and ``backup`` is true, the current
   file becomes ``<name>.bak`` (e.g. ``song.mmpz.bak``) - one backup per file, the
   previous ``.bak`` is replaced, so the backup always holds the version right before
   the latest save. The backup is itself made atomically (hard link or copy to a
   temporary name, then rename), so an interrupted save never leaves a broken backup;
3. ``os.replace`` moves the temporary file over the target (atomic on POSIX and
   Windows), then the folder is ``fsync``-ed so the rename survives a power cut.

A save that fails for any reason removes its temporary files and leaves both the
target and its old backup untouched; a save killed outright (SIGKILL, power cut) can
leave only a stray hidden ``.tmp`` file, never a damaged target. Symbolic links are
followed: the file a link points to is replaced and the link itself is kept.

:func:`read_limited` reads a user's file with a size cap, so a hostile or mistaken
multi-gigabyte input is refused before it uses memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import FileFormatError, UserError

__all__ = ["BACKUP_SUFFIX", "atomic_write", "backup_path", "read_limited"]

#: Suffix appended to a file's full name for its backup (``song.mmpz`` -> ``song.mmpz.bak``).
BACKUP_SUFFIX = ".bak"


def backup_path(path: str | os.PathLike[str]) -> Path:
    """The path :func:`atomic_write` uses for the backup of ``path``."""
    p = Path(path)
    return p.with_name(p.name + BACKUP_SUFFIX)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows and some network file systems
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_file_mode(existing: Path) -> int:
    """Permission bits for the new file: the old file's, or the umask default."""
    try:
        return stat.S_IMODE(existing.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _make_backup(target: Path) -> Path:
    """Atomically make ``<target>.bak`` hold the current content of ``target``."""
    bak = backup_path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        try:
            # A hard link costs nothing and keeps the old bytes after the target is
            # replaced (os.replace swaps the directory entry, not the inode).
            os.link(target, tmp)
        except OSError:  # no hard links on this file system: copy instead
            shutil.copy2(target, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        os.replace(tmp, bak)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return bak


def atomic_write(path: str | os.PathLike[str], data: bytes, *, backup: bool = True) -> Path | None:
    """Replace the file at ``path`` with ``data`` atomically.

    Returns the path of the backup made of the replaced file (``<name>.bak``), or
    ``None`` when no backup was made (``backup=False`` or the file did not exist).
    Raises :class:`~lmms_magenta.errors.UserError` naming the file when the save is
    impossible (missing folder, no permission, disk full ...); the original file is
    then unchanged.
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise UserError("cannot save: it is a folder", path=path)
    if not folder.is_dir():
        raise UserError(f"cannot save: folder {folder} does not exist", path=path)
    tmp: Path | None = None
    bak: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(target))
        bak = _make_backup(target) if backup and target.exists() else None
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(folder)
    except OSError as err:
        raise UserError(f"cannot save: {err.strerror or err}", path=path) from err
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return bak


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read the whole file at ``path``, refusing files larger than ``max_bytes``.

    Raises :class:`~lmms_magenta.errors.FileFormatError` naming the file when it is
    missing, unreadable, not a regular file, or too large. At most ``max_bytes + 1``
    bytes are ever read, whatever the file claims its size is.
    """
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise FileFormatError("not a regular file", path=path)
            if info.st_size > max_bytes:  # refuse before reading anything
                raise FileFormatError(
                    f"file is larger than the limit of {max_bytes} bytes", path=path
                )
            data = f.read(max_bytes + 1)
    except FileNotFoundError as err:
        raise FileFormatError("file not found", path=path) from err
    except IsADirectoryError as err:
        raise FileFormatError("not a regular file", path=path) from err
    except OSError as err:
        raise FileFormatError(f"cannot read: {err.strerror or err}", path=path) from err
    if len(data) > max_bytes:
        raise FileFormatError(f"file is larger than the limit of {max_bytes} bytes", path=path)
    return data
