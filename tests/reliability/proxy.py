"""A real HTTP proxy in front of the second stack's CKAN, where a scenario injects its fault at an exact call.

Why a proxy rather than patching the publisher: the pipeline must meet the
fault the way production would — a CKAN that stops answering in the middle
of a sequence of API calls. The proxy forwards every request unchanged; when
an armed trigger matches a request (an action name, a dataset id in the body)
it runs the fault (kill CKAN, restart PostgreSQL) first, then forwards the
request — or drops the connection if CKAN is gone.

The proxy keeps a log of (request number, path, event) — "received", "fault",
"answered <status>" or "dropped" — so a scenario can prove from it that its
fault struck while a request of the run was open (received, not yet answered).
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te", "upgrade"}


class Trigger:
    def __init__(self, match: Callable[[str, bytes], bool], fault: Callable[[], None]):
        self.match, self.fault = match, fault
        self.fired = threading.Event()


class FaultProxy:
    def __init__(self, target: str):
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        self.triggers: list[Trigger] = []
        self.actions: list[str] = []
        self.log: list[tuple[int, str, str]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def arm(self, match: Callable[[str, bytes], bool], fault: Callable[[], None]) -> Trigger:
        """Run `fault` once, just before forwarding the first request for which match(path, body) is true."""
        trigger = Trigger(match, fault)
        with self._lock:
            self.triggers.append(trigger)
        return trigger

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def note(self, number: int, path: str, event: str) -> None:
        with self._lock:
            self.log.append((number, path, event))

    def events_of(self, number: int) -> list[str]:
        with self._lock:
            return [event for n, _path, event in self.log if n == number]

    def fault_requests(self) -> list[int]:
        """Numbers of the requests during which a fault ran."""
        with self._lock:
            return [n for n, _path, event in self.log if event == "fault"]

    def _fire(self, number: int, path: str, body: bytes) -> None:
        with self._lock:
            due = [t for t in self.triggers if not t.fired.is_set() and t.match(path, body)]
            for t in due:
                t.fired.set()
                self.triggers.remove(t)
        for t in due:
            t.fault()
            self.note(number, path, "fault")

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.actions.append(self.path)
                    number = len(proxy.actions)
                proxy.note(number, self.path, "received")
                proxy._fire(number, self.path, body)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                try:
                    conn = http.client.HTTPConnection(*proxy.target, timeout=300)
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    payload = resp.read()
                    conn.close()
                except OSError:
                    proxy.note(number, self.path, "dropped")
                    self.close_connection = True  # CKAN is gone: the client sees the connection drop
                    return
                proxy.note(number, self.path, f"answered {resp.status}")
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _forward

        return Handler


def action_is(name: str, dataset_id: str | None = None) -> Callable[[str, bytes], bool]:
    """Match a CKAN API action (optionally only when the body names `dataset_id`)."""
    def match(path: str, body: bytes) -> bool:
        return path.split("?")[0].rstrip("/").endswith(f"/action/{name}") and (
            dataset_id is None or dataset_id.encode() in body or dataset_id in path)
    return match
