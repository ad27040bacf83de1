from enum import StrEnum


class ReconciliationExceptionStatusEnum(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)
