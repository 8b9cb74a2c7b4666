"""A real HTTP server on 127.0.0.1 for every test that fetches something.

Why real: the brief forbids patching the HTTP library; timeouts, truncated
bodies, redirects and conditional GET can only be tested honestly over a socket.

The session-scoped fixture `fixture_server` serves
- files under tests/fixtures/http/ at `/<relative path>` (text files get
  `{{BASE_URL}}` replaced by the server's base URL, so paged APIs can link to
  their next page), with automatic ETag/Last-Modified;
- routes registered at runtime:
    fixture_server.set(path, body, status=200, headers=None, content_type=None)
        a fixed answer; 200 bodies get an ETag (SHA-256 of the body) and a
        Last-Modified (time of `set`) automatically, and conditional requests
        get 304 — call `set` again to change the body between runs;
    fixture_server.script(path, [Reply(...), ...])
        answers in order, the last one repeating: misbehaviours such as
        500-then-200, 429 with Retry-After, a hang (`delay`), a truncated body
        (`truncate_to`), a body without Content-Length (`no_length`);
    fixture_server.handle(path, fn)
        `fn(Recorded) -> Reply` for answers that depend on the request;
- bookkeeping: `url(path)`, `count(path)` (requests to that path, any query;
  or to exactly "path?query"), `requests(path)` (what was sent: method, query,
  headers, body), `reset_counts()`, `remove(path)`.

The same routes are also served over TLS at `https_url(path)`
(https://localhost:<port>, a certificate from a test CA made with trustme for
localhost, 127.0.0.1 and ::1); `sni` lists the server names clients sent and
`ca_file` is the CA that `HttpSettings.ca_bundle` must trust.

Also `loopback_http`: HttpSettings that allow this server (loopback only, not
other private ranges, the test CA trusted) with small backoffs so retry tests
stay fast.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import ssl
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
TEXT_SUFFIXES = {".json", ".csv", ".geojson", ".xml", ".html", ".txt"}
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0  # seconds to wait before answering (a "hang" when > the client's timeout)
    truncate_to: int | None = None  # announce the full length, send only this many bytes, close
    no_length: bool = False  # omit Content-Length (body ends when the connection closes)
    conditional: bool = False  # add ETag/Last-Modified and honour If-None-Match / If-Modified-Since


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    tls: bool = False  # the request came over https


class _Route:
    def __init__(self, replies: list[Reply] | None = None, fn: Callable[[Recorded], Reply] | None = None):
        self.replies = replies or []
        self.fn = fn
        self.served = 0
        self.last_modified = time.time()

    def next(self, req: Recorded) -> Reply:
        if self.fn is not None:
            return self.fn(req)
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class FixtureServer:
    def __init__(self, root: Path = FIXTURES, port: int = 0):
        """`port`: the plain-HTTP port (0: any free one); a fixed one lets a later process serve the same URLs."""
        self.root = root
        self._routes: dict[str, _Route] = {}
        self._prefix_routes: dict[str, _Route] = {}
        self._log: list[Recorded] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fixture-server", daemon=True)
        self.sni: list[str | None] = []
        self._tls_dir = tempfile.TemporaryDirectory(prefix="fixture-ca-")
        self.ca_file, context = self._tls_context()
        self._httpsd = _TLSServer(("127.0.0.1", 0), self._handler_class(tls=True), context)
        self._httpsd.daemon_threads = True
        self.tls_port = self._httpsd.server_address[1]
        self.https_base_url = f"https://localhost:{self.tls_port}"
        self._tls_thread = threading.Thread(target=self._httpsd.serve_forever, name="fixture-server-tls", daemon=True)

    def _tls_context(self) -> tuple[str, ssl.SSLContext]:
        import trustme

        ca = trustme.CA()
        ca_file = f"{self._tls_dir.name}/ca.pem"
        ca.cert_pem.write_to_path(ca_file)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1", "::1").configure_cert(context)
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
        return ca_file, context

    # --- lifecycle
    def start(self) -> "FixtureServer":
        self._thread.start()
        self._tls_thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for httpd in (self._httpd, self._httpsd):
            httpd.shutdown()
            httpd.server_close()
        self._tls_dir.cleanup()

    # --- test API
    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def https_url(self, path: str) -> str:
        """The same route over TLS, addressed by name: https://localhost:<tls port><path>."""
        return self.https_base_url + (path if path.startswith("/") else "/" + path)

    def set(self, path: str, body: bytes | str, status: int = 200, headers: dict[str, str] | None = None,
            content_type: str | None = None) -> None:
        reply = Reply(status=status, body=body, headers=dict(headers or {}), content_type=content_type,
                      conditional=(status == 200))
        with self._lock:
            self._routes[path] = _Route([reply])

    def script(self, path: str, replies: list[Reply]) -> None:
        if not replies:
            raise ValueError("a script needs at least one reply")
        with self._lock:
            self._routes[path] = _Route(list(replies))

    def handle(self, path: str, fn: Callable[[Recorded], Reply]) -> None:
        with self._lock:
            self._routes[path] = _Route(fn=fn)

    def handle_prefix(self, prefix: str, fn: Callable[[Recorded], Reply]) -> None:
        """Answer every path starting with `prefix` (after exact routes), e.g. a whole API host."""
        with self._lock:
            self._prefix_routes[prefix] = _Route(fn=fn)

    def paths_under(self, prefix: str) -> list[str]:
        """The distinct paths requested under `prefix`, in the order first seen."""
        with self._lock:
            return list(dict.fromkeys(r.path for r in self._log if r.path.startswith(prefix)))

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def requests(self, path: str) -> list[Recorded]:
        with self._lock:
            if "?" in path:
                p, _, q = path.partition("?")
                return [r for r in self._log if r.path == p and r.raw_query == q]
            return [r for r in self._log if r.path == path]

    def count(self, path: str) -> int:
        return len(self.requests(path))

    def reset_counts(self) -> None:
        with self._lock:
            self._log.clear()

    def fixture_text(self, relative: str) -> str:
        """A fixture file's text as served (with {{BASE_URL}} replaced)."""
        return (self.root / relative).read_text(encoding="utf-8").replace("{{BASE_URL}}", self.base_url)

    # --- serving
    def _resolve(self, req: Recorded) -> Reply:
        with self._lock:
            route = self._routes.get(f"{req.path}?{req.raw_query}") if req.raw_query else None
            route = route or self._routes.get(req.path)
            if route is None:
                route = next((r for p, r in self._prefix_routes.items() if req.path.startswith(p)), None)
            if route is not None:
                reply = route.next(req)
                if reply.conditional and "Last-Modified" not in reply.headers:
                    reply = Reply(**{**reply.__dict__, "headers": {
                        **reply.headers, "Last-Modified": email.utils.formatdate(route.last_modified, usegmt=True)}})
                return reply
        target = (self.root / unquote(req.path).lstrip("/")).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            return Reply(status=404, body="not found\n", content_type="text/plain")
        data = target.read_bytes()
        if target.suffix in TEXT_SUFFIXES:
            data = data.replace(b"{{BASE_URL}}", self.base_url.encode())
        ctype = CONTENT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Reply(body=data, content_type=ctype, conditional=True,
                     headers={"Last-Modified": email.utils.formatdate(target.stat().st_mtime, usegmt=True)})

    def _handler_class(self, tls: bool = False):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: counts are exact

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Recorded(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), parts.query,
                               {k: v for k, v in self.headers.items()}, body, tls)
                with server._lock:
                    server._log.append(req)
                reply = server._resolve(req)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                payload = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                headers = dict(reply.headers)
                status = reply.status
                if reply.conditional and status == 200:
                    etag = '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
                    headers.setdefault("ETag", etag)
                    inm = self.headers.get("If-None-Match")
                    ims = self.headers.get("If-Modified-Since")
                    lm = headers.get("Last-Modified")
                    if (inm and inm == headers["ETag"]) or (not inm and ims and lm and
                                                            email.utils.parsedate_to_datetime(ims) >= email.utils.parsedate_to_datetime(lm)):
                        status, payload = 304, b""
                try:
                    self.send_response(status)
                    if reply.content_type and status != 304:
                        self.send_header("Content-Type", reply.content_type)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if not reply.no_length and status != 304:
                        self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD" and status != 304:
                        self.wfile.write(payload if reply.truncate_to is None else payload[: reply.truncate_to])
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout, size limit): expected in misbehaviour tests

            do_GET = do_POST = do_HEAD = _serve

        return Handler


class _TLSServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer whose connections speak TLS; the handshake runs in each request's thread."""

    def __init__(self, address, handler, context: ssl.SSLContext):
        self._context = context
        super().__init__(address, handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        return self._context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address) -> None:
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # a client that refused our certificate (what the hostname-verification test expects)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        """A client that hung up mid-reply (a size limit, a timeout under test) is expected, not printed.

        socketserver prints such errors to whatever sys.stderr is at that moment, from the
        request's thread: a later test capturing stderr (click's CliRunner) would read them.
        """
        if isinstance(sys.exc_info()[1], (ssl.SSLEOFError, ConnectionError)):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def fixture_server():
    server = FixtureServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def loopback_http(fixture_server):
    """HttpSettings for talking to `fixture_server`: loopback allowed, its test CA trusted, fast retries, short timeouts."""
    from pipelines.sources.base import HttpSettings

    return HttpSettings(
        connect_timeout=2.0, read_timeout=2.0, max_attempts=3, backoff_base=0.01, backoff_max=2.0,
        max_bytes=5 * 1024 * 1024, allow_loopback=True, ca_bundle=fixture_server.ca_file,
    )
