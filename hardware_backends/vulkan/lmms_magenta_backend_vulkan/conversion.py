"""Getting a verified ncnn conversion of an ONNX model: from the store, or made now.

:meth:`Converter.artifact` returns the derived artifact of a source model in a
precision: from the :class:`~lmms_magenta_backend_vulkan.derived.DerivedStore` when
it is there, else converted by the worker (:mod:`lmms_magenta_backend_vulkan.worker`)
in a child process with a timeout and committed to the store. A model that cannot be
converted raises :class:`ConversionError` with the reason, which is also recorded so
the next use does not try again (until pnnx or ncnn are upgraded). A timeout is not
recorded: a busy machine may do better next time.

Results are remembered in memory per source file (path, size, mtime), so asking for
the same model again costs a dictionary lookup, not a hash of the model.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .derived import FILES, Artifact, DerivedStore, sha256_file
from .tools import tool_versions

__all__ = ["ConversionError", "Converter", "verified_bytes"]

logger = logging.getLogger("lmms_magenta.backend.vulkan")


class ConversionError(RuntimeError):
    """The model cannot be converted to ncnn (the message is the reason, naming the file)."""


class Converter:
    """Converts ONNX models for ncnn into ``store``; one per backend object."""

    def __init__(self, store: DerivedStore, *, timeout_s: float = 300.0) -> None:
        self.store = store
        self.timeout_s = timeout_s
        #: conversions run by this object (tests and tracing)
        self.conversions = 0
        self._lock = threading.Lock()
        self._hashes: dict[tuple[str, int, int], str] = {}
        self._known: dict[tuple[str, str], Artifact | str] = {}

    def source_sha(self, source: Path) -> str:
        st = source.stat()
        key = (str(source.resolve()), st.st_size, st.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = sha256_file(source)
        return self._hashes[key]

    def artifact(self, source: Path, precision: str) -> Artifact:
        """The artifact of ``source`` in ``precision``; ConversionError when impossible."""
        with self._lock:
            try:
                sha = self.source_sha(source)
            except OSError as err:
                raise ConversionError(f"{source}: cannot read the model ({err.strerror})") from err
            known = self._known.get((sha, precision))
            if isinstance(known, str):
                raise ConversionError(f"{source}: {known}")
            if known is not None and known.folder.is_dir():
                return known
            found = self._find_or_convert(source, sha, precision)
            self._known[(sha, precision)] = found
            if isinstance(found, str):
                raise ConversionError(f"{source}: {found}")
            return found

    def forget(self, artifact: Artifact) -> None:
        """Drop a bad artifact (a file failed its hash): the next use converts again."""
        with self._lock:
            self._known = {k: v for k, v in self._known.items() if v is not artifact}
            self.store.remove(artifact.folder)

    def _find_or_convert(self, source: Path, sha: str, precision: str) -> Artifact | str:
        found = self.store.load(sha, precision)
        if found is not None:
            return found
        tools = tool_versions()
        failed = self.store.failure(sha, precision, tools)
        if failed is not None:
            return failed
        staging = self.store.staging()
        try:
            ok, payload, retry = self._run_worker(source, staging, precision)
            if not ok:
                reason = f"cannot convert the model to ncnn ({precision}): {payload}"
                logger.warning("%s: %s", source, reason)
                if not retry:
                    self.store.record_failure(sha, precision, tools, reason)
                return reason
            assert isinstance(payload, dict)
            payload["source"]["sha256"] = sha
            return self.store.commit(staging, sha, precision, payload)
        finally:
            if staging.exists():
                self.store.remove(staging)

    def _run_worker(
        self, source: Path, staging: Path, precision: str
    ) -> tuple[bool, dict[str, Any] | str, bool]:
        """``(ok, record or reason, retry)`` from one worker run."""
        result = staging / "result.json"
        cmd = [sys.executable, "-m", "lmms_magenta_backend_vulkan.worker"]
        cmd += [str(source.resolve()), str(staging), precision, str(result)]
        logger.info("converting %s to ncnn (%s) with pnnx ...", source, precision)
        start = time.perf_counter()
        self.conversions += 1
        # the child imports this very copy of the package, wherever the kernel found it
        here = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout also ends pnnx
            text=True,
            errors="replace",
        )
        try:
            _, stderr = proc.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return False, f"the conversion took longer than {self.timeout_s:g} s", True
        try:
            doc = json.loads(result.read_text(encoding="utf-8"))
            result.unlink()
        except (OSError, ValueError):
            tail = " ".join(stderr.strip().splitlines()[-1:])[:300]
            code = proc.returncode
            how = f"signal {-code}" if code < 0 else f"status {code}"
            return False, f"the converter stopped with {how}" + (f": {tail}" if tail else ""), False
        if doc.get("ok"):
            logger.info("converted %s in %.1f s", source, time.perf_counter() - start)
            return True, doc["record"], False
        return False, str(doc.get("reason")), bool(doc.get("retry"))


def verified_bytes(artifact: Artifact) -> tuple[bytes, bytes]:
    """The artifact's ``.param`` and ``.bin`` bytes, each checked against its sha256."""
    param, weights = FILES
    return artifact.read(param), artifact.read(weights)
