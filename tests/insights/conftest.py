"""Insights fixtures: a recording webhook server on loopback, an SMTP server, an app DB
with a clock the test moves."""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from shopkpi.appdb.db import AppDB


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


@dataclass
class Hook:
    """A webhook endpoint: answers with ``replies`` in turn (then 200 ok), records posts."""

    url: str
    replies: list[Reply]
    posts: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    hook: Hook

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        raw_query = split.query
        body = json.loads(self.rfile.read(length))
        self.hook.posts.append({"path": split.path, "query": query, "raw_query": raw_query, "body": body})  # fmt: skip
        reply = self.hook.replies.pop(0) if self.hook.replies else Reply()
        time.sleep(reply.delay)
        data = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out first (the timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook("", [], [])
    handler = type("Handler", (_Handler,), {"hook": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=tok"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO with AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    received: list[dict[str, Any]]

    def handle(self) -> None:
        mail: dict[str, Any] = {"rcpt": []}
        self._say("220 localhost test SMTP")
        while line := self.rfile.readline().decode():
            verb = line.strip().split(" ", 1)[0].upper()
            arg = line.strip()[len(verb) + 1 :]
            if verb == "EHLO":
                self._say("250-localhost\r\n250 AUTH PLAIN")
            elif verb == "AUTH":
                mail["auth"] = arg
                self._say("235 ok")
            elif verb == "MAIL":
                mail["from"] = arg
                self._say("250 ok")
            elif verb == "RCPT":
                mail["rcpt"].append(arg)
                self._say("250 ok")
            elif verb == "DATA":
                self._say("354 go on")
                lines = []
                while (data := self.rfile.readline()) != b".\r\n":
                    lines.append(data)
                mail["data"] = b"".join(lines)
                self.received.append(mail)
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("SMTPHandler", (_SMTPHandler,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


class MovableClock:
    """The app DB's clock: stays where the test puts it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(dt.datetime(2026, 11, 12, 1, 0, 0))


@pytest.fixture
def db(tmp_path: Path, clock: MovableClock) -> Iterator[AppDB]:
    appdb = AppDB(f"sqlite:///{tmp_path / 'app.db'}", clock=clock)
    yield appdb
    appdb.close()
