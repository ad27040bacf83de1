from enum import StrEnum


class OrganisationKindEnum(StrEnum):
    FIRM = "firm"
    PROVIDER = "provider"

    def __str__(self) -> str:
        return str(self.value)
