from __future__ import annotations

import structlog
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from knox.models import AuthToken

from accounts.models import Affiliation, Membership, Organisation, User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role
from accounts.validators import normalise_credit_code
from core.audit import audit_record
from core.exceptions import PermissionDeniedError, ValidationError

log = structlog.get_logger(__name__)

_ADMIN_ROLE: dict[str, str] = {
    Organisation.Kind.FIRM: Role.FIRM_ADMIN,
    Organisation.Kind.PROVIDER: Role.PROVIDER_ADMIN,
}
_ROLES_OF_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.FIRM: FIRM_ROLES,
    Organisation.Kind.PROVIDER: PROVIDER_ROLES,
}


def _credit_code(value: str, field: str = "credit_code") -> str:
    try:
        return normalise_credit_code(value)
    except ValueError as exc:
        raise ValidationError(str(exc), fields={field: [str(exc)]}) from exc


def _check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(
            "The password is too weak.", fields={field: list(exc.messages)}
        ) from exc


def _new_user(*, email: str, password: str, field_prefix: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            "A user with this e-mail already exists.",
            fields={f"{field_prefix}email": ["A user with this e-mail already exists."]},
        )
    _check_password(password, field=f"{field_prefix}password")
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password)
    except IntegrityError as exc:  # a concurrent request took the e-mail after our check
        raise ValidationError(
            "A user with this e-mail already exists.",
            fields={f"{field_prefix}email": ["A user with this e-mail already exists."]},
        ) from exc


def organisation_register(
    *,
    kind: str,
    name: str,
    credit_code: str,
    legal_representative: str,
    admin_email: str,
    admin_password: str,
) -> tuple[Organisation, User]:
    """Register a firm or provider with its first admin. The credit code is unique and its
    check digit must verify (GB 32100-2015)."""
    credit_code = _credit_code(credit_code)
    with transaction.atomic():
        if Organisation.objects.filter(credit_code=credit_code).exists():
            raise ValidationError(
                "An organisation with this credit code is already registered.",
                fields={"credit_code": ["Already registered."]},
            )
        user = _new_user(email=admin_email, password=admin_password, field_prefix="admin_")
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    kind=kind,
                    name=name.strip(),
                    credit_code=credit_code,
                    legal_representative=legal_representative.strip(),
                )
        except IntegrityError as exc:  # a concurrent registration of the same code
            raise ValidationError(
                "An organisation with this credit code is already registered.",
                fields={"credit_code": ["Already registered."]},
            ) from exc
        Membership.objects.create(user=user, organisation=organisation, role=_ADMIN_ROLE[kind])
        audit_record(
            actor=user,
            action="organisation.registered",
            target=organisation,
            after={
                "kind": kind,
                "name": organisation.name,
                "credit_code": credit_code,
                "admin_email": user.email,
            },
        )
    log.info("organisation.registered", organisation=str(organisation.id), kind=kind)
    return organisation, user


def member_add(*, actor: User, email: str, password: str, role: str) -> Membership:
    """An organisation admin adds a member with a role of the organisation's kind."""
    organisation = actor.organisation
    if organisation is None or not actor.has_role(_ADMIN_ROLE[organisation.kind]):
        raise PermissionDeniedError("Only an organisation admin may add members.")
    if role not in _ROLES_OF_KIND[organisation.kind]:
        allowed = sorted(_ROLES_OF_KIND[organisation.kind])
        raise ValidationError(
            f"A {organisation.kind} member's role must be one of {', '.join(allowed)}.",
            fields={"role": [f"Must be one of {', '.join(allowed)}."]},
        )
    with transaction.atomic():
        user = _new_user(email=email, password=password)
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_record(
            actor=actor,
            action="membership.added",
            target=membership,
            after={"organisation": str(organisation.id), "email": user.email, "role": role},
        )
    return membership


def affiliation_declare(
    *, actor: User, credit_code: str, relation: str, share_bps: int | None = None
) -> Affiliation:
    """Declare a related party; orders between related parties are refused (DESIGN.md 2.3)."""
    organisation = actor.organisation
    if organisation is None or not actor.has_role(_ADMIN_ROLE[organisation.kind]):
        raise PermissionDeniedError("Only an organisation admin may declare affiliations.")
    credit_code = _credit_code(credit_code)
    if credit_code == organisation.credit_code:
        raise ValidationError(
            "An organisation cannot declare itself as an affiliate.",
            fields={"credit_code": ["This is your own credit code."]},
        )
    with transaction.atomic():
        if Affiliation.objects.filter(organisation=organisation, credit_code=credit_code).exists():
            raise ValidationError(
                "This affiliation is already declared.",
                fields={"credit_code": ["Already declared."]},
            )
        try:
            with transaction.atomic():
                affiliation = Affiliation.objects.create(
                    organisation=organisation,
                    credit_code=credit_code,
                    relation=relation,
                    share_bps=share_bps,
                )
        except IntegrityError as exc:  # a concurrent request declared it after our check
            raise ValidationError(
                "This affiliation is already declared.",
                fields={"credit_code": ["Already declared."]},
            ) from exc
        audit_record(
            actor=actor,
            action="affiliation.declared",
            target=affiliation,
            after={
                "organisation": str(organisation.id),
                "credit_code": credit_code,
                "relation": relation,
                "share_bps": share_bps,
            },
        )
    return affiliation


def staff_create(*, email: str, password: str, role: str, actor: User | None = None) -> User:
    """Create a staff user (programme officer, finance officer or auditor), or give an existing
    staff user another staff role. Idempotent for the same e-mail and role."""
    if role not in STAFF_ROLES:
        raise ValidationError(
            f"Staff roles are {', '.join(sorted(STAFF_ROLES))}.",
            fields={"role": ["Not a staff role."]},
        )
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            _check_password(password)
            user = User.objects.create_user(email=email, password=password)
        elif user.organisation is not None:
            raise ValidationError(
                "This user belongs to an organisation and cannot be staff.",
                fields={"email": ["Belongs to an organisation."]},
            )
        membership, created = Membership.objects.get_or_create(user=user, role=role)
        if created:
            audit_record(
                actor=actor,
                action="staff.role_granted",
                target=membership,
                after={"email": email, "role": role},
            )
    return user


def token_issue(*, email: str, password: str) -> tuple[str, AuthToken]:
    """Exchange e-mail and password for an API token (hashed at rest, expiring)."""
    user = authenticate(email=User.objects.normalize_email(email).lower(), password=password)
    if user is None or not user.is_active:
        raise ValidationError(
            "The e-mail or password is wrong.",
            fields={"non_field_errors": ["The e-mail or password is wrong."]},
        )
    instance, token = AuthToken.objects.create(user=user)
    return token, instance
