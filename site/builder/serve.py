"""Serving the built site on 127.0.0.1 (``build.py serve``; the browser tests use the same
server)."""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class Handler(SimpleHTTPRequestHandler):
    """Static files with the types browsers require for ``.mjs`` and ``.wasm`` (no compressed
    siblings: like a plain static host)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".whl": "application/zip"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser cancelling a download
            super().handle_error(request, client_address)


def make_server(directory: Path, port: int = 0, handler: type[Handler] = Handler) -> Server:
    """An HTTP server for ``directory`` on 127.0.0.1, not yet serving; the tests use it too (with
    a ``handler`` of their own that breaks what a careless host would: tests/browser)."""
    return Server(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))


def serve(directory: Path, port: int, *, explicit_port: bool) -> None:
    """Serve ``directory`` on 127.0.0.1 until Ctrl-C; without ``--port`` the next free port
    from 8000 up."""
    error: OSError | None = None
    for candidate in [port] if explicit_port else range(port, port + 20):
        try:
            server = make_server(directory, candidate)
            break
        except OSError as exc:
            error = exc
    else:
        raise SystemExit(f"build.py serve: cannot listen on 127.0.0.1:{port} ({error})")
    print(f"Serving {directory} at http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
