from enum import StrEnum


class OrganisationRoleEnum(StrEnum):
    FIRM_ADMIN = "firm_admin"
    FIRM_MEMBER = "firm_member"
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_MEMBER = "provider_member"

    def __str__(self) -> str:
        return str(self.value)
