"""HTTP(S) access for remote model indexes: fetch an index, download a file with resume.

urllib (standard library) rather than requests: what we need is one GET with an
optional ``Range`` header, a timeout and a byte limit, and the project gains no
dependency. Safety rules (docs/models.md, section 4): only ``http``/``https`` URLs,
also after redirects; every request has a timeout; an index is read up to
``MAX_INDEX_BYTES``; a file is never read past its declared size.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from lmms_magenta.errors import ModelError

from .urls import check_url

__all__ = ["MAX_INDEX_BYTES", "check_url", "download", "fetch_json"]

MAX_INDEX_BYTES = 8 << 20
_CHUNK = 64 << 10
USER_AGENT = "lmms-magenta-models/0.1"

#: ``progress(done_bytes, total_bytes)``
Progress = Callable[[int, int], None]


class _SafeRedirect(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to http(s) (urllib alone would also follow ftp://)."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
        headers: Any, newurl: str,
    ) -> urllib.request.Request | None:  # fmt: skip
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open(url: str, timeout: float, headers: dict[str, str] | None = None) -> Any:
    check_url(url)
    opener = urllib.request.build_opener(_SafeRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    return opener.open(request, timeout=timeout)


def _net_error(url: str, exc: BaseException) -> ModelError:
    if isinstance(exc, urllib.error.HTTPError):
        return ModelError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        return ModelError(f"cannot fetch {url}: {exc.reason}")
    return ModelError(f"cannot fetch {url}: {type(exc).__name__}: {exc}")


def fetch_json(url: str, *, timeout: float, max_bytes: int = MAX_INDEX_BYTES) -> Any:
    """GET ``url`` and parse it as JSON (ModelError on network, size or JSON problems)."""
    try:
        with _open(url, timeout) as response:
            raw = response.read(max_bytes + 1)
    except ModelError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _net_error(url, exc) from exc
    if len(raw) > max_bytes:
        raise ModelError(f"model index {url} is larger than {max_bytes} bytes; refusing it")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"model index {url} is not valid JSON: {exc}") from exc


def _start(url: str, have: int, timeout: float) -> tuple[Any, int]:
    """Open the download; returns (response, offset it starts at: ``have`` or 0)."""
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        response = _open(url, timeout, headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # our partial file does not fit the server's: restart
            return _start(url, 0, timeout)
        raise _net_error(url, exc) from exc
    if have and response.status == 206:
        content_range = response.headers.get("Content-Range", "")
        if content_range.startswith(f"bytes {have}-"):
            return response, have
        response.close()
        return _start(url, 0, timeout)
    return response, 0  # 200: the server ignored Range, so start again from byte 0


def download(
    url: str, dest: Path, *, size: int, timeout: float, progress: Progress | None = None
) -> None:
    """Download ``url`` into ``dest`` (exactly ``size`` bytes), resuming a partial ``dest``.

    A partial file is continued with an HTTP ``Range`` request; when the server does
    not honour it, the file is restarted from byte 0. A dropped connection raises
    ModelError saying how far it got (the partial file stays for the next attempt).
    """
    have = dest.stat().st_size if dest.exists() else 0
    if have > size:
        dest.unlink()
        have = 0
    if have == size:
        if progress:
            progress(size, size)
        return
    try:
        response, offset = _start(url, have, timeout)
    except ModelError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _net_error(url, exc) from exc
    done = offset
    if progress:
        progress(done, size)
    try:
        with response, open(dest, "r+b" if offset else "wb") as out:
            out.seek(offset)
            out.truncate()
            while done < size:
                chunk = response.read(min(_CHUNK, size - done))
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, size)
            out.flush()
            os.fsync(out.fileno())
    except ModelError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ModelError(
            f"download of {url} was interrupted after {done} of {size} bytes "
            f"({type(exc).__name__}: {exc}); run the install again to resume"
        ) from exc
    if done < size:
        raise ModelError(
            f"download of {url} was interrupted after {done} of {size} bytes "
            "(the connection closed); run the install again to resume"
        )
