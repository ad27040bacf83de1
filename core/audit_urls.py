from core.audit_apis import AuditEventsApi
from core.urls import route

urlpatterns = [route("audit-events", AuditEventsApi.as_view(), "audit-event-list")]
