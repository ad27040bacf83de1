"""The audit log's API (API.md section 7): read-only, for staff, auditors included."""

from __future__ import annotations

from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import BaseApi
from core.models import AuditEvent
from core.pagination import CursorPagination


class IsProgrammeStaff(BasePermission):
    """Staff of a programme read the log. Who is staff is the user model's to say
    (`is_programme_staff`), so core needs no knowledge of roles."""

    message = "Your role does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_programme_staff", False))


class AuditEventOutput(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.EmailField(source="actor.email", allow_null=True, default=None)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "ip", "changes"]

    def get_changes(self, event: AuditEvent) -> dict[str, Any]:
        return {"before": event.before, "after": event.after}


class AuditEventFilter(filters.FilterSet):
    object_id = filters.CharFilter(max_length=64)
    actor = filters.CharFilter(field_name="actor__email", lookup_expr="iexact", max_length=254)
    action = filters.CharFilter(max_length=100)
    object_type = filters.CharFilter(max_length=100)

    class Meta:
        model = AuditEvent
        fields = ["object_id", "actor", "action", "object_type"]


class AuditEventPagination(CursorPagination):
    ordering = ("-at", "-id")


class AuditEventsApi(BaseApi):
    """The append-only audit log, for auditors and staff."""

    serializer_class = AuditEventOutput
    filterset_class = AuditEventFilter
    permission_classes = [IsProgrammeStaff]
    pagination_class = AuditEventPagination
    queryset = AuditEvent.objects.none()

    @extend_schema(operation_id="audit_events_list", responses={200: AuditEventOutput(many=True)})
    def get(self, request: Request) -> Response:
        queryset = AuditEvent.objects.select_related("actor")
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(AuditEventOutput(page, many=True).data)
