from core.urls import route
from providers import apis

urlpatterns = [
    route(
        "accreditation-requests",
        apis.AccreditationRequestsApi.as_view(),
        "accreditation-request-list",
    ),
    route(
        "accreditation-requests/<uuid:id>",
        apis.AccreditationRequestDetailApi.as_view(),
        "accreditation-request-detail",
    ),
    route(
        "accreditation-requests/<uuid:id>/approve",
        apis.AccreditationRequestApproveApi.as_view(),
        "accreditation-request-approve",
    ),
    route(
        "accreditation-requests/<uuid:id>/reject",
        apis.AccreditationRequestRejectApi.as_view(),
        "accreditation-request-reject",
    ),
    route("providers/me/bank-account", apis.BankAccountApi.as_view(), "provider-bank-account"),
    route("providers", apis.ProviderListApi.as_view(), "provider-list"),
    route("providers/<uuid:id>", apis.ProviderDetailApi.as_view(), "provider-detail"),
]
