"""Error types the kernel and plugins raise for things a user can fix.

Every :class:`UserError` is shown by the CLI as one line on stderr (no traceback
unless ``--debug``) and exits with code 2. Its message names the file (when there is
one) and the problem, so ``str(err)`` is already the complete line.
"""

from __future__ import annotations

import os


class UserError(Exception):
    """A problem with the user's input, files, parameters or plugins (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.problem = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class ParameterError(UserError):
    """A feature parameter is missing, of the wrong type, or out of range."""


class FileFormatError(UserError):
    """A file (MIDI, LMMS project, WAV, model) is unreadable, corrupt or hostile."""


class PluginError(UserError):
    """A plugin could not be loaded or failed; raised only in strict mode or on request."""


class ModelError(UserError):
    """A model is missing, tampered with, or does not fit the task contract."""


class BackendError(UserError):
    """An accelerator backend could not create or run a session."""
