"""The account pages in headless Chromium, in Chinese and in English, from the keyboard: a
forgotten password reset through the e-mailed link, a password change, and the 404 page of an
object that is not the user's. axe-core finds nothing serious; nothing comes from another host.

The words a person sees come from the portal's own catalogue (`gettext` in the page's
language), which tests/portal/test_translations.py holds complete."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accounts.roles import Role
from tests import factories
from tests.portal.browser import assert_accessible
from tests.portal.test_browser import PASSWORD, languages, page_in, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "another-long-passphrase-2"
LANGUAGE_CODES = {"zh": "zh-hans", "en": "en"}


def words(lang: str, text: str) -> str:
    with translation.override(LANGUAGE_CODES[lang]):
        return str(translation.gettext(text))


@languages
def test_a_forgotten_password_is_reset_through_the_emailed_link_from_the_keyboard(
    page_in: Callable[[str], Any],  # noqa: F811
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    page = page_in(lang)
    page.goto(f"{live_server.url}/")

    page.get_by_role("link", name=words(lang, "Forgot your password?")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(words(lang, "Reset your password"))
    assert_accessible(page)
    screenshot(page, f"portal-password-reset-{lang}")
    page.get_by_label(words(lang, "E-mail")).focus()
    page.keyboard.type(admin.email)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(words(lang, "Check your e-mail"))
    assert_accessible(page)
    screenshot(page, f"portal-password-reset-sent-{lang}")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+", str(message.body))
    assert link is not None
    page.goto(live_server.url + urlsplit(link.group(0)).path)

    page.get_by_label(words(lang, "New password"), exact=True).focus()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    assert_accessible(page)
    screenshot(page, f"portal-password-reset-confirm-{lang}")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r".*/password-reset/done/?$"))
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    assert_accessible(page)
    screenshot(page, f"portal-password-reset-complete-{lang}")


@languages
def test_a_password_is_changed_from_the_keyboard(
    page_in: Callable[[str], Any],  # noqa: F811
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    page = page_in(lang)
    sign_in(page, live_server, lang, admin.email)
    page.goto(f"{live_server.url}/account/password")
    expect(page.get_by_role("heading", level=1)).to_have_text(words(lang, "Change password"))
    assert_accessible(page)
    screenshot(page, f"portal-password-change-{lang}")

    page.get_by_label(words(lang, "Current password")).focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r".*/$"))
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    assert_accessible(page)


@languages
def test_another_organisations_object_is_the_404_page(
    page_in: Callable[[str], Any],  # noqa: F811
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    page = page_in(lang)
    sign_in(page, live_server, lang, admin.email)

    response = page.goto(f"{live_server.url}/orders/{uuid.uuid4()}")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-404-{lang}")
