"""The API against its own OpenAPI schema (Schemathesis): requests generated from the schema, valid and crafted, sent
in-process through the WSGI application with a real token; every answer must be one the schema documents (status
code, content type, body shape) and never a server error.

Run as the provincial officer (the widest scope of the shared world), whose reads exercise every endpoint's rows,
with a read-only token: every write endpoint answers 403, which the schema documents. Then the write endpoints again
with a token made to write, over the same small province (no review is open in it, so no decision can be written;
a generated file is no spreadsheet, so no import is planned): the crafted bodies must meet the page's refusals (a
400 naming the field), never a server error.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from danhgia.api.api import api

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = application


@pytest.fixture
def officer_token(officer):
    return officer["read"]


@pytest.fixture
def officer(transactional_db, token_of, settings, tmp_path):
    """A small province of its own, committed (the WSGI application is called as a server would be, outside the
    shared worlds' held transaction): an officer over it, a commune with a cell and a member."""
    import datetime as dt

    from danhgia.accounts.models import Role
    from danhgia.orgs.models import Locality, UnitKind
    from danhgia.orgs.services import unit_create
    from danhgia.people.services import member_admit, person_create
    from danhgia.periods.services import period_create
    from tests.conftest import make_user

    province = unit_create(
        parent=None, kind=UnitKind.PROVINCE_COMMITTEE, name="Đảng bộ tỉnh Thử", locality=Locality.PROVINCE, actor=None
    )
    commune = unit_create(
        parent=province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ xã Thử", locality=Locality.COMMUNE,
        is_grassroots=True, actor=None,
    )  # fmt: skip
    cell = unit_create(parent=commune, kind=UnitKind.CELL, name="Chi bộ Thử", actor=None)
    person = person_create(family_name="Nguyễn", middle_name="Văn", given_name="Thử", gender="nam", actor=None)
    member_admit(person=person, cell=cell, admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1), actor=None)
    period_create(unit=province, year=dt.date.today().year, actor=None)
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user("bantochuc.thu", Role.OFFICER, province)
    return {"read": token_of(user), "write": token_of(user, write=True)}


@SCHEMA.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_one_the_schema_documents(case, officer_token):
    auth = {"Authorization": f"Bearer {officer_token}"}
    response = case.call(headers=auth)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.status_code)
    # The headers again, so that the check of ignored authentication replays the request without them.
    case.validate_response(response, headers=auth)


@SCHEMA.include(method="POST").parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_crafted_writes_are_refused_as_the_schema_documents(case, officer):
    from danhgia.imports.models import Import
    from danhgia.reviews.models import Decision

    auth = {"Authorization": f"Bearer {officer['write']}"}
    response = case.call(headers=auth)
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
    # A body the schema allows may still be refused by the page's checks (random bytes are no spreadsheet, a year
    # 0118 is a date but outside 1900–2100): a 400 naming the field, which the schema documents, is the answer.
    case.validate_response(response, headers=auth, excluded_checks=[positive_data_acceptance])
    assert not Import.objects.filter(status="applied").exists() and not Decision.objects.exists()
