from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ReasonInput(serializers.Serializer[Any]):
    """The body of every refusal-style action (reject, revoke, suspend, dispute)."""

    reason = serializers.CharField(max_length=2000)
