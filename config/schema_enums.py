"""Choice sets named once for the OpenAPI schema (drf-spectacular's ENUM_NAME_OVERRIDES
imports these by dotted path, which cannot reach nested classes)."""

from accounts.models import Organisation
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, Role
from marketplace.models import Offering, Order, Unit
from providers.models import Accreditation
from settlement.models import ReconciliationException
from vouchers.models import Voucher, VoucherApplication

ORDER_STATUS = Order.Status.choices
OFFERING_STATUS = Offering.Status.choices
VOUCHER_STATUS = Voucher.Status.choices
DECISION_STATUS = VoucherApplication.Status.choices
ACCREDITATION_STATUS = Accreditation.Status.choices
UNIT = Unit.choices
ORGANISATION_KIND = Organisation.Kind.choices
RECONCILIATION_EXCEPTION_KIND = ReconciliationException.Kind.choices
MEMBERSHIP_ROLE = Role.choices
# The roles an organisation admin may give a member (accounts.apis.MembersApi).
ORGANISATION_ROLE = sorted(FIRM_ROLES | PROVIDER_ROLES)
