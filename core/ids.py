"""Deterministic ids, so that retried work (a task run twice) reuses the same ledger transfer id."""

from __future__ import annotations

import secrets
import uuid

_NAMESPACE = uuid.UUID("6f1c1f0e-6a52-4c4e-9d0b-3d2b8f0c5a11")
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def stable_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, ":".join(str(part) for part in parts))


def human_code(prefix: str, length: int = 8) -> str:
    """A short, unambiguous code people can read out, e.g. `V-7Q2K9M4T`."""
    return prefix + "-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
