from enum import StrEnum


class PayoutStatusEnum(StrEnum):
    HELD = "held"
    PAID = "paid"
    PENDING = "pending"
    RETURNED = "returned"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
