from enum import StrEnum


class ReconciliationExceptionsListKind(StrEnum):
    ALREADY_SETTLED = "already_settled"
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    DUPLICATE_LINE = "duplicate_line"
    PAYOUT_NOT_PAID = "payout_not_paid"
    PAYOUT_NOT_SENT = "payout_not_sent"
    UNKNOWN_REFERENCE = "unknown_reference"

    def __str__(self) -> str:
        return str(self.value)
