"""Server-rendered pages: log-in, the map page's shell and config, errors, the language switch."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from tests.factories import PASSWORD, Personas


def text(response: Any) -> str:
    return str(response.content.decode())


def json_script(body: str, element_id: str) -> Any:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body)
    assert match, f"no {element_id} in the page"
    return json.loads(match.group(1))


def switch_language(client: Client, language: str, next_url: str = "/accounts/login/") -> Any:
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_login_page_is_chinese_by_default(db: Any) -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="zh-hans">' in body
    assert "登录" in body and "网格化基层治理" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_login_page_in_english_after_switching(db: Any) -> None:
    client = Client()
    response = switch_language(client, "en")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    body = text(client.get("/accounts/login/"))
    assert '<html lang="en">' in body
    assert "Log in" in body and "Grid-based grassroots governance" in body
    assert "登录" not in body


def test_wrong_password_shows_the_error(personas: Personas) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "chenhuiling", "password": "Wrong-pass-1"})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in text(response)
    assert "用户名或密码错误" in text(response)
    switch_language(client, "en")
    response = client.post("/accounts/login/", {"username": "chenhuiling", "password": "Wrong-pass-2"})
    assert "Wrong username or password" in text(response)


def test_login_goes_to_the_map(personas: Personas) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "chenhuiling", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/map/"


def test_map_page_needs_a_login(db: Any) -> None:
    response = Client().get("/map/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/map/"


def test_map_page_has_the_config_and_the_shell(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.worker).get("/map/")
    assert response.status_code == 200
    body = text(response)
    config = json_script(body, "map-config")
    assert set(config) == {"tileUrl", "tileCrs", "tileAttribution"}
    assert config["tileUrl"] == "" and config["tileCrs"] == "wgs84"
    labels = json_script(body, "map-labels")
    assert labels["grids"] == "网格" and labels["policeZones"] == "警务区"
    # The shell: who is logged in, in which role; log-out and language switch are POST forms.
    assert "陈慧玲" in body and "网格员" in body
    assert re.search(r'<form action="/accounts/logout/" method="post">', body)
    assert re.search(r'<form class="gg-lang" action="/i18n/setlang/" method="post"', body)
    assert 'data-testid="grid-card"' in body
    # Only pages that exist are linked: no admin link for a grid worker.
    assert 'href="/admin/"' not in body


def test_map_config_follows_the_tile_settings(personas: Personas, client_for: Any, settings: Any) -> None:
    settings.GRIDGOV_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.GRIDGOV_TILE_CRS = "gcj02"
    body = text(client_for(personas.worker).get("/map/"))
    assert json_script(body, "map-config")["tileCrs"] == "gcj02"
    assert "gg-map--plain" not in body


def test_admin_link_only_for_staff(personas: Personas, client_for: Any) -> None:
    assert personas.admin.is_staff
    assert 'href="/admin/"' in text(client_for(personas.admin).get("/map/"))


def test_404_page_is_in_the_shell(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.worker).get("/no-such-page/")
    assert response.status_code == 404
    body = text(response)
    assert 'data-testid="error-page"' in body and 'data-testid="topbar"' in body
    assert "页面不存在" in body and "陈慧玲" in body


def test_404_in_the_api_keeps_the_error_body(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.worker).get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_500_page_is_in_the_shell(rf: Any) -> None:
    from gridgov.web.views import server_error

    response = server_error(rf.get("/map/"))
    assert response.status_code == 500
    assert 'data-testid="error-page"' in text(response) and "服务器出错" in text(response)


def test_language_switch_sets_the_cookie_and_returns(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.worker)
    response = switch_language(client, "en", "/map/")
    assert response.status_code == 302 and response["Location"] == "/map/"
    assert client.cookies["django_language"].value == "en"
    body = text(client.get("/map/"))
    assert "Grid worker" in body or "grid worker" in body
    assert '"grids": "Grids"' in body
    switch_language(client, "zh-hans", "/map/")
    assert "网格员" in text(client.get("/map/"))


def test_locked_out_page_is_translated(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "wengdi", "password": "Wrong-pass-1"})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in text(response) and "锁定" in text(response)
