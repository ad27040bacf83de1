from core.urls import route
from vouchers import apis

urlpatterns = [
    route("programmes", apis.ProgrammeListApi.as_view(), "programme-list"),
    route("programmes/<slug:code>", apis.ProgrammeDetailApi.as_view(), "programme-detail"),
    route("programmes/<slug:code>/report", apis.ProgrammeReportApi.as_view(), "programme-report"),
    route(
        "voucher-applications", apis.VoucherApplicationsApi.as_view(), "voucher-application-list"
    ),
    route(
        "voucher-applications/<uuid:id>",
        apis.VoucherApplicationDetailApi.as_view(),
        "voucher-application-detail",
    ),
    route(
        "voucher-applications/<uuid:id>/approve",
        apis.VoucherApplicationApproveApi.as_view(),
        "voucher-application-approve",
    ),
    route(
        "voucher-applications/<uuid:id>/reject",
        apis.VoucherApplicationRejectApi.as_view(),
        "voucher-application-reject",
    ),
    route("vouchers", apis.VoucherListApi.as_view(), "voucher-list"),
    route("vouchers/<uuid:id>", apis.VoucherDetailApi.as_view(), "voucher-detail"),
    route("vouchers/<uuid:id>/revoke", apis.VoucherRevokeApi.as_view(), "voucher-revoke"),
]
