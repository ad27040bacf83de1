from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role
from core.models import BaseModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with e-mail; acts through the roles of their memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)  # type: ignore[assignment]
    is_staff = models.BooleanField(default=False, help_text="May log in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    def __str__(self) -> str:
        return self.email

    @cached_property
    def memberships(self) -> list[Membership]:
        return list(self.membership_set.select_related("organisation"))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(membership.role for membership in self.memberships)

    @property
    def organisation(self) -> Organisation | None:
        return next((m.organisation for m in self.memberships if m.organisation), None)

    @property
    def organisation_id(self) -> uuid.UUID | None:
        organisation = self.organisation
        return organisation.id if organisation else None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_programme_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


class Organisation(BaseModel):
    """A firm that buys, or a provider that sells. Identified by its unified social credit code."""

    class Kind(models.TextChoices):
        FIRM = "firm"
        PROVIDER = "provider"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    credit_code = models.CharField(max_length=18, unique=True)
    legal_representative = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["legal_representative"])]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role: in an organisation (firm or provider roles) or as staff (no organisation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(STAFF_ROLES), organisation__isnull=True)
                    | Q(role__in=sorted(FIRM_ROLES | PROVIDER_ROLES), organisation__isnull=False)
                ),
                name="membership_staff_roles_have_no_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class Affiliation(BaseModel):
    """A related party an organisation declares (shareholder, subsidiary, same group...)."""

    class Relation(models.TextChoices):
        SHAREHOLDER = "shareholder"
        SUBSIDIARY = "subsidiary"
        PARENT = "parent"
        SAME_GROUP = "same_group"
        OTHER = "other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    credit_code = models.CharField(max_length=18, db_index=True)
    relation = models.CharField(max_length=20, choices=Relation.choices)
    share_bps = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "credit_code"], name="affiliation_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(share_bps__isnull=True) | Q(share_bps__lte=10000),
                name="affiliation_share_bps_at_most_100_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} -> {self.credit_code} ({self.relation})"
