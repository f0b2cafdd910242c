"""The trainer in a browser: textual-serve runs the same terminal app for every tab, each in
its own process, and this server adds a limit on how many run at once.

A tab over the limit gets a plain page saying the classroom is full (HTTP 503) and no app is
started for it. Imports aiohttp and textual-serve, never Textual: the app runs in the child.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from aiohttp import web
from textual_serve.server import Server

log = logging.getLogger("pacs-trainer.serve")

FULL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pacs-trainer: the classroom is full</title>
<meta http-equiv="refresh" content="30">
<style>body{{font-family:sans-serif;background:#0c181f;color:#eee;display:flex;
align-items:center;justify-content:center;height:90vh}}main{{max-width:36em}}</style></head>
<body><main><h1>The classroom is full</h1>
<p>All {limit} places of this pacs-trainer server are taken, so no new session was started.
This page tries again every 30 seconds; a place frees up when someone closes their tab.</p>
<p>If you are the instructor: start the server with a higher <code>--max-sessions</code>.</p>
</main></body></html>
"""


class ClassroomServer(Server):
    """textual-serve's server with at most `max_sessions` apps running at once."""

    def __init__(self, command: str, *, max_sessions: int, **options: Any) -> None:
        super().__init__(command, **options)
        self.max_sessions = max_sessions
        self.sessions = 0

    @property
    def full(self) -> bool:
        return self.sessions >= self.max_sessions

    def _full_page(self) -> web.Response:
        page = FULL_PAGE.format(limit=html.escape(str(self.max_sessions)))
        return web.Response(status=503, text=page, content_type="text/html",
                            headers={"Retry-After": "30"})

    async def handle_index(self, request: web.Request) -> Any:
        if self.full:
            return self._full_page()
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.full:  # the page was open before the limit was reached: no app for it
            websocket = web.WebSocketResponse()
            await websocket.prepare(request)
            await websocket.close(code=1013, message=b"the classroom is full")
            return websocket
        self.sessions += 1
        log.info("session opened (%d of %d)", self.sessions, self.max_sessions)
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1
            log.info("session closed (%d of %d)", self.sessions, self.max_sessions)

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(
            f"pacs-trainer for a classroom on {self.public_url} "
            f"(at most {self.max_sessions} sessions). Press Ctrl+C to stop.",
            highlight=False, markup=False,
        )
