"""The programmes API: the list and each programme with its pools (API.md section 2)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import BaseApi
from programmes import selectors
from programmes.models import BudgetPool, Programme


class PoolOutput(serializers.Serializer[BudgetPool]):
    category = serializers.CharField()
    budget_fen = serializers.IntegerField()
    committed_fen = serializers.SerializerMethodField()
    available_fen = serializers.SerializerMethodField()
    rate_bps = serializers.IntegerField()
    firm_cap_fen = serializers.IntegerField()

    def get_committed_fen(self, pool: BudgetPool) -> int:
        return selectors.pool_figures(pool)["committed_fen"]

    def get_available_fen(self, pool: BudgetPool) -> int:
        return selectors.pool_figures(pool)["available_fen"]


class ProgrammeOutput(serializers.ModelSerializer[Programme]):
    pools = PoolOutput(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "currency",
            "starts_on",
            "ends_on",
            "time_zone",
            "auto_grant",
            "dispute_window_days",
            "voucher_validity_months",
            "pools",
        ]


class ProgrammeListApi(BaseApi):
    serializer_class = ProgrammeOutput
    queryset = Programme.objects.none()  # for the schema; the view reads through selectors
    pagination_class = None

    @extend_schema(operation_id="programmes_list", responses={200: ProgrammeOutput(many=True)})
    def get(self, request: Request) -> Response:
        programmes = selectors.programmes_visible(user=self.actor)
        return Response(ProgrammeOutput(programmes, many=True).data)


class ProgrammeDetailApi(BaseApi):
    serializer_class = ProgrammeOutput

    def get(self, request: Request, code: str) -> Response:
        return Response(ProgrammeOutput(selectors.programme_get(code=code)).data)
