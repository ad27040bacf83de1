from accounts import apis
from core.urls import route

urlpatterns = [
    route("organisations/register", apis.RegisterApi.as_view(), "organisation-register"),
    route("auth/token", apis.TokenApi.as_view(), "auth-token"),
    route("auth/logout", apis.LogoutApi.as_view(), "auth-logout"),
    route("auth/password", apis.PasswordApi.as_view(), "auth-password"),
    route("me", apis.MeApi.as_view(), "me"),
    route("organisations/me/members", apis.MembersApi.as_view(), "organisation-members"),
    route(
        "organisations/me/affiliations", apis.AffiliationsApi.as_view(), "organisation-affiliations"
    ),
]
