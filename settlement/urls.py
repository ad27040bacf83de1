from core.urls import route
from settlement import apis

urlpatterns = [
    route("programmes/<slug:code>/report", apis.ProgrammeReportApi.as_view(), "programme-report"),
    route("payout-batches", apis.PayoutBatchesApi.as_view(), "payout-batch-list"),
    route("payout-batches/<uuid:id>", apis.PayoutBatchDetailApi.as_view(), "payout-batch-detail"),
    route(
        "payout-batches/<uuid:id>/submit",
        apis.PayoutBatchSubmitApi.as_view(),
        "payout-batch-submit",
    ),
    route(
        "payout-batches/<uuid:id>/approve",
        apis.PayoutBatchApproveApi.as_view(),
        "payout-batch-approve",
    ),
    route(
        "payout-batches/<uuid:id>/bank-file",
        apis.PayoutBatchBankFileApi.as_view(),
        "payout-batch-bank-file",
    ),
    route("bank-statements", apis.BankStatementsApi.as_view(), "bank-statement-list"),
    route(
        "reconciliation-exceptions",
        apis.ReconciliationExceptionsApi.as_view(),
        "reconciliation-exception-list",
    ),
    route(
        "reconciliation-exceptions/<uuid:id>/resolve",
        apis.ReconciliationExceptionResolveApi.as_view(),
        "reconciliation-exception-resolve",
    ),
    route("clawbacks", apis.ClawbacksApi.as_view(), "clawback-list"),
]
