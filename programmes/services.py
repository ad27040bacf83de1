"""Programmes from presets: seeding and funding their pools, and their periods."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.exceptions import InvalidStateError, ValidationError
from core.ids import stable_id
from core.money import Category
from ledger import services as ledger
from programmes.models import BudgetPool, Programme

log = structlog.get_logger(__name__)

PRESETS_DIR = Path(__file__).resolve().parent / "presets"


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.json"))


def preset_load(name: str) -> dict[str, Any]:
    path = PRESETS_DIR / f"{name}.json"
    if name not in preset_names():
        raise ValidationError(
            f"Unknown preset {name!r}; known presets: {', '.join(preset_names())}.",
            fields={"preset": ["Unknown preset."]},
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def programme_seed(
    *,
    preset: str,
    code: str,
    name: str | None = None,
    actor: User | None = None,
    starts_on: dt.date | None = None,
) -> tuple[Programme, bool]:
    """Create a programme from a preset and fund each pool through the ledger
    (`funding` -> `pool:<category>`). Running it again changes nothing. With `starts_on`, the
    programme runs from that day for as long as the preset's period (demos are dated
    relative to today, not to the preset's calendar)."""
    data = preset_load(preset)
    preset_starts_on = dt.date.fromisoformat(data["starts_on"])
    preset_ends_on = dt.date.fromisoformat(data["ends_on"])
    if starts_on is None:
        starts_on, ends_on = preset_starts_on, preset_ends_on
    else:
        ends_on = starts_on + (preset_ends_on - preset_starts_on)
    with transaction.atomic():
        existing = Programme.objects.filter(code=code).first()
        if existing is not None:
            if existing.preset != preset:
                raise ValidationError(
                    f"Programme {code} exists from preset {existing.preset!r}, not {preset!r}.",
                    fields={"code": ["Already exists with another preset."]},
                )
            return existing, False
        programme = Programme.objects.create(
            code=code,
            name=name or data["name"],
            currency=data.get("currency", "CNY"),
            starts_on=starts_on,
            ends_on=ends_on,
            auto_grant=data.get("auto_grant", False),
            dispute_window_days=data.get("dispute_window_days", 7),
            voucher_validity_months=data.get("voucher_validity_months", 12),
            unaccepted_order_expiry_days=data.get("unaccepted_order_expiry_days", 7),
            preset=preset,
        )
        funding = ledger.account_open(ledger=code, code="funding", currency=programme.currency)
        for pool_data in data["pools"]:
            category = Category(pool_data["category"])
            account = ledger.account_open(
                ledger=code,
                code=f"pool:{category}",
                currency=programme.currency,
                debits_must_not_exceed_credits=True,
            )
            BudgetPool.objects.create(
                programme=programme,
                category=category,
                budget_fen=pool_data["budget_fen"],
                rate_bps=pool_data["rate_bps"],
                firm_cap_fen=pool_data["firm_cap_fen"],
                account=account,
            )
            ledger.transfer_create(
                id=stable_id(code, "funding", category),
                debit_account=funding,
                credit_account=account,
                amount=pool_data["budget_fen"],
                kind="pool_funding",
            )
        audit_record(
            actor=actor,
            action="programme.seeded",
            target=programme,
            after={"code": code, "preset": preset, "pools": data["pools"]},
        )
    log.info("programme.seeded", programme=code, preset=preset)
    return programme, True


def programme_today(programme: Programme) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(programme.time_zone)).date()


def programme_require_open(programme: Programme) -> None:
    today = programme_today(programme)
    if not programme.starts_on <= today <= programme.ends_on:
        raise InvalidStateError(
            f"Programme {programme.code} runs from {programme.starts_on} to {programme.ends_on}."
        )


def pool_of(programme: Programme, category: str) -> BudgetPool:
    pool = (
        BudgetPool.objects.select_related("account")
        .filter(programme=programme, category=category)
        .first()
    )
    if pool is None:
        raise ValidationError(
            f"Programme {programme.code} has no {category} pool.",
            fields={"category": [f"Not a category of {programme.code}."]},
        )
    return pool
