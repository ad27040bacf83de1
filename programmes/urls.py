from core.urls import route
from programmes import apis

urlpatterns = [
    route("programmes", apis.ProgrammeListApi.as_view(), "programme-list"),
    route("programmes/<slug:code>", apis.ProgrammeDetailApi.as_view(), "programme-detail"),
]
