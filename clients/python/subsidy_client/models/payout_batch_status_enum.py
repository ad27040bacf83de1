from enum import StrEnum


class PayoutBatchStatusEnum(StrEnum):
    APPROVED = "approved"
    CLOSED = "closed"
    DRAFT = "draft"
    PREPARING = "preparing"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return str(self.value)
