from enum import StrEnum


class MembershipRoleEnum(StrEnum):
    AUDITOR = "auditor"
    FINANCE_OFFICER = "finance_officer"
    FIRM_ADMIN = "firm_admin"
    FIRM_MEMBER = "firm_member"
    PROGRAMME_OFFICER = "programme_officer"
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_MEMBER = "provider_member"

    def __str__(self) -> str:
        return str(self.value)
