from enum import StrEnum


class RelationEnum(StrEnum):
    OTHER = "other"
    PARENT = "parent"
    SAME_GROUP = "same_group"
    SHAREHOLDER = "shareholder"
    SUBSIDIARY = "subsidiary"

    def __str__(self) -> str:
        return str(self.value)
