"""Serving the dashboard: a plain HTTP server on loopback for `aether view` and the tests,
and a small ASGI app the control plane mounts at "/" (no web framework needed here)."""

from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aether.web.files import content_type, resolve


def serve_folder(folder: Path | None, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server (not yet serving: call serve_forever, e.g. in a thread) for the dashboard
    and the run folder's scene; port 0 takes a free one (server.server_address)."""

    class Handler(SimpleHTTPRequestHandler):
        def send_head(self):
            found = resolve(self.path, folder)
            if found is None:
                self.send_error(404, "not found")
                return None
            handle = found.open("rb")
            self.send_response(200)
            self.send_header("Content-Type", content_type(found))
            self.send_header("Content-Length", str(found.stat().st_size))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return handle

        def log_message(self, format, *args):  # quiet: the command prints the address once
            pass

    return ThreadingHTTPServer((host, port), Handler)


def asgi_app(folder: Path | None = None):
    """An ASGI application serving the dashboard (GET and HEAD), with scene.czml from
    folder; for the control plane to mount at "/" (`app.mount("/", asgi_app(folder))`)."""

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        found = resolve(scope.get("path", "/"), folder)
        if scope["method"] not in ("GET", "HEAD"):
            status, body, kind = 405, b"method not allowed", "text/plain"
        elif found is None:
            status, body, kind = 404, b"not found", "text/plain"
        else:
            status, body, kind = 200, found.read_bytes(), content_type(found)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    return app
