"""Pages run under a CSP with `script-src 'self'`: an inline script would silently never run in a browser."""

from __future__ import annotations

import re
from pathlib import Path

from casebook.apps import ALL_APPS
from casebook.web.routes import STATIC_DIR

WEB_TEMPLATES = STATIC_DIR.parent / "templates"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_HANDLER = re.compile(r"\son(click|submit|change|input|load)\s*=", re.IGNORECASE)


def _templates() -> list[Path]:
    folders = [WEB_TEMPLATES, *(app.template_dir for app in ALL_APPS if app.template_dir)]
    return [path for folder in folders for path in folder.rglob("*.html")]


def test_no_template_has_an_inline_script_or_handler() -> None:
    offenders = [f"{path}: {match.group(0)}" for path in _templates()
                 for pattern in (_INLINE_SCRIPT, _INLINE_HANDLER) for match in pattern.finditer(path.read_text())]
    assert offenders == []


async def test_an_apps_scripts_are_served_from_its_static_folder(client) -> None:
    served = await client.get("/static/instagram/thread.js")
    assert served.status_code == 200
    assert "javascript" in served.headers["content-type"]
    assert "EventSource" in served.text
