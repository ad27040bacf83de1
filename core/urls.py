from __future__ import annotations

import re
from typing import Any

from django.urls import URLPattern, re_path

_CONVERTERS = {
    "uuid": "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "str": "[^/]+",
    "slug": "[-a-zA-Z0-9_]+",
}
_SEGMENT = re.compile(r"<(?P<converter>\w+):(?P<name>\w+)>")


def route(path: str, view: Any, name: str) -> URLPattern:
    """A URL that answers with and without a trailing slash, and never redirects (API.md).

    `path` takes `<uuid:name>`, `<str:name>` and `<slug:name>` segments like `django.urls.path`.
    """
    regex = _SEGMENT.sub(
        lambda m: f"(?P<{m['name']}>{_CONVERTERS[m['converter']]})", path.strip("/")
    )
    return re_path(rf"^{regex}/?$", view, name=name)
