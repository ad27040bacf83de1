from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal import nav


def portal(request: HttpRequest) -> dict[str, Any]:
    """The layout's navigation and the signed-in user's organisation, computed only when a
    template uses them (the admin's pages never do)."""
    user = request.user
    return {
        "nav_sections": SimpleLazyObject(lambda: nav.sections_for(user)),  # type: ignore[arg-type]
        "current_organisation": SimpleLazyObject(
            lambda: user.organisation if user.is_authenticated else None  # type: ignore[union-attr]
        ),
    }
