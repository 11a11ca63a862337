"""Pagination, ETags, the rate limit, bad parameters, the OpenAPI schema and its documentation page."""

import json
import re

import pytest
from django.test import override_settings


def test_pages_follow_the_ids_with_a_next_link(world, token_of, call):
    raw = token_of(world.users["officer"])
    every = [row["id"] for row in call(raw, "/api/v1/units/").json()["items"]]
    assert every == sorted(every) and len(every) >= 5
    seen, url = [], "/api/v1/units/?limit=2"
    while url:
        body = call(raw, url).json()
        assert len(body["items"]) <= 2
        seen += [row["id"] for row in body["items"]]
        url = body["next"]
        assert url is None or url.startswith("http://testserver/api/v1/units/?")
    assert seen == every
    # after_id is also the incremental sync: only rows with a larger id.
    later = [row["id"] for row in call(raw, f"/api/v1/units/?after_id={every[2]}").json()["items"]]
    assert later == every[3:]


def test_members_page_by_person_id(world, token_of, call):
    raw = token_of(world.users["officer"])
    first = call(raw, "/api/v1/members/?limit=4").json()
    assert len(first["items"]) == 4 and "after_id=" in first["next"]
    rest = call(raw, first["next"].removeprefix("http://testserver")).json()
    every = [r["person_id"] for r in first["items"] + rest["items"]]
    assert every == sorted(every) and len(set(every)) == 6 and rest["next"] is None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=" + "9" * 40, "limit"),
        ("after_id=" + "9" * 40, "after_id"),
        ("after_id=99999999999999999999", "after_id"),
        ("unit=" + "9" * 25, "unit"),
        ("unit=%D9%A1%D9%A2", "unit"),  # Arabic-Indic digits «١٢»
        ("after_id=%EF%BC%91", "after_id"),  # a full-width «１»
        ("after_id=1_000", "after_id"),
        ("after_id=1e3", "after_id"),
        ("after_id=%200", "after_id"),
        ("unit=1%00", "unit"),
        ("limit=%00", "limit"),
        ("updated_since=2026-01-01", "updated_since"),
        ("x%00y=1", "x?y"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(world, token_of, call, query, parameter):
    raw = token_of(world.users["officer"])
    for path in ["/api/v1/units/", "/api/v1/members/"]:
        response = call(raw, f"{path}?{query}")
        assert response.status_code == 400, (path, query, response.content)
        body = response.json()
        assert body["errors"][0]["parameter"] == parameter
        assert f"«{parameter}»" in body["detail"]


@pytest.mark.parametrize(
    "tail", ["units/" + "9" * 30 + "/", "units/0/", "periods/" + "9" * 30 + "/reviews/", "units/%D9%A1/"]
)
def test_bad_ids_in_the_address_are_never_a_server_error(world, token_of, call, tail):
    response = call(token_of(world.users["officer"]), f"/api/v1/{tail}")
    assert response.status_code in {400, 404}
    assert response["Content-Type"].startswith("application/json")


def test_etag_and_not_modified(world, token_of, call):
    raw = token_of(world.users["officer"])
    for url in ["/api/v1/units/", f"/api/v1/units/{world.cell_a1.pk}/", "/api/v1/members/"]:
        first = call(raw, url)
        etag = first["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert "private" in first["Cache-Control"] and "Authorization" in first["Vary"]
        assert call(raw, url)["ETag"] == etag
        again = call(raw, url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert call(raw, url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # Another scope sees another payload, so another tag.
    secretary = call(token_of(world.users["secretary_a1"]), "/api/v1/units/")
    assert secretary["ETag"] != call(raw, "/api/v1/units/")["ETag"]


@override_settings(DANHGIA_API_RATE_PER_MINUTE=3)
def test_each_token_is_limited_per_minute(world, token_of, call):
    raw = token_of(world.users["officer"])
    assert [call(raw, "/api/v1/units/").status_code for _ in range(3)] == [200, 200, 200]
    limited = call(raw, "/api/v1/units/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "lần trong một phút" in limited.json()["detail"]
    # Another token of the same user has its own count.
    assert call(token_of(world.users["officer"]), "/api/v1/units/").status_code == 200


def test_the_schema_is_openapi_3_1_with_every_response(world, client_for):
    client = client_for(world.users["member_a1"])
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] and schema["info"]["version"]
    paths = schema["paths"]
    reads = {
        "/api/v1/units/",
        "/api/v1/units/{unit_id}/",
        "/api/v1/members/",
        "/api/v1/periods/",
        "/api/v1/periods/{period_id}/reviews/",
        "/api/v1/imports/{import_id}/",
    }
    writes = {
        "/api/v1/imports/",
        "/api/v1/imports/{import_id}/apply/",
        "/api/v1/imports/{import_id}/discard/",
        "/api/v1/reviews/{review_id}/decision/",
    }
    assert set(paths) == reads | writes
    for path, operations in paths.items():
        method = "get" if path in reads else "post"
        assert set(operations) == {method}, path
        operation = operations[method]
        if method == "get":
            assert {"200", "304", "400", "401", "404", "429"} <= set(operation["responses"]), path
        else:
            # A read-only token is a 403; every refused field a 400 naming it.
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), path
            assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/BadRequest"
            }
        assert operation["security"] == [{"TokenAuth": []}], path
    upload = paths["/api/v1/imports/"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["required"] == ["scope", "file"] and upload["properties"]["file"]["format"] == "binary"
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    # Every $ref resolves.
    text = json.dumps(schema)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in schema["components"]["schemas"], ref


def test_the_schema_and_docs_need_a_login(client):
    assert client.get("/api/v1/openapi.json").status_code == 302
    assert client.get("/api/v1/docs").status_code == 302


def test_the_docs_page_loads_from_this_server_only(world, client_for):
    page = client_for(world.users["officer"]).get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.startswith("/static/ninja/swagger-ui-bundle") for s in sources)
    assert any(s.startswith("/static/ninja/swagger-ui.css") for s in sources)
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert not re.search(r"https?://(?!testserver)", html.split('id="swagger-settings"')[0])
    settings_json = json.loads(html.split('id="swagger-settings">')[1].split("</script>")[0])
    assert settings_json["url"] == "/api/v1/openapi.json"


def test_a_not_modified_answer_is_not_audited_as_a_read(world, token_of, call):
    from danhgia.audit.models import Action, AuditEvent

    raw = token_of(world.users["officer"])
    first = call(raw, "/api/v1/members/")
    assert first.status_code == 200
    reads = AuditEvent.objects.filter(action=Action.API_READ).count()
    assert reads == 1
    again = call(raw, "/api/v1/members/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert AuditEvent.objects.filter(action=Action.API_READ).count() == reads
    assert call(raw, "/api/v1/members/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.API_READ).count() == reads + 1
