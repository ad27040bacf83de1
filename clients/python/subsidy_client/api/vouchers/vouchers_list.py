from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.paginated_voucher_list import PaginatedVoucherList
from ...models.vouchers_list_category import VouchersListCategory
from ...models.vouchers_list_status import VouchersListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    category: VouchersListCategory | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    programme: str | Unset = UNSET,
    status: VouchersListStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_category: str | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category.value

    params["category"] = json_category

    params["cursor"] = cursor

    params["page_size"] = page_size

    params["programme"] = programme

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/vouchers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | PaginatedVoucherList | None:
    if response.status_code == 200:
        response_200 = PaginatedVoucherList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | PaginatedVoucherList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    category: VouchersListCategory | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    programme: str | Unset = UNSET,
    status: VouchersListStatus | Unset = UNSET,
) -> Response[ErrorEnvelope | PaginatedVoucherList]:
    """
    Args:
        category (VouchersListCategory | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        programme (str | Unset):
        status (VouchersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PaginatedVoucherList]
    """

    kwargs = _get_kwargs(
        category=category,
        cursor=cursor,
        page_size=page_size,
        programme=programme,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    category: VouchersListCategory | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    programme: str | Unset = UNSET,
    status: VouchersListStatus | Unset = UNSET,
) -> ErrorEnvelope | PaginatedVoucherList | None:
    """
    Args:
        category (VouchersListCategory | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        programme (str | Unset):
        status (VouchersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PaginatedVoucherList
    """

    return sync_detailed(
        client=client,
        category=category,
        cursor=cursor,
        page_size=page_size,
        programme=programme,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    category: VouchersListCategory | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    programme: str | Unset = UNSET,
    status: VouchersListStatus | Unset = UNSET,
) -> Response[ErrorEnvelope | PaginatedVoucherList]:
    """
    Args:
        category (VouchersListCategory | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        programme (str | Unset):
        status (VouchersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PaginatedVoucherList]
    """

    kwargs = _get_kwargs(
        category=category,
        cursor=cursor,
        page_size=page_size,
        programme=programme,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    category: VouchersListCategory | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    programme: str | Unset = UNSET,
    status: VouchersListStatus | Unset = UNSET,
) -> ErrorEnvelope | PaginatedVoucherList | None:
    """
    Args:
        category (VouchersListCategory | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        programme (str | Unset):
        status (VouchersListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PaginatedVoucherList
    """

    return (
        await asyncio_detailed(
            client=client,
            category=category,
            cursor=cursor,
            page_size=page_size,
            programme=programme,
            status=status,
        )
    ).parsed
