"""The front of ``rolegraph serve``: an HTTP server on the user's port that hands every request to
the Oxigraph child listening on a private port, and turns away a query or update with a SERVICE
clause (which would make the server send requests to any address it names) unless allowed.

The Oxigraph server has no switch for SERVICE, so the check is made here, on the SPARQL text of
each request, in all three forms the SPARQL 1.1 protocol allows (GET ``?query=``, a form POST,
a direct POST). Binding this port first is also how a port already taken is seen at once.
"""

from __future__ import annotations

import http.client
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from graph.queries import uses_service

# headers that belong to one connection, not to the request or answer passed on
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host"}
_FIELDS = ("query", "update")
REFUSAL = (
    "rolegraph serve refuses SERVICE: it would make this server send requests to the address it names. "
    "Start it with --allow-service to let it.\n"
)


class Gate(ThreadingHTTPServer):
    """Listens on ``(host, port)``; passes requests to ``upstream`` (host, port)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], *, allow_service: bool) -> None:
        super().__init__(address, _Handler)
        self.upstream, self.allow_service = upstream, allow_service

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="rolegraph-gate", daemon=True)
        thread.start()
        return thread


def sparql_texts(path: str, content_type: str, body: bytes) -> list[str]:
    """The SPARQL query and update texts a protocol request carries."""
    texts = [value for field in _FIELDS for value in urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get(field, [])]
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"))
        texts += [value for field in _FIELDS for value in form.get(field, [])]
    elif kind in {"application/sparql-query", "application/sparql-update"}:
        texts.append(body.decode("utf-8", errors="replace"))
    return texts


class _Handler(BaseHTTPRequestHandler):
    server: Gate
    protocol_version = "HTTP/1.0"  # one request a connection: an answer ends when the connection does

    def _pass(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._answer(411, "send the body with a Content-Length\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        texts = sparql_texts(self.path, self.headers.get("Content-Type", ""), body)
        if not self.server.allow_service and any(uses_service(text) for text in texts):
            self._answer(403, REFUSAL)
            return
        upstream = http.client.HTTPConnection(*self.server.upstream)
        started = False
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            upstream.request(self.command, self.path, body=body if length > 0 else None, headers=headers)
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            started = True
            for key, value in answer.getheaders():
                if key.lower() not in _HOP | {"server", "date"}:
                    self.send_header(key, value)
            self.end_headers()
            shutil.copyfileobj(answer, self.wfile, 1 << 16)
        except (OSError, http.client.HTTPException):
            if not started:  # else the client sees an answer cut short, as it was
                self._answer(502, "the oxigraph server behind rolegraph serve did not answer\n")
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _pass

    def _answer(self, status: int, text: str) -> None:
        body = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client has gone
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the name the base class gives it
        pass
