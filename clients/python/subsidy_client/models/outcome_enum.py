from enum import StrEnum


class OutcomeEnum(StrEnum):
    CONFIRM = "confirm"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
