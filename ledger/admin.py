from django.contrib import admin

from ledger.models import Account, Entry, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only: the admin may look, never touch."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = [
        "ledger",
        "code",
        "debits_posted",
        "credits_posted",
        "debits_pending",
        "credits_pending",
    ]
    list_filter = ["ledger"]
    search_fields = ["code"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["id", "ledger", "kind", "phase", "amount", "created_at"]
    list_filter = ["ledger", "kind", "phase"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["transfer", "account", "side", "pending_delta", "posted_delta"]
