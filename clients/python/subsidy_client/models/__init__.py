"""Contains all the data models used in inputs/outputs"""

from .accreditation import Accreditation
from .accreditation_application_request import AccreditationApplicationRequest
from .accreditation_request import AccreditationRequest
from .accreditation_requests_list_status import AccreditationRequestsListStatus
from .accreditation_status_enum import AccreditationStatusEnum
from .affiliation import Affiliation
from .affiliation_request import AffiliationRequest
from .audit_event import AuditEvent
from .audit_event_changes import AuditEventChanges
from .auth_token import AuthToken
from .auth_token_request import AuthTokenRequest
from .bank_account import BankAccount
from .bank_account_request import BankAccountRequest
from .bank_statement import BankStatement
from .bank_statement_request import BankStatementRequest
from .budget_pool import BudgetPool
from .category_enum import CategoryEnum
from .clawback import Clawback
from .clawback_request import ClawbackRequest
from .decision_status_enum import DecisionStatusEnum
from .delivery import Delivery
from .delivery_request import DeliveryRequest
from .dispute_resolution_request import DisputeResolutionRequest
from .error_envelope import ErrorEnvelope
from .error_envelope_error import ErrorEnvelopeError
from .error_envelope_error_fields import ErrorEnvelopeErrorFields
from .me import Me
from .member import Member
from .member_request import MemberRequest
from .membership_role_enum import MembershipRoleEnum
from .offering import Offering
from .offering_request import OfferingRequest
from .offering_status_enum import OfferingStatusEnum
from .offerings_list_category import OfferingsListCategory
from .offerings_list_status import OfferingsListStatus
from .offerings_list_unit import OfferingsListUnit
from .order import Order
from .order_request import OrderRequest
from .order_status_enum import OrderStatusEnum
from .orders_list_category import OrdersListCategory
from .orders_list_status import OrdersListStatus
from .organisation import Organisation
from .organisation_kind_enum import OrganisationKindEnum
from .organisation_role_enum import OrganisationRoleEnum
from .outcome_enum import OutcomeEnum
from .paginated_accreditation_request_list import PaginatedAccreditationRequestList
from .paginated_affiliation_list import PaginatedAffiliationList
from .paginated_audit_event_list import PaginatedAuditEventList
from .paginated_clawback_list import PaginatedClawbackList
from .paginated_delivery_list import PaginatedDeliveryList
from .paginated_member_list import PaginatedMemberList
from .paginated_offering_list import PaginatedOfferingList
from .paginated_order_list import PaginatedOrderList
from .paginated_payout_batch_list import PaginatedPayoutBatchList
from .paginated_provider_list import PaginatedProviderList
from .paginated_reconciliation_exception_list import PaginatedReconciliationExceptionList
from .paginated_voucher_application_list import PaginatedVoucherApplicationList
from .paginated_voucher_list import PaginatedVoucherList
from .password_request import PasswordRequest
from .patched_offering_request import PatchedOfferingRequest
from .payout import Payout
from .payout_batch import PayoutBatch
from .payout_batch_request import PayoutBatchRequest
from .payout_batch_status_enum import PayoutBatchStatusEnum
from .payout_batches_list_status import PayoutBatchesListStatus
from .payout_status_enum import PayoutStatusEnum
from .programme import Programme
from .programme_report import ProgrammeReport
from .programme_report_pool import ProgrammeReportPool
from .programme_report_provider import ProgrammeReportProvider
from .programmes_report_retrieve_format import ProgrammesReportRetrieveFormat
from .provider import Provider
from .providers_list_category import ProvidersListCategory
from .reason_request import ReasonRequest
from .reconciliation_exception import ReconciliationException
from .reconciliation_exception_kind_enum import ReconciliationExceptionKindEnum
from .reconciliation_exception_resolution_request import ReconciliationExceptionResolutionRequest
from .reconciliation_exception_status_enum import ReconciliationExceptionStatusEnum
from .reconciliation_exceptions_list_kind import ReconciliationExceptionsListKind
from .reconciliation_exceptions_list_status import ReconciliationExceptionsListStatus
from .registered_organisation import RegisteredOrganisation
from .registration import Registration
from .registration_request import RegistrationRequest
from .relation_enum import RelationEnum
from .unit_enum import UnitEnum
from .user import User
from .voucher import Voucher
from .voucher_application import VoucherApplication
from .voucher_application_approval_request import VoucherApplicationApprovalRequest
from .voucher_application_request import VoucherApplicationRequest
from .voucher_applications_list_category import VoucherApplicationsListCategory
from .voucher_applications_list_status import VoucherApplicationsListStatus
from .vouchers_list_category import VouchersListCategory
from .vouchers_list_status import VouchersListStatus

__all__ = (
    "Accreditation",
    "AccreditationApplicationRequest",
    "AccreditationRequest",
    "AccreditationRequestsListStatus",
    "AccreditationStatusEnum",
    "Affiliation",
    "AffiliationRequest",
    "AuditEvent",
    "AuditEventChanges",
    "AuthToken",
    "AuthTokenRequest",
    "BankAccount",
    "BankAccountRequest",
    "BankStatement",
    "BankStatementRequest",
    "BudgetPool",
    "CategoryEnum",
    "Clawback",
    "ClawbackRequest",
    "DecisionStatusEnum",
    "Delivery",
    "DeliveryRequest",
    "DisputeResolutionRequest",
    "ErrorEnvelope",
    "ErrorEnvelopeError",
    "ErrorEnvelopeErrorFields",
    "Me",
    "Member",
    "MemberRequest",
    "MembershipRoleEnum",
    "Offering",
    "OfferingRequest",
    "OfferingsListCategory",
    "OfferingsListStatus",
    "OfferingsListUnit",
    "OfferingStatusEnum",
    "Order",
    "OrderRequest",
    "OrdersListCategory",
    "OrdersListStatus",
    "OrderStatusEnum",
    "Organisation",
    "OrganisationKindEnum",
    "OrganisationRoleEnum",
    "OutcomeEnum",
    "PaginatedAccreditationRequestList",
    "PaginatedAffiliationList",
    "PaginatedAuditEventList",
    "PaginatedClawbackList",
    "PaginatedDeliveryList",
    "PaginatedMemberList",
    "PaginatedOfferingList",
    "PaginatedOrderList",
    "PaginatedPayoutBatchList",
    "PaginatedProviderList",
    "PaginatedReconciliationExceptionList",
    "PaginatedVoucherApplicationList",
    "PaginatedVoucherList",
    "PasswordRequest",
    "PatchedOfferingRequest",
    "Payout",
    "PayoutBatch",
    "PayoutBatchesListStatus",
    "PayoutBatchRequest",
    "PayoutBatchStatusEnum",
    "PayoutStatusEnum",
    "Programme",
    "ProgrammeReport",
    "ProgrammeReportPool",
    "ProgrammeReportProvider",
    "ProgrammesReportRetrieveFormat",
    "Provider",
    "ProvidersListCategory",
    "ReasonRequest",
    "ReconciliationException",
    "ReconciliationExceptionKindEnum",
    "ReconciliationExceptionResolutionRequest",
    "ReconciliationExceptionsListKind",
    "ReconciliationExceptionsListStatus",
    "ReconciliationExceptionStatusEnum",
    "RegisteredOrganisation",
    "Registration",
    "RegistrationRequest",
    "RelationEnum",
    "UnitEnum",
    "User",
    "Voucher",
    "VoucherApplication",
    "VoucherApplicationApprovalRequest",
    "VoucherApplicationRequest",
    "VoucherApplicationsListCategory",
    "VoucherApplicationsListStatus",
    "VouchersListCategory",
    "VouchersListStatus",
)
