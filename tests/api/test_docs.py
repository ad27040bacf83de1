"""The API docs (Swagger UI at /api/docs/, ReDoc at /api/redoc/) load nothing from another host:
their scripts, styles and icon are drf-spectacular-sidecar's static files, served by us."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

# Every URL the page would fetch: src=, href= (links and icons), and CSS url(...).
_URL = re.compile(r"""(?:\bsrc|\bhref)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def _fetched_urls(html: str) -> list[str]:
    return [a or b for a, b in _URL.findall(html)]


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        (
            "/api/docs/",
            {
                "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
            },
        ),
        ("/api/redoc/", {"/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"}),
    ],
)
def test_the_docs_load_only_same_origin_static_files(path: str, assets: set[str]) -> None:
    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert set(_fetched_urls(html)) == assets
    assert "//" not in "".join(_fetched_urls(html))  # no absolute or protocol-relative URL
    assert "https://" not in html
    assert "http://" not in html
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url


def test_the_docs_point_at_the_local_schema() -> None:
    swagger = Client().get("/api/docs/").content.decode()
    redoc = Client().get("/api/redoc/").content.decode()

    assert 'url: "/api/schema/"' in swagger
    assert '"validatorUrl": null' in swagger  # no badge from validator.swagger.io
    assert '<redoc spec-url="/api/schema/"></redoc>' in redoc
