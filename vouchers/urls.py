from core.urls import route
from vouchers import apis

urlpatterns = [
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
