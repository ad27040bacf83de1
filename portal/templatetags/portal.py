from __future__ import annotations

from django import template

from portal import labels

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    return labels.role_label(role)
