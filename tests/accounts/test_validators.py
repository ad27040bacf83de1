"""Unified social credit codes (GB 32100-2015): 18 characters, the last a check digit."""

from __future__ import annotations

import pytest

from accounts.validators import normalise_credit_code
from tests.factories import credit_code

# Characters GB 32100-2015 uses: digits and capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize("seed", range(12))
def test_factory_codes_are_valid_and_already_canonical(seed: int) -> None:
    code = credit_code(seed)

    assert len(code) == 18
    assert normalise_credit_code(code) == code


def test_known_codes() -> None:
    assert credit_code(0) == "91310000660487643N"
    assert credit_code(3) == "913100003982597913"
    assert normalise_credit_code("91310000660487643N") == "91310000660487643N"
    assert normalise_credit_code("913100003982597913") == "913100003982597913"


def test_the_factory_makes_a_new_code_each_time() -> None:
    codes = {credit_code() for _ in range(50)}

    assert len(codes) == 50
    assert all(normalise_credit_code(code) == code for code in codes)


@pytest.mark.parametrize("seed", range(6))
def test_every_other_check_digit_is_refused(seed: int) -> None:
    code = credit_code(seed)
    wrong_digits = [c for c in ALPHABET if c != code[-1]]

    for wrong in wrong_digits:
        with pytest.raises(ValueError, match="checksum or check digit is invalid"):
            normalise_credit_code(code[:-1] + wrong)


def test_a_changed_body_character_is_refused() -> None:
    code = credit_code(0)
    changed = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]

    with pytest.raises(ValueError, match="checksum or check digit is invalid"):
        normalise_credit_code(changed)


@pytest.mark.parametrize(
    "value",
    [
        "",
        credit_code(0)[:17],
        credit_code(0) + "0",
        credit_code(0)[:-1] + "N0",
        "9131000066048764",
    ],
)
def test_a_wrong_length_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="^Not a valid unified social credit code: .*length"):
        normalise_credit_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "9131000066048764IN",  # I is not in the alphabet
        "9131000066048764ON",  # nor O
        "A1310000660487643N",  # the first eight are digits
        "913100006604876#3N",
    ],
)
def test_characters_outside_the_alphabet_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="invalid format"):
        normalise_credit_code(value)


def test_lowercase_is_normalised_to_capitals() -> None:
    assert normalise_credit_code("91310000660487643n") == "91310000660487643N"
    assert normalise_credit_code("9131000029141777xq") == "9131000029141777XQ"


def test_spaces_and_hyphens_are_removed() -> None:
    assert normalise_credit_code(" 913100-00660487 643N ") == "91310000660487643N"


def test_the_error_message_names_the_problem() -> None:
    with pytest.raises(ValueError, match="^Not a valid") as error:
        normalise_credit_code("91310000660487643M")

    assert str(error.value) == (
        "Not a valid unified social credit code: The number's checksum or check digit is invalid."
    )
