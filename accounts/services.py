from __future__ import annotations

import structlog
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts.lockout import LOCKED_MESSAGE, retry_after_seconds
from accounts.models import Affiliation, Membership, Organisation, User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role
from accounts.validators import normalise_credit_code
from core.audit import audit_record
from core.exceptions import AccountLockedError, PermissionDeniedError, ValidationError

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


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email(email).lower()


def _check_password(password: str, user: User, field: str = "password") -> None:
    """Django's validators, including similarity to the e-mail: a user not yet created is
    passed as an unsaved `User` with that e-mail."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(
            "The password is too weak.", fields={field: list(exc.messages)}
        ) from exc


def _new_user(*, email: str, password: str, field_prefix: str = "") -> User:
    """Create a user. The password is judged first, so a weak one never learns whether the
    e-mail is taken."""
    email = _normalise_email(email)
    _check_password(password, User(email=email), field=f"{field_prefix}password")
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            "A user with this e-mail already exists.",
            fields={f"{field_prefix}email": ["A user with this e-mail already exists."]},
        )
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
    # Before anything is looked up: a weak password reveals neither a registered credit code
    # nor a taken e-mail.
    _check_password(
        admin_password, User(email=_normalise_email(admin_email)), field="admin_password"
    )
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
    email = _normalise_email(email)
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            _check_password(password, User(email=email))
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


def token_issue(*, request: HttpRequest, email: str, password: str) -> tuple[str, AuthToken]:
    """Exchange e-mail and password for an API token (hashed at rest, expiring).

    `AXES_FAILURE_LIMIT` failures lock the e-mail out from the client's address (django-axes,
    counted in the shared cache): 429 `account_locked`, even with the right password, until
    the cool-off passes. A user holds at most `API_TOKEN_LIMIT_PER_USER` live tokens: a login
    beyond it revokes the oldest, so logging in always works and a forgotten token dies."""
    user = authenticate(request, email=_normalise_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        raise AccountLockedError(LOCKED_MESSAGE, retry_after=retry_after_seconds(request))
    if user is None or not user.is_active:
        raise ValidationError(
            "The e-mail or password is wrong.",
            fields={"non_field_errors": ["The e-mail or password is wrong."]},
        )
    with transaction.atomic():
        # One login of a user at a time, so concurrent logins cannot exceed the limit.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        tokens = AuthToken.objects.filter(user=user)
        tokens.filter(expiry__lt=timezone.now()).delete()
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit:
            newest = tokens.order_by("-created", "-digest").values_list("digest", flat=True)
            tokens.exclude(digest__in=list(newest[: limit - 1])).delete()
        instance, token = AuthToken.objects.create(user=user)
    # As Django's login does: resets the lockout count, records last_login.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token, instance


def token_revoke(*, actor: User, token: AuthToken) -> None:
    """Log out: revoke the token the request came with. The user's other tokens stay."""
    with transaction.atomic():
        deleted, _ = AuthToken.objects.filter(digest=token.digest).delete()
        audit_record(
            actor=actor, action="auth.token_revoked", target=actor, after={"revoked": deleted}
        )


def password_change(*, actor: User, old_password: str, new_password: str) -> None:
    """Change the caller's password and revoke all of the user's API tokens (every device
    must log in again). The new password passes Django's validators."""
    if not actor.check_password(old_password):
        raise ValidationError(
            "The current password is wrong.",
            fields={"old_password": ["The current password is wrong."]},
        )
    _check_password(new_password, actor, field="new_password")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        revoked, _ = AuthToken.objects.filter(user=actor).delete()
        audit_record(
            actor=actor,
            action="user.password_changed",
            target=actor,
            after={"tokens_revoked": revoked},
        )


def superuser_ensure(*, email: str, password: str) -> tuple[User, bool]:
    """The Django admin's first user (from DJANGO_SUPERUSER_EMAIL and _PASSWORD at start-up):
    created once with a validated password. An existing user of that e-mail is left as it is
    (its password is not reset); returns it and whether it was created."""
    email = _normalise_email(email)
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, False
        _check_password(password, User(email=email))
        user = User.objects.create_superuser(email=email, password=password)
        audit_record(
            actor=None, action="user.superuser_created", target=user, after={"email": email}
        )
    return user, True
