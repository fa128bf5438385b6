"""Reading audio files (soundfile) into the ``float64 [channels, n]`` form the meter takes.

Any format libsndfile reads (WAV, FLAC, OGG, AIFF ...); integer samples are scaled to
full scale 1.0, float samples kept as they are (so a float render above 0 dBFS is
measured as it is, not clipped). Every problem is a :class:`FileFormatError` naming
the file.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from lmms_magenta.errors import FileFormatError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAX_SECONDS", "read_audio"]

#: Longest file accepted (a safety limit against hostile headers): 6 hours.
MAX_SECONDS = 6 * 3600


def _why(err: Exception) -> str:
    """libsndfile's own reason, without the file name it repeats."""
    text = str(getattr(err, "error_string", "") or err).strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else type(err).__name__


def read_audio(
    path: str | os.PathLike[str],
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], float]:
    """``(samples [channels, n] float64, sample rate)`` of an audio file."""
    import numpy as np
    import soundfile as sf

    if not os.path.exists(path):
        raise FileFormatError("file not found", path=path)
    if not os.path.isfile(path):
        raise FileFormatError("not a file", path=path)
    try:
        info = sf.info(os.fspath(path))
    except (RuntimeError, sf.LibsndfileError, OSError) as err:
        raise FileFormatError(f"not a readable audio file ({_why(err)})", path=path) from None
    if info.samplerate <= 0 or info.channels <= 0:
        raise FileFormatError("audio file has no channels or no sample rate", path=path)
    if info.frames > MAX_SECONDS * info.samplerate:
        raise FileFormatError(
            f"audio file is longer than {MAX_SECONDS // 3600} hours; refusing to read it",
            path=path,
        )
    try:
        data, rate = sf.read(os.fspath(path), dtype="float64", always_2d=True)
    except (RuntimeError, sf.LibsndfileError, OSError) as err:
        raise FileFormatError(f"cannot read the audio ({_why(err)})", path=path) from None
    samples = np.ascontiguousarray(data.T)
    if samples.size and not math.isfinite(float(np.abs(samples).max())):
        raise FileFormatError("audio contains NaN or infinite samples", path=path)
    return samples, float(rate)
