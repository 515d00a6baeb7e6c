"""A local stand-in for Parliament's Written Questions and Bills APIs: replays responses in the
APIs' JSON shape (tests/parliament/ writes them from real questions and a real bill), one queue
per path, and records every request. No test reaches the internet."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Reply:
    body: object = None  # JSON-able, or a str sent as it is (malformed JSON)
    status: int = 200
    headers: dict | None = None
    delay: float = 0.0  # seconds before answering (a read timeout)


logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request


class ParliamentServer:
    def __init__(self):
        self.replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.sticky: dict[str, Reply] = {}
        self.requests: list[Request] = []
        self.times: list[float] = []  # when each request arrived (time.monotonic())
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        nothing = Reply({"totalResults": 0, "results": []})
        for listing in ("/api/writtenquestions/questions", "/api/writtenstatements/statements"):
            self.sticky[f"{listing}?skip=0"] = nothing  # until a test says otherwise

    def start(self) -> ParliamentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def reply(self, path: str, *replies: Reply, forever: Reply | None = None) -> None:
        """Answer `path` with `replies` in turn, then with `forever` (if given)."""
        self.replies[path].extend(replies)
        if forever is not None:
            self.sticky[path] = forever

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    @Request.application
    def _app(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        self.requests.append(request)
        key = request.path
        skip = request.args.get("skip", request.args.get("Skip"))  # the Bills API's spelling
        if skip is not None:
            key = f"{request.path}?skip={skip}"
        queue = self.replies.get(key)
        reply = queue.popleft() if queue else self.sticky.get(key)
        if reply is None:
            return Response("not found", status=404)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        return Response(
            body, status=reply.status, headers=reply.headers or {}, mimetype="application/json"
        )
