from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.programme_report import ProgrammeReport
from ...models.programmes_report_retrieve_format import ProgrammesReportRetrieveFormat
from ...types import UNSET, Response, Unset


def _get_kwargs(
    code: str,
    *,
    format_: ProgrammesReportRetrieveFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/programmes/{code}/report".format(
            code=quote(str(code), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ProgrammeReport | None:
    if response.status_code == 200:
        response_200 = ProgrammeReport.from_dict(response.json())

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
) -> Response[ErrorEnvelope | ProgrammeReport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    code: str,
    *,
    client: AuthenticatedClient,
    format_: ProgrammesReportRetrieveFormat | Unset = UNSET,
) -> Response[ErrorEnvelope | ProgrammeReport]:
    """The programme's figures per pool and per provider, from the ledger. `?format=csv`
    returns the same as CSV.

    Args:
        code (str):
        format_ (ProgrammesReportRetrieveFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ProgrammeReport]
    """

    kwargs = _get_kwargs(
        code=code,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    code: str,
    *,
    client: AuthenticatedClient,
    format_: ProgrammesReportRetrieveFormat | Unset = UNSET,
) -> ErrorEnvelope | ProgrammeReport | None:
    """The programme's figures per pool and per provider, from the ledger. `?format=csv`
    returns the same as CSV.

    Args:
        code (str):
        format_ (ProgrammesReportRetrieveFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ProgrammeReport
    """

    return sync_detailed(
        code=code,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    code: str,
    *,
    client: AuthenticatedClient,
    format_: ProgrammesReportRetrieveFormat | Unset = UNSET,
) -> Response[ErrorEnvelope | ProgrammeReport]:
    """The programme's figures per pool and per provider, from the ledger. `?format=csv`
    returns the same as CSV.

    Args:
        code (str):
        format_ (ProgrammesReportRetrieveFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ProgrammeReport]
    """

    kwargs = _get_kwargs(
        code=code,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    code: str,
    *,
    client: AuthenticatedClient,
    format_: ProgrammesReportRetrieveFormat | Unset = UNSET,
) -> ErrorEnvelope | ProgrammeReport | None:
    """The programme's figures per pool and per provider, from the ledger. `?format=csv`
    returns the same as CSV.

    Args:
        code (str):
        format_ (ProgrammesReportRetrieveFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ProgrammeReport
    """

    return (
        await asyncio_detailed(
            code=code,
            client=client,
            format_=format_,
        )
    ).parsed
