"""The portal's URLs (namespace `portal`), each with and without a trailing slash."""

from __future__ import annotations

from django.views.i18n import set_language

from core.urls import route
from portal.views import affiliations, auth, catalogue, home, orders, team, vouchers

app_name = "portal"

urlpatterns = [
    route("", home.home, "home"),
    route("login", auth.sign_in, "login"),
    route("logout", auth.sign_out, "logout"),
    route("signup", auth.sign_up, "signup"),
    route("signup/credit-code", auth.credit_code_check, "signup-credit-code"),
    route("language", set_language, "set-language"),
    route("account/password", auth.password_change, "password-change"),
    route("password-reset", auth.password_reset, "password-reset"),
    route("password-reset/sent", auth.password_reset_sent, "password-reset-sent"),
    route(
        "password-reset/<str:uidb64>/<str:token>",
        auth.password_reset_confirm,
        "password-reset-confirm",
    ),
    route("password-reset/done", auth.password_reset_complete, "password-reset-complete"),
    route("team", team.members, "team"),
    route("team/<uuid:membership_id>", team.member, "member"),
    # the firms' pages
    route("catalogue", catalogue.catalogue, "catalogue"),
    route("catalogue/<uuid:offering_id>/order", catalogue.order_new, "order-new"),
    route("catalogue/<uuid:offering_id>/quote", catalogue.order_quote, "order-quote"),
    route("vouchers", vouchers.vouchers, "vouchers"),
    route("vouchers/applications", vouchers.applications, "voucher-applications"),
    route("orders", orders.orders, "orders"),
    route("orders/<uuid:order_id>", orders.order, "order"),
    route("orders/<uuid:order_id>/cancel", orders.order_cancel, "order-cancel"),
    route("orders/<uuid:order_id>/confirm", orders.order_confirm, "order-confirm"),
    route("orders/<uuid:order_id>/dispute", orders.order_dispute, "order-dispute"),
    route("affiliations", affiliations.affiliations, "affiliations"),
]
