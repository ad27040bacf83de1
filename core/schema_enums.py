"""Choice sets named once for the OpenAPI schema (drf-spectacular's ENUM_NAME_OVERRIDES
imports these by dotted path, which cannot reach nested classes)."""

from marketplace.models import Offering, Order, Unit
from providers.models import Accreditation
from vouchers.models import Voucher, VoucherApplication

ORDER_STATUS = Order.Status.choices
OFFERING_STATUS = Offering.Status.choices
VOUCHER_STATUS = Voucher.Status.choices
DECISION_STATUS = VoucherApplication.Status.choices
ACCREDITATION_STATUS = Accreditation.Status.choices
UNIT = Unit.choices
