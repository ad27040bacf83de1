"""Every Django admin action writes the audit log, as the API's services do.

The admin records what it does through `ModelAdmin.log_addition`, `log_change` (also the
password form and list-editable saves) and `log_deletions` (also the bulk delete action),
inside the transaction of its change. `audit_every_admin` gives every registered admin,
third-party ones included, a version of those methods that also appends an audit event, so
an admin change and its event commit together. Money models are read-only in the admin (no
add, change or delete), so they never get here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.audit import audit_record


class AuditedAdminMixin:
    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        _audit(request, "admin.created", obj, message)
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        _audit(request, "admin.changed", obj, message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Iterable[models.Model]) -> Any:
        objects = list(queryset)  # called before the deletion: the rows still exist
        for obj in objects:
            _audit(request, "admin.deleted", obj, None)
        return super().log_deletions(request, objects)  # type: ignore[misc]


def _audit(request: HttpRequest, action: str, obj: models.Model, message: Any) -> None:
    after: dict[str, Any] = {"object": str(obj)}
    if message:
        after["change"] = message
    audit_record(actor=request.user, action=action, target=obj, after=after)


def audit_every_admin(site: admin.AdminSite) -> None:
    """Re-register each of the site's model admins with `AuditedAdminMixin` in front."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        base = type(model_admin)
        audited = type(f"Audited{base.__name__}", (AuditedAdminMixin, base), {})
        site.unregister(model)
        site.register(model, audited)
