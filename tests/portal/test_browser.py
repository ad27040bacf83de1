"""The portal's journeys in headless Chromium, each in Chinese and in English: what a person
sees, by roles and labels; axe-core finds nothing serious; nothing comes from another host;
screenshots of each page go to screenshots/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from tests import factories
from tests.portal.browser import assert_accessible, open_page

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-passphrase-1"

TEXT = {
    "zh": {
        "sign_in": "登录",
        "email": "邮箱",
        "password": "密码",
        "sign_out": "退出登录",
        "register": "注册您的机构",
        "kind_firm": "企业（使用补贴券购买人工智能服务）",
        "kind_provider": "服务商（提供算力、模型接口或数据）",
        "org_name": "机构名称",
        "credit_code": "统一社会信用代码",
        "legal_rep": "法定代表人",
        "your_email": "您的邮箱",
        "password_again": "再次输入密码",
        "register_button": "注册",
        "bad_code": "统一社会信用代码无效",
        "good_code": "该统一社会信用代码格式正确。",
        "welcome": "欢迎！您的机构已注册成功。",
        "language": "语言",
        "switch": "切换",
        "team": "团队",
        "add_member": "添加该成员",
        "role": "角色",
        "initial_password": "初始密码",
        "member_added": "已成为团队成员。",
        "firm_member": "企业成员",
        "provider_admin": "服务商管理员",
        "firm_admin": "企业管理员",
        "account_menu": "账户菜单：",
    },
    "en": {
        "sign_in": "Sign in",
        "email": "E-mail",
        "password": "Password",
        "sign_out": "Sign out",
        "register": "Register your organisation",
        "kind_firm": "Firm (buys AI services with vouchers)",
        "kind_provider": "Provider (sells compute, model APIs or data)",
        "org_name": "Organisation name",
        "credit_code": "Unified social credit code",
        "legal_rep": "Legal representative",
        "your_email": "Your e-mail",
        "password_again": "Password again",
        "register_button": "Register",
        "bad_code": "Not a valid unified social credit code",
        "good_code": "This credit code is well formed.",
        "welcome": "Welcome! Your organisation is registered.",
        "language": "Language",
        "switch": "Switch",
        "team": "Team",
        "add_member": "Add the member",
        "role": "Role",
        "initial_password": "Initial password",
        "member_added": "is now a member of the team.",
        "firm_member": "Firm member",
        "provider_admin": "Provider administrator",
        "firm_admin": "Firm administrator",
        "account_menu": "Account menu:",
    },
}

languages = pytest.mark.parametrize("lang", ["zh", "en"])


@pytest.fixture
def page_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    pages: list[Any] = []

    def make(lang: str) -> Any:
        page = open_page(browser, live_server, lang)
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.foreign_requests == []
        page.context.close()


def register_over_api(kind: str, name: str, email: str) -> None:
    response = APIClient().post(
        "/api/v1/organisations/register",
        {
            "kind": kind,
            "name": name,
            "credit_code": factories.credit_code(),
            "legal_representative": "Li Lei",
            "admin_email": email,
            "admin_password": PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def sign_in(page: Any, live_server: Any, lang: str, email: str) -> None:
    t = TEXT[lang]
    page.goto(f"{live_server.url}/")
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"]).click()


@languages
def test_sign_in_page_is_styled_translated_and_accessible(
    page_in: Callable[[str], Any], live_server: Any, screenshot: Callable[..., Path], lang: str
) -> None:
    t = TEXT[lang]
    page = page_in(lang)

    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", level=1, name=t["sign_in"])).to_be_visible()
    expect(page.get_by_label(t["email"])).to_be_focused()
    expect(page.get_by_role("link", name=t["register"])).to_be_visible()
    # Styled: the portal's stylesheet is applied (the header's brand colour).
    header_colour = page.get_by_role("banner").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 79, 138)"
    assert page.evaluate("typeof htmx") == "object"
    assert_accessible(page)
    screenshot(page, f"portal-signin-{lang}")


@languages
@pytest.mark.parametrize(
    ("kind", "role_key"), [("provider", "provider_admin"), ("firm", "firm_admin")]
)
def test_an_organisation_registered_over_the_api_signs_in_and_out(
    page_in: Callable[[str], Any],
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
    kind: str,
    role_key: str,
) -> None:
    t = TEXT[lang]
    name = f"Pudong {kind.title()} {lang.upper()} Ltd"
    email = f"{kind}-{lang}@example.com"
    register_over_api(kind, name, email)
    page = page_in(lang)

    sign_in(page, live_server, lang, email)

    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.get_by_role("banner").get_by_text(name)).to_be_visible()
    expect(page.get_by_role("main").get_by_text(t[role_key])).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航" if lang == "zh" else "Main navigation")
    expect(nav.get_by_role("link", name=t["team"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-home-{kind}-{lang}")

    page.get_by_role("banner").get_by_text(email).click()  # the account menu
    page.get_by_role("button", name=t["sign_out"]).click()

    expect(page.get_by_role("heading", level=1, name=t["sign_in"])).to_be_visible()


@languages
def test_sign_up_with_the_live_credit_code_check(
    page_in: Callable[[str], Any], live_server: Any, screenshot: Callable[..., Path], lang: str
) -> None:
    t = TEXT[lang]
    page = page_in(lang)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=t["register"]).click()
    expect(page.get_by_role("heading", level=1, name=t["register"])).to_be_visible()

    page.get_by_label(t["kind_firm"]).check()
    page.get_by_label(t["org_name"]).fill(f"Xuhui Vision {lang} Co.")
    code = page.get_by_label(t["credit_code"])
    code.press_sequentially("91310000MA1FL8L41X", delay=10)  # a wrong check digit
    expect(page.get_by_text(t["bad_code"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-signup-bad-code-{lang}")

    code.fill("")
    code.press_sequentially(factories.credit_code(), delay=10)
    expect(page.get_by_text(t["good_code"])).to_be_visible()
    page.get_by_label(t["legal_rep"]).fill("Zhang Wei")
    page.get_by_label(t["your_email"]).fill(f"founder-{lang}@example.com")
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_label(t["password_again"]).fill(PASSWORD)
    screenshot(page, f"portal-signup-{lang}")
    page.get_by_role("button", name=t["register_button"], exact=True).click()

    expect(page.get_by_text(t["welcome"])).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=f"Xuhui Vision {lang} Co.")).to_be_visible()
    assert User.objects.filter(email=f"founder-{lang}@example.com").exists()


@languages
def test_the_language_switcher(
    page_in: Callable[[str], Any], live_server: Any, screenshot: Callable[..., Path], lang: str
) -> None:
    other = "en" if lang == "zh" else "zh"
    page = page_in(lang)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name=TEXT[lang]["sign_in"])).to_be_visible()

    page.get_by_label(TEXT[lang]["language"]).select_option("en" if other == "en" else "zh-hans")
    page.get_by_role("button", name=TEXT[lang]["switch"]).click()

    expect(page.get_by_role("heading", level=1, name=TEXT[other]["sign_in"])).to_be_visible()
    assert page.locator("html").get_attribute("lang") == ("en" if other == "en" else "zh-hans")
    page.reload()  # remembered (the language cookie)
    expect(page.get_by_role("heading", level=1, name=TEXT[other]["sign_in"])).to_be_visible()


@languages
def test_members_page_adds_a_member_from_the_keyboard(
    page_in: Callable[[str], Any], live_server: Any, screenshot: Callable[..., Path], lang: str
) -> None:
    t = TEXT[lang]
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    admin.set_password(PASSWORD)
    admin.save()
    page = page_in(lang)
    sign_in(page, live_server, lang, admin.email)
    page.get_by_role("link", name=t["team"], exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t["team"])).to_be_visible()
    expect(page.get_by_role("cell", name=admin.email)).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-team-{lang}")

    # Keyboard only: focus the first field of the add form, then Tab, type, Enter.
    form = page.get_by_role("region", name="添加成员" if lang == "zh" else "Add a member")
    form.get_by_label(t["email"], exact=True).focus()
    page.keyboard.type(f"colleague-{lang}@example.com")
    page.keyboard.press("Tab")
    expect(form.get_by_label(t["initial_password"])).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(form.get_by_label(t["role"], exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name=t["add_member"])).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text(t["member_added"])).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"colleague-{lang}@example.com")
    expect(row.get_by_role("cell", name=t["firm_member"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-team-added-{lang}")
