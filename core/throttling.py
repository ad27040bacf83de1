"""Throttles beyond DRF's own."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle


class WriteScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (the view's `throttle_scope`, rates in DEFAULT_THROTTLE_RATES,
    counted in the shared cache), counting only writes: a view's reads stay unthrottled."""

    writes_only = True

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
