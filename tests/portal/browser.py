"""Helpers for the portal's browser tests: a page in a language, with the network cut to the
test's own server, and the axe-core check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANGUAGES = {
    "zh": {"locale": "zh-CN", "accept": "zh-CN,zh-Hans;q=0.9"},
    "en": {"locale": "en-GB", "accept": "en-GB,en;q=0.9"},
}


def open_page(browser: Any, live_server: Any, language: str) -> Any:
    """A new browser context whose language is `language` ("zh" or "en"); requests to any
    other host are refused and recorded in `page.foreign_requests`."""
    settings = LANGUAGES[language]
    context = browser.new_context(
        locale=settings["locale"],
        extra_http_headers={"Accept-Language": settings["accept"]},
        viewport={"width": 1200, "height": 800},
    )
    page = context.new_page()
    own = live_server.url
    foreign: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(own) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            foreign.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.foreign_requests = foreign
    return page


def assert_accessible(page: Any) -> None:
    """axe-core (vendored for tests) finds no violation of serious or critical impact."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
