"""A loopback HTTP server for remote model indexes, with Range support and faults.

Bound to 127.0.0.1 on a free port, serving files from ``root``. Knobs a test sets:

- ``drop_after[path] = n``: the next GET of ``path`` announces the full length but
  sends only ``n`` bytes and closes the connection (a dropped download);
- ``ignore_range``: answer ``Range`` requests with the whole file (200);
- ``delay``: seconds to wait before answering (timeouts);
- ``redirects[path] = location``: answer 302 with that Location.

``requests`` records ``(path, Range header)`` of every GET.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class IndexServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.drop_after: dict[str, int] = {}
        self.ignore_range = False
        self.delay = 0.0
        self.redirects: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> IndexServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def publish(
        self, folder: Path, *, index: str = "index.json", tamper: bool = False
    ) -> dict[str, Any]:
        """Copy a model folder under ``files/`` and add its manifest (with URLs) to ``index``.

        ``tamper`` flips a byte of the served model.onnx after the hash was taken.
        """
        manifest = json.loads((folder / "model.json").read_text())
        rel = f"files/{manifest['name']}/{manifest['version']}"
        target = self.root / rel
        shutil.copytree(folder, target, dirs_exist_ok=True)
        for file in manifest["files"]:
            file["url"] = f"{rel}/{file['path']}"
        if tamper:
            onnx_file = target / "model.onnx"
            data = bytearray(onnx_file.read_bytes())
            data[-1] ^= 0xFF
            onnx_file.write_bytes(bytes(data))
        index_path = self.root / index
        doc = (
            json.loads(index_path.read_text())
            if index_path.exists()
            else {"index_version": 1, "models": []}
        )
        doc["models"].append(manifest)
        index_path.write_text(json.dumps(doc))
        return manifest

    def gets(self, suffix: str) -> list[str | None]:
        """Range headers of the GETs of paths ending with ``suffix``."""
        return [rng for path, rng in self.requests if path.endswith(suffix)]


class _Handler(BaseHTTPRequestHandler):
    server: IndexServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path.lstrip("/"))
        srv.requests.append((path, self.headers.get("Range")))
        if srv.delay:
            time.sleep(srv.delay)
        if path in srv.redirects:
            self.send_response(302)
            self.send_header("Location", srv.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = srv.root / path
        if not file.is_file():
            self.send_error(404)
            return
        data = file.read_bytes()
        start = 0
        wanted = self.headers.get("Range")
        match = re.fullmatch(r"bytes=(\d+)-", wanted or "")
        if match and not srv.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        drop = srv.drop_after.pop(path, None)
        self.wfile.write(body if drop is None else body[:drop])
        self.wfile.flush()
        self.close_connection = True
