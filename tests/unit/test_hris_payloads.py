"""HRIS payloads to normalized changes: the generic Plaudit webhook and BambooHR's event-based webhook."""

import base64
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from pydantic import ValidationError

from plaudit.domain.errors import RuleViolation
from plaudit.domain.hris import EmployeeUpsert, ManagerChange, NamedEvent, Termination
from plaudit.integrations.hris import bamboohr
from plaudit.integrations.hris.plaudit_webhook import PlauditDelivery, to_changes

FULL = {
    "id": "hris-2026-11-16-0001",
    "events": [
        {
            "type": "employee.upserted",
            "employee_id": "E2001",
            "fields": {"email": "Ada@Example.com", "name": "Ada Lovelace", "start_date": "2026-11-16",
                       "birthday": "12-10", "country": "GB", "manager_id": None},
        },
        {"type": "employee.manager_changed", "employee_id": "E1003", "manager_id": "E1002"},
        {"type": "employee.terminated", "employee_id": "E1007", "effective_on": "2026-11-30"},
        {"type": "event", "employee_id": "E1003", "event_id": "promo-118", "name": "promotion",
         "occurred_on": "2026-11-16", "details": {"title": "Staff Engineer"}},
    ],
}  # fmt: skip


def plaudit(payload: object) -> PlauditDelivery:
    return PlauditDelivery.model_validate_json(json.dumps(payload))


def invalid(payload: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        plaudit(payload)
    fields = [".".join(str(part) for part in problem["loc"]) for problem in caught.value.errors()]
    assert any(name.startswith(field) for name in fields), fields


def test_every_generic_event_becomes_its_change_in_order():
    delivery = plaudit(FULL)
    upsert, manager, termination, event = to_changes(delivery)
    assert delivery.id == "hris-2026-11-16-0001"
    assert upsert == EmployeeUpsert(
        employee_id="E2001",
        fields={"email": "Ada@Example.com", "name": "Ada Lovelace", "start_date": "2026-11-16",
                "birthday": "12-10", "country": "GB", "manager_id": None},
    )  # fmt: skip
    assert manager == ManagerChange(employee_id="E1003", manager_id="E1002")
    assert termination == Termination(employee_id="E1007", effective_on=date(2026, 11, 30))
    assert event == NamedEvent(
        employee_id="E1003", event_id="promo-118", name="promotion", occurred_on=date(2026, 11, 16),
        details={"title": "Staff Engineer"},
    )  # fmt: skip


def test_upserts_carry_only_the_fields_sent():
    delivery = plaudit({"id": "d1", "events": [{"type": "employee.upserted", "employee_id": "E1",
                                                "fields": {"department": "Sales"}}]})  # fmt: skip
    assert to_changes(delivery)[0].fields == {"department": "Sales"}


def one(event: dict) -> dict:
    return {"id": "d1", "events": [event]}


def upsert(fields: dict) -> dict:
    return one({"type": "employee.upserted", "employee_id": "E1", "fields": fields})


UPSERT_FIELDS = "events.0.employee.upserted.fields"
PROMOTION = {
    "type": "event",
    "employee_id": "E1",
    "event_id": "x",
    "name": "promotion",
    "occurred_on": "2026-11-16",
}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"events": FULL["events"]}, "id"),
        ({"id": "has spaces", "events": FULL["events"]}, "id"),
        ({"id": "d1", "events": []}, "events"),
        (one({"type": "employee.exploded", "employee_id": "E1"}), "events.0"),
        (upsert({}), UPSERT_FIELDS),
        (upsert({"roles": ["admin"]}), f"{UPSERT_FIELDS}.roles"),
        (upsert({"email": "nope"}), f"{UPSERT_FIELDS}.email"),
        (upsert({"time_zone": "Mars/Olympus"}), f"{UPSERT_FIELDS}.time_zone"),
        (upsert({"birthday": "1990-01-01"}), f"{UPSERT_FIELDS}.birthday"),
        (
            one({"type": "employee.terminated", "employee_id": "bad id"}),
            "events.0.employee.terminated.employee_id",
        ),
        (one({**PROMOTION, "name": "Promotion!"}), "events.0.event.name"),
        (one({**PROMOTION, "occurred_on": "soon"}), "events.0.event.occurred_on"),
        ({"id": "d1", "events": [FULL["events"][1]] * 101}, "events"),
        ([], ""),
    ],
)
def test_bad_generic_payloads_are_422s_naming_the_field(payload, field):
    invalid(payload, field)


def bamboo(type_: str, **data) -> bamboohr.BambooHrEvent:
    body = {"type": type_, "timestamp": "2026-01-31T18:42:00+0000",
            "data": {"companyId": 12345, "employeeId": 67890, **data}}  # fmt: skip
    return bamboohr.BambooHrEvent.model_validate_json(json.dumps(body))


def test_bamboohr_deleted_is_a_termination():
    assert bamboohr.to_work(bamboo("employee.deleted")) == [Termination(employee_id="67890")]


@pytest.mark.parametrize("type_", ["employee.created", "employee.updated"])
def test_bamboohr_created_and_updated_queue_a_fetch(type_):
    (work,) = bamboohr.to_work(bamboo(type_, changedFields=["firstName", "supervisorEId"]))
    assert work == bamboohr.BambooHrRefresh(
        employee_id="67890", event=type_, changed_fields=["firstName", "supervisorEId"]
    )


@pytest.mark.parametrize(
    "body",
    [
        {"type": "employee.promoted", "data": {"employeeId": "1"}},
        {"type": "employee.updated", "data": {}},
        {"type": "employee.updated", "data": {"employeeId": "1 OR 1=1"}},
        {"type": "employee.updated"},
    ],
)
def test_bad_bamboohr_payloads_are_refused(body):
    with pytest.raises(ValidationError):
        bamboohr.BambooHrEvent.model_validate_json(json.dumps(body))


def test_bamboohr_delivery_id_is_the_body_hash():
    assert bamboohr.delivery_id(b"{}") == bamboohr.delivery_id(b"{}") != bamboohr.delivery_id(b"{ }")


class FakeBambooHr:
    def __init__(self, records: dict[str, dict]):
        self.records = records
        self.fetched: list[str] = []

    def fetch_employee(self, employee_id: str) -> dict:
        self.fetched.append(employee_id)
        if employee_id not in self.records:
            raise RuleViolation("unknown", code="bamboohr_employee_not_found")
        return self.records[employee_id]


def test_a_refresh_fetches_the_person_and_maps_bamboohr_fields():
    client = FakeBambooHr({"67890": {
        "id": "67890", "firstName": "Charlotte", "preferredName": "Charlie", "lastName": "Abbott",
        "workEmail": "cabbott@example.com", "department": "Engineering", "country": "United Kingdom",
        "hireDate": "2019-03-01", "dateOfBirth": "1992-02-29", "supervisorEId": "4", "status": "Active",
    }})  # fmt: skip
    work = bamboohr.BambooHrRefresh(
        employee_id="67890", event="employee.updated", changed_fields=["firstName"]
    )
    assert bamboohr.refresh(work, client) == EmployeeUpsert(
        employee_id="67890",
        fields={"name": "Charlie Abbott", "email": "cabbott@example.com", "department": "Engineering",
                "country": "GB", "start_date": "2019-03-01", "birthday": "02-29", "manager_id": "4",
                "status": "active"},
    )  # fmt: skip
    assert client.fetched == ["67890"]


def test_empty_or_hidden_bamboohr_fields_are_left_alone():
    upsert = bamboohr.to_upsert("7", {"firstName": "Ana", "lastName": None, "hireDate": "0000-00-00",
                                      "dateOfBirth": "", "supervisorEId": "", "country": "Atlantis",
                                      "status": "Inactive"})  # fmt: skip
    assert upsert.fields == {"name": "Ana", "manager_id": None, "status": "deactivated"}
    assert bamboohr.to_upsert("7", {"country": "de"}).fields == {"country": "DE"}


class _BambooHrApi(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        status, body = (200, {"id": "7", "firstName": "Ana"}) if "/employees/7/" in self.path else (404, {})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def bamboohr_api() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _BambooHrApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    _BambooHrApi.seen.clear()


def test_the_http_client_asks_bamboohrs_rest_api_with_the_key(bamboohr_api):
    client = bamboohr.HttpBambooHrClient("acme", "secret-key", bamboohr_api)
    assert client.fetch_employee("7") == {"id": "7", "firstName": "Ana"}
    with pytest.raises(RuleViolation) as missing:
        client.fetch_employee("8")
    assert missing.value.code == "bamboohr_employee_not_found"
    (path, auth), _ = _BambooHrApi.seen
    fields = ",".join(bamboohr.FETCHED_FIELDS).replace(",", "%2C")
    assert path == f"/api/gateway.php/acme/v1/employees/7/?fields={fields}"
    assert auth == "Basic " + base64.b64encode(b"secret-key:x").decode()
    assert "secret-key" not in repr(client)
