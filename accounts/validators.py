from __future__ import annotations

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError


def normalise_credit_code(value: str) -> str:
    """Return the canonical form of a unified social credit code, or raise ValueError.

    The check digit is verified per GB 32100-2015 (python-stdnum's `cn.uscc`).
    """
    try:
        return str(uscc.validate(value))
    except StdnumValidationError as exc:
        raise ValueError(f"Not a valid unified social credit code: {exc}") from exc
