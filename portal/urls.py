"""The portal's URLs (namespace `portal`), each with and without a trailing slash."""

from __future__ import annotations

from django.views.i18n import set_language

from core.urls import route
from portal.views import (
    accreditation,
    affiliations,
    auth,
    catalogue,
    home,
    offerings,
    orders,
    payouts,
    provider_orders,
    team,
    vouchers,
)

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
    # the partner portal (providers)
    route("provider/offerings", offerings.offering_list, "provider-offerings"),
    route("provider/offerings/new", offerings.offering_new, "provider-offering-new"),
    route("provider/offerings/<uuid:offering_id>", offerings.offering_detail, "provider-offering"),
    route(
        "provider/offerings/<uuid:offering_id>/archive",
        offerings.offering_archive,
        "provider-offering-archive",
    ),
    route("provider/orders", provider_orders.order_list, "provider-orders"),
    route("provider/orders/<uuid:order_id>", provider_orders.order_detail, "provider-order"),
    route(
        "provider/orders/<uuid:order_id>/accept",
        provider_orders.order_accept,
        "provider-order-accept",
    ),
    route(
        "provider/orders/<uuid:order_id>/reject",
        provider_orders.order_reject,
        "provider-order-reject",
    ),
    route(
        "provider/orders/<uuid:order_id>/deliveries",
        provider_orders.delivery_new,
        "provider-order-deliveries",
    ),
    route(
        "provider/orders/<uuid:order_id>/complete",
        provider_orders.order_complete,
        "provider-order-complete",
    ),
    route("provider/payouts", payouts.payout_list, "provider-payouts"),
    route("provider/payouts/<uuid:payout_id>", payouts.payout_detail, "provider-payout"),
    route(
        "provider/payouts/<uuid:payout_id>/remittance.<str:fmt>",
        payouts.payout_download,
        "provider-payout-download",
    ),
    route("provider/accreditation", accreditation.accreditation, "provider-accreditation"),
    route("provider/bank-account", accreditation.bank_account, "provider-bank-account"),
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
