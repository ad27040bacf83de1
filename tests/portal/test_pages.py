"""The portal's pages through Django's test client: sign-in at `/`, CSRF, languages, sign-up,
lockout, the team page (its list, its add form, its query count), 404 and 403 pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


# --- sign-in, languages, CSRF ----------------------------------------------------------------


def test_root_is_the_sign_in_page_with_a_csrf_token() -> None:
    response = Client().get("/")

    assert response.status_code == 200
    body = text(response)
    assert '<html lang="en">' in body
    assert "<h1>Sign in</h1>" in body
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', body)
    assert '<label for="id_username">E-mail</label>' in body
    assert "/static/portal/portal.css" in body
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in body
    assert "http://" not in body  # nothing from another host
    assert "https://" not in body


def test_root_speaks_chinese_to_a_chinese_browser() -> None:
    body = text(Client().get("/", **ZH))

    assert '<html lang="zh-hans">' in body
    assert "<h1>登录</h1>" in body
    assert '<label for="id_username">邮箱</label>' in body
    assert "Sign in" not in body


def test_the_language_cookie_beats_the_browser() -> None:
    client = Client()
    response = client.post("/language", {"language": "zh-hans", "next": "/"}, **EN)
    assert response.status_code == 302

    assert "<h1>登录</h1>" in text(client.get("/", **EN))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"username": "a@example.com", "password": "x"}),
        ("/", {"username": "a@example.com", "password": "x"}),
        ("/signup", {"name": "x"}),
        ("/language", {"language": "en"}),
        ("/logout", {}),
    ],
)
def test_posts_without_the_csrf_token_are_refused(path: str, data: dict[str, str]) -> None:
    response = Client(enforce_csrf_checks=True).post(path, data)

    assert response.status_code == 403


def test_sign_in_by_e_mail_lands_on_the_home_of_the_organisation() -> None:
    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    client = Client()

    response = client.post("/login", {"username": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = text(client.get("/"))
    assert f"<h1>{user.organisation.name}</h1>" in home  # type: ignore[union-attr]
    assert "Provider administrator" in home


def test_a_wrong_password_is_said_in_the_users_language() -> None:
    user = factories.user_with_role(Role.FIRM_ADMIN)

    response = Client().post("/login", {"username": user.email, "password": "wrong"}, **ZH)

    assert response.status_code == 200
    assert "邮箱或密码不正确。" in text(response)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "Too many failed sign-ins: this account is locked for a while."),
        (ZH, "登录失败次数过多，该账户已被暂时锁定。"),
    ],
)
def test_the_sign_in_form_locks_out_after_five_failures(
    headers: dict[str, Any], message: str
) -> None:
    user = factories.user_with_role(Role.FIRM_ADMIN)
    client = Client()
    for _ in range(4):
        response = client.post("/login", {"username": user.email, "password": "nope"}, **headers)
        assert response.status_code == 200

    fifth = client.post("/login", {"username": user.email, "password": "nope"}, **headers)
    right = client.post("/login", {"username": user.email, "password": PASSWORD}, **headers)

    for response in (fifth, right):
        assert response.status_code == 429
        assert message in text(response)
        assert "<h1>" in text(response)  # the portal's page, not the admin's plain text
    assert "_auth_user_id" not in client.session


def test_logout_signs_out() -> None:
    client = signed_in(factories.user_with_role(Role.FIRM_MEMBER))

    response = client.post("/logout")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "<h1>Sign in</h1>" in text(client.get("/"))


# --- sign-up ---------------------------------------------------------------------------------


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "provider",
        "name": "Lujiazui Compute Co.",
        "credit_code": factories.credit_code(),
        "legal_representative": "Wang Fang",
        "admin_email": "Admin@Lujiazui.example",
        "admin_password": "a-long-passphrase-1",
        "admin_password_confirm": "a-long-passphrase-1",
    }
    return {**data, **overrides}


def test_sign_up_registers_signs_in_and_lands_home() -> None:
    client = Client()

    response = client.post("/signup", signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/"
    organisation = Organisation.objects.get(name="Lujiazui Compute Co.")
    assert organisation.kind == Organisation.Kind.PROVIDER
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == Role.PROVIDER_ADMIN
    assert membership.user.email == "admin@lujiazui.example"
    home = text(client.get("/"))
    assert "<h1>Lujiazui Compute Co.</h1>" in home
    assert "Welcome! Your organisation is registered." in home


def test_sign_up_refusals_are_shown_in_chinese(nothing_written: Any) -> None:
    taken = factories.user_with_role(Role.FIRM_ADMIN)
    client = Client()

    with nothing_written():
        bad_code = text(client.post("/signup", signup_data(credit_code="91310000MA1FL8L41X"), **ZH))
        taken_email = text(client.post("/signup", signup_data(admin_email=taken.email), **ZH))
        registered = text(
            client.post(
                "/signup",
                signup_data(credit_code=taken.organisation.credit_code),  # type: ignore[union-attr]
                **ZH,
            )
        )
        weak = text(
            client.post(
                "/signup", signup_data(admin_password="123", admin_password_confirm="123"), **ZH
            )
        )

    assert "统一社会信用代码无效：请核对18位字符及校验码。" in bad_code
    assert "该邮箱已被注册。" in taken_email
    assert "使用该统一社会信用代码的机构已经注册。" in registered
    assert "已注册。" in registered
    assert "密码强度不够。" in weak
    assert "这个密码太常见了。" in weak  # Django's own validator, translated by Django
    assert "_auth_user_id" not in client.session


def test_the_credit_code_check_answers_a_fragment_in_the_users_language() -> None:
    client = Client()

    bad = client.get("/signup/credit-code", {"credit_code": "9131000012"}, HTTP_HX_REQUEST="true")
    good = client.get(
        "/signup/credit-code",
        {"credit_code": factories.credit_code()},
        HTTP_HX_REQUEST="true",
        **ZH,
    )
    empty = client.get("/signup/credit-code", {"credit_code": ""})

    assert bad.status_code == 200
    assert "Not a valid unified social credit code" in text(bad)
    assert "<html" not in text(bad)
    assert "该统一社会信用代码格式正确。" in text(good)
    assert text(empty).strip() == ""


# --- password change and reset ---------------------------------------------------------------


def test_password_change_uses_the_service_and_keeps_the_session() -> None:
    user = factories.user_with_role(Role.FIRM_MEMBER)
    client = signed_in(user)

    wrong = client.post(
        "/account/password",
        {
            "old_password": "nope",
            "new_password": "x-new-pass-99",
            "new_password_confirm": "x-new-pass-99",
        },
        **ZH,
    )
    assert "当前密码不正确。" in text(wrong)

    response = client.post(
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password": "x-new-pass-99",
            "new_password_confirm": "x-new-pass-99",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("x-new-pass-99")
    assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password() -> None:
    user = factories.user_with_role(Role.PROVIDER_MEMBER)
    client = Client()

    response = client.post("/password-reset", {"email": user.email}, **ZH)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "重置您在城市人工智能补贴平台的密码"
    link = re.search(r"http://testserver(/password-reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-42")


# --- homes and navigation --------------------------------------------------------------------


def test_staff_home_lists_the_roles_and_the_nav_has_no_organisation_pages() -> None:
    user = factories.user_with_role(Role.FINANCE_OFFICER)
    body = text(signed_in(user).get("/", **ZH))

    assert "财务专员" in body
    assert "/team" not in body
    assert signed_in(user).get("/team").status_code == 403


def test_nav_shows_the_team_entry_in_the_section_of_the_organisations_kind() -> None:
    firm = text(signed_in(factories.user_with_role(Role.FIRM_MEMBER)).get("/"))
    provider = text(signed_in(factories.user_with_role(Role.PROVIDER_MEMBER)).get("/"))

    firm_section = firm.split('side-nav__heading">Firm</h2>')[1].split("</ul>")[0]
    assert '<li><a href="/team">Team</a></li>' in firm_section
    assert 'side-nav__heading">Provider</h2>' not in firm
    assert re.search(
        r'side-nav__heading">Provider</h2>\s*<ul>\s*<li><a href="/provider/offerings">Offerings'
        r'(?:(?!</ul>).)*<li><a href="/team">Team',
        provider,
        re.S,
    )


# --- team: the list, the add form, the query count -------------------------------------------


def test_members_page_lists_sorts_and_filters(django_assert_num_queries: Any) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    organisation = admin.organisation
    for n in range(3):
        factories.MembershipFactory(
            user=factories.UserFactory(email=f"m{n}@example.com"),
            organisation=organisation,
            role=Role.FIRM_MEMBER,
        )
    client = signed_in(admin)

    body = text(client.get("/team?sort=-email"))
    emails = re.findall(r'<a href="/team/[0-9a-f-]+">([^<]+)</a>', body)
    assert emails == sorted(emails, reverse=True)
    assert len(emails) == 4
    assert 'aria-sort="descending"' in body

    members_only = text(client.get("/team?role=firm_member&sort=nonsense"))
    assert len(re.findall(r'<a href="/team/[0-9a-f-]+">', members_only)) == 3


def test_members_page_query_count_does_not_grow_with_the_rows(
    django_assert_num_queries: Any,
) -> None:
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    client = signed_in(admin)
    client.get("/team")  # the session is warm

    def add(count: int) -> None:
        for _ in range(count):
            factories.MembershipFactory(
                user=factories.UserFactory(),
                organisation=admin.organisation,
                role=Role.PROVIDER_MEMBER,
            )

    add(2)
    with django_assert_num_queries(5) as few:
        assert client.get("/team").status_code == 200
    add(40)
    with django_assert_num_queries(len(few.captured_queries)):
        body = text(client.get("/team"))
    assert "Page 1 of 3" in body


def test_an_admin_adds_a_member_and_refusals_show_on_the_form() -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    client = signed_in(admin)

    response = client.post(
        "/team",
        {"email": "new@example.com", "password": "a-long-passphrase-1", "role": "firm_member"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__email="new@example.com", organisation=admin.organisation, role=Role.FIRM_MEMBER
    ).exists()

    again = client.post(
        "/team",
        {"email": "new@example.com", "password": "a-long-passphrase-1", "role": "firm_member"},
        HTTP_HX_REQUEST="true",
        **ZH,
    )
    body = text(again)
    assert "<html" not in body  # the fragment
    assert "该邮箱已被注册。" in body

    provider_role = client.post(
        "/team",
        {"email": "x@example.com", "password": "a-long-passphrase-1", "role": "provider_admin"},
    )
    assert "Select a valid choice" in text(provider_role)


def test_a_member_who_is_not_an_admin_sees_no_add_form_and_cannot_post() -> None:
    member = factories.user_with_role(Role.FIRM_MEMBER)
    client = signed_in(member)

    assert "Add a member" not in text(client.get("/team"))
    response = client.post(
        "/team",
        {"email": "y@example.com", "password": "a-long-passphrase-1", "role": "firm_member"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(email="y@example.com").exists()
    assert "Only an organisation admin may add members." in text(client.get("/team"))


def test_another_organisations_member_is_the_404_page() -> None:
    mine = factories.user_with_role(Role.FIRM_ADMIN)
    theirs = factories.user_with_role(Role.FIRM_ADMIN)
    their_membership = Membership.objects.get(user=theirs)
    my_membership = Membership.objects.get(user=mine)
    client = signed_in(mine)

    assert client.get(f"/team/{my_membership.id}").status_code == 200
    response = client.get(f"/team/{their_membership.id}", **ZH)

    assert response.status_code == 404
    body = text(response)
    assert "<h1>未找到</h1>" in body
    assert theirs.email not in body


def test_an_unknown_page_is_html_for_a_browser_and_json_for_a_program() -> None:
    page = Client().get("/nowhere", HTTP_ACCEPT="text/html,application/xhtml+xml")
    program = Client().get("/nowhere")
    api = Client().get("/api/v1/nowhere", HTTP_ACCEPT="text/html")

    assert page.status_code == 404
    assert "<h1>Not found</h1>" in text(page)
    assert program["Content-Type"] == "application/json"
    assert api["Content-Type"] == "application/json"


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/team")

    assert response.status_code == 302
    assert response["Location"] == "/login?next=/team"
