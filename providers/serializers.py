"""Serializers that more than one app's API renders."""

from __future__ import annotations

from rest_framework import serializers

from providers.models import Accreditation


class AccreditationOutput(serializers.ModelSerializer[Accreditation]):
    programme = serializers.CharField(source="programme.code")

    class Meta:
        model = Accreditation
        fields = ["id", "programme", "category", "status", "reason"]
