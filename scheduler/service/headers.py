"""The headers every answer of the service carries: no type sniffing, no framing by
another site, no address sent to another site, and a content policy.

The policy lets a page run only this server's scripts and, by their SHA-256 hash, the
inline scripts the page itself holds (report.html's, the OpenAPI page's), so that text
from an instance that ever reached the markup could not run as a script. Styles may be
inline: the grid's and charts' sizes and the activities' colours are style attributes.
The referrer policy is `same-origin` rather than `no-referrer`: under `no-referrer` a
browser sends `Origin: null` on the page's own changes, which the service refuses as
another site's.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self'{hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
"""The content policy of an HTML answer; `{hashes}` takes its inline scripts' hashes."""
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
"""Any other answer (JSON, CSV, a calendar, an SVG) opened on its own runs nothing."""
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_NOT_RUN = re.compile(rb"(?:^|\s)(?:src\s*=|type\s*=\s*['\"]?application/(?:ld\+)?json)", re.I)


def page_policy(html: bytes) -> str:
    """The policy of one HTML page: this server's scripts and the page's inline ones."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for attributes, body in _INLINE_SCRIPT.findall(html)
            if not _NOT_RUN.search(attributes)
        }
    )
    return "; ".join(PAGE_POLICY).format(hashes="".join(" " + h for h in hashes))


class SecurityHeaders:
    """Adds `FIXED` and the content policy to every answer; an HTML answer is held
    until its body is whole, to hash its inline scripts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        body: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FIXED.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith("text/html"):
                    held = message
                    return
                headers.setdefault("Content-Security-Policy", OTHER_POLICY)
            elif held is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                content = b"".join(body)
                MutableHeaders(scope=held)["Content-Security-Policy"] = page_policy(content)
                start, held = held, None
                await send(start)
                message = {"type": "http.response.body", "body": content}
            await send(message)

        await self.app(scope, receive, sending)
