from django.db import models


class Role(models.TextChoices):
    FIRM_ADMIN = "firm_admin"
    FIRM_MEMBER = "firm_member"
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_MEMBER = "provider_member"
    PROGRAMME_OFFICER = "programme_officer"
    FINANCE_OFFICER = "finance_officer"
    AUDITOR = "auditor"


FIRM_ROLES = frozenset({Role.FIRM_ADMIN, Role.FIRM_MEMBER})
PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER})
STAFF_ROLES = frozenset({Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR})
ADMIN_ROLES = frozenset({Role.FIRM_ADMIN, Role.PROVIDER_ADMIN})
