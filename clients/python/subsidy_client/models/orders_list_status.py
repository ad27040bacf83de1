from enum import StrEnum


class OrdersListStatus(StrEnum):
    ACCEPTED = "accepted"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    EXPIRED = "expired"
    PENDING_PROVIDER = "pending_provider"
    REJECTED = "rejected"
    VOIDED = "voided"

    def __str__(self) -> str:
        return str(self.value)
