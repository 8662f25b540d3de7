"""A misbehaving HTTP server on 127.0.0.1 for the red-team suite: every path is one way a
SPARQL endpoint can go wrong."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: what the server does for each path (the tests list them too)
BEHAVIOURS = {
    "/ok": "a correct SPARQL results JSON answer to ASK (true)",
    "/500": "HTTP 500 with an HTML error page",
    "/hang": "reads the request, then never answers",
    "/drip": "HTTP 200 and headers at once, then the body one byte every 0.2 s, forever",
    "/drip-headers": "the status line, then one header byte every 0.2 s, forever",
    "/huge": "HTTP 200, chunked, an endless body of spaces",
    "/huge-declared": "HTTP 200 with Content-Length 10 GB (then nothing)",
    "/nested": "HTTP 200, SPARQL results JSON type, a JSON array nested 200,000 deep",
    "/garbage": "HTTP 200, SPARQL results JSON type, an HTML body",
    "/not-object": "HTTP 200, a JSON list instead of an object",
    "/bad-bindings": "HTTP 200, JSON whose bindings are not objects",
    "/echo": "HTTP 400 whose body repeats the request's Authorization header",
    "/echo-reason": "HTTP 403 whose reason phrase repeats the Authorization header",
    "/redirect-loop": "302 to itself, forever",
    "/redirect-file": "302 to file:///etc/passwd",
    "/redirect-other-host": "302 to /echo on another host name (localhost)",
    "/not-http": "answers bytes that are not HTTP",
    "/close": "closes the connection without a word",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HostileServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.handle_any()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.handle_any()

    do_PUT = do_POST

    def send(self, status: int, body: bytes, content_type: str = "text/plain", reason: str | None = None) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self) -> None:
        path = self.path.split("?", 1)[0]
        stop = self.server.stopping
        auth = self.headers.get("Authorization", "(none)")
        if path == "/ok":
            self.send(200, b'{"head": {}, "boolean": true}', "application/sparql-results+json")
        elif path == "/500":
            self.send(500, b"<html><head><title>Internal Server Error</title></head><body><h3>boom: the "
                           b"store is on fire</h3></body></html>", "text/html")
        elif path == "/hang":
            stop.wait(120)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "100000000")
            self.end_headers()
            while not stop.wait(0.2):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.2):
                try:
                    self.wfile.write(b"X")
                    self.wfile.flush()
                except OSError:
                    return
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b" " * 65536
            framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            while not stop.is_set():
                try:
                    self.wfile.write(framed)
                except OSError:
                    return
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            stop.wait(30)
        elif path == "/nested":
            self.send(200, b"[" * 200_000 + b"]" * 200_000, "application/sparql-results+json")
        elif path == "/garbage":
            self.send(200, b"<html><body>I am not JSON at all</body></html>", "application/sparql-results+json")
        elif path == "/not-object":
            self.send(200, b"[1, 2, 3]", "application/sparql-results+json")
        elif path == "/bad-bindings":
            body = {"head": {"vars": ["x"]}, "results": {"bindings": [42, {"x": {"type": "spaceship"}}]}}
            self.send(200, json.dumps(body).encode(), "application/sparql-results+json")
        elif path == "/echo":
            self.send(400, f"Bad request. You sent: Authorization: {auth} (and that is wrong)".encode(), "text/plain")
        elif path == "/echo-reason":
            self.send(403, b"forbidden", "text/plain", reason=f"Forbidden for {auth}")
        elif path == "/redirect-loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/redirect-other-host":
            self.send_response(307)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/echo")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/not-http":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.0\r\n\x00\x01garbage\r\n\r\n")
            self.close_connection = True
        elif path == "/close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.send(404, b"no such path")


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        time.sleep(0.05)
        self.shutdown()
        self.server_close()
