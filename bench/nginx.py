"""nginx from Debian, started by the benchmark and the tests on a free loopback port as a
non-daemon child with its own prefix, temp folders, pid and logs in a temp dir (no root needed,
nothing left behind), serving with the shipped config (``site/deploy/nginx.conf``), changed only
in its ``listen`` and ``root`` lines. Its access log counts the bytes each request sent: what a
reader's visit costs on the wire."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import free_port

MODULES = Path("/usr/lib/nginx/modules")
SHIPPED = Path(__file__).resolve().parents[1] / "site" / "deploy" / "nginx.conf"
#: the shipped config's lines that a deployment (and this module) sets
LISTEN, ROOT = "listen 80;", "root /var/www/yibao;"

#: The main config around the shipped one: Debian's types, a log of bytes sent, temp paths.
CONFIG = """load_module {modules}/ngx_http_brotli_static_module.so;
{user}
worker_processes 1;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format bench '$request_uri $status $bytes_sent';
  access_log {tmp}/access.log bench;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 30;
  include {tmp}/yibao.conf;
}}
"""


def nginx_missing() -> str | None:
    """Why nginx cannot run here, or ``None``."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        return "nginx is not installed (apt-get install nginx libnginx-mod-http-brotli-static)"
    if not (MODULES / "ngx_http_brotli_static_module.so").exists():
        return "nginx's brotli module is not installed (apt-get install libnginx-mod-http-brotli-static)"
    if not Path("/etc/nginx/mime.types").exists():
        return "nginx's /etc/nginx/mime.types is missing"
    return None


def shipped_config(root: Path, port: int) -> str:
    """``site/deploy/nginx.conf`` serving ``root`` on 127.0.0.1:``port``."""
    text = SHIPPED.read_text(encoding="utf-8")
    for line, value in ((LISTEN, f"listen 127.0.0.1:{port};"), (ROOT, f"root {root};")):
        if text.count(line) != 1:
            raise RuntimeError(f"{SHIPPED}: expected the line '{line}' once")
        text = text.replace(line, value)
    return text


def wait_until_serving(process: subprocess.Popen[bytes], url: str, name: str, seconds: float) -> None:
    """Return once the server ``process`` answers ``url`` (any HTTP status); raise with its
    error output if it exits, or if it has not answered within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:  # it answered (the root may have no index page)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer within {seconds:g} s")


class Nginx:
    """``with Nginx(root) as server:`` serves ``root`` at ``server.url``; ``server.bytes_sent()``
    is the total of the access log so far."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.tmp = Path(tempfile.mkdtemp(prefix="yibao-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        why = nginx_missing()
        if why:
            raise RuntimeError(why)
        conf = self.tmp / "nginx.conf"
        # Started as root, nginx's workers would run as "nobody", who cannot read the temp dirs
        # the site is built in (mode 700): as root they run as root, on loopback only.
        user = "user root;" if os.geteuid() == 0 else ""
        (self.tmp / "yibao.conf").write_text(shipped_config(self.root, self.port), encoding="utf-8")
        conf.write_text(CONFIG.format(user=user, modules=MODULES, tmp=self.tmp), encoding="utf-8")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-p", str(self.tmp), "-c", str(conf), "-g", f"daemon off; pid {self.tmp}/nginx.pid;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        wait_until_serving(self.process, self.url, "nginx", 15)
        self.log_mark()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _entries(self) -> list[tuple[str, int, int]]:
        log = self.tmp / "access.log"
        if not log.exists():
            return []
        entries = []
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            uri, status, sent = line.rsplit(" ", 2)
            entries.append((uri, int(status), int(sent)))
        return entries

    def log_mark(self) -> int:
        """Where the access log ends now (entries after it belong to what comes next)."""
        self._mark = len(self._entries())
        return self._mark

    def since_mark(self, settle: float = 0.3) -> list[tuple[str, int, int]]:
        """``(uri, status, bytes sent)`` of every request logged since :meth:`log_mark` (after
        ``settle`` seconds without a new entry: nginx logs a request when it is done)."""
        count = -1
        while True:
            entries = self._entries()
            if len(entries) == count:
                return entries[self._mark :]
            count = len(entries)
            time.sleep(settle)
