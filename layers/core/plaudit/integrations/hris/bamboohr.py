"""BambooHR's event-based webhooks and the REST call that completes them.

BambooHR posts one event per request, JSON-encoded (choose "Event-Based", "JSON" when creating the hook):

    {"type": "employee.updated", "timestamp": "2026-01-31T18:42:00+0000",
     "data": {"companyId": "12345", "employeeId": "67890", "changedFields": ["firstName"]}}

`employee.deleted` becomes a Termination. `employee.created` / `employee.updated` carry only ids and the
names of the changed fields, so the webhook queues a BambooHrRefresh and the worker fetches the person's
current record (`GET /api/gateway.php/{company}/v1/employees/{id}/?fields=...`, the fields in
FETCHED_FIELDS) and turns it into an EmployeeUpsert of everything Plaudit keeps. Sending the whole current
record, not just the changed fields, lets a person created before the integration still get a complete
profile on their first update.

A BambooHR person's Plaudit employee id is their BambooHR employee id (so `supervisorEId` names the
manager's Plaudit id too).
"""

import base64
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any, Literal, Protocol

from pydantic import ConfigDict, Field

from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.errors import RuleViolation
from plaudit.domain.hris import EmployeeUpsert, Termination
from plaudit.domain.model import Model

API_URL = "https://api.bamboohr.com"
TIMEOUT_SECONDS = 5
FETCHED_FIELDS = (
    "firstName",
    "lastName",
    "preferredName",
    "workEmail",
    "department",
    "country",
    "hireDate",
    "dateOfBirth",
    "supervisorEId",
    "status",
)
# BambooHR returns a country's English name; the ones below map to ISO codes, others leave it unchanged.
COUNTRY_CODES = {
    "argentina": "AR", "australia": "AU", "austria": "AT", "belgium": "BE", "brazil": "BR",
    "canada": "CA", "chile": "CL", "china": "CN", "colombia": "CO", "czech republic": "CZ",
    "czechia": "CZ", "denmark": "DK", "finland": "FI", "france": "FR", "germany": "DE", "greece": "GR",
    "hong kong": "HK", "hungary": "HU", "india": "IN", "ireland": "IE", "israel": "IL", "italy": "IT",
    "japan": "JP", "mexico": "MX", "netherlands": "NL", "new zealand": "NZ", "nigeria": "NG",
    "norway": "NO", "philippines": "PH", "poland": "PL", "portugal": "PT", "romania": "RO",
    "singapore": "SG", "south africa": "ZA", "south korea": "KR", "spain": "ES", "sweden": "SE",
    "switzerland": "CH", "turkey": "TR", "ukraine": "UA", "united arab emirates": "AE",
    "united kingdom": "GB", "united states": "US", "usa": "US",
}  # fmt: skip


class BambooHrEventData(Model):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, defer_build=True)

    company_id: str | None = Field(default=None, alias="companyId")
    employee_id: str = Field(alias="employeeId", pattern=EMPLOYEE_ID)
    changed_fields: list[str] = Field(default_factory=list, alias="changedFields", max_length=500)


class BambooHrEvent(Model):
    """An event-based BambooHR webhook delivery (JSON encoding)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    type: Literal["employee.created", "employee.updated", "employee.deleted"]
    timestamp: str | None = None
    data: BambooHrEventData


class BambooHrRefresh(Model):
    """Queued work: fetch this person from BambooHR and apply what it holds now."""

    kind: Literal["bamboohr_refresh"] = "bamboohr_refresh"
    employee_id: str = Field(pattern=EMPLOYEE_ID)
    event: Literal["employee.created", "employee.updated"]
    changed_fields: list[str] = Field(default_factory=list)


class BambooHrClient(Protocol):
    def fetch_employee(self, employee_id: str) -> dict[str, Any]:
        """The person's FETCHED_FIELDS by BambooHR alias; RuleViolation if BambooHR does not know them."""
        ...


def delivery_id(body: bytes) -> str:
    """BambooHR sends no delivery id: a redelivery repeats the body, so its hash names the delivery."""
    return hashlib.sha256(body).hexdigest()


def to_work(event: BambooHrEvent) -> list[Termination | BambooHrRefresh]:
    employee_id = event.data.employee_id
    if event.type == "employee.deleted":
        return [Termination(employee_id=employee_id)]
    return [
        BambooHrRefresh(employee_id=employee_id, event=event.type, changed_fields=event.data.changed_fields)
    ]


def refresh(work: BambooHrRefresh, client: BambooHrClient) -> EmployeeUpsert:
    """Fetch the person and map BambooHR's fields to Plaudit's."""
    return to_upsert(work.employee_id, client.fetch_employee(work.employee_id))


def to_upsert(employee_id: str, record: dict[str, Any]) -> EmployeeUpsert:
    """BambooHR field → Plaudit field: preferredName or firstName + lastName → name, workEmail → email,
    department, country (name → ISO code), hireDate → start_date, dateOfBirth → birthday (MM-DD only),
    supervisorEId → manager_id, status Active/Inactive → active/deactivated. Fields BambooHR leaves empty
    or hides from the API key are not sent (they stay as they are), except an empty supervisor: no manager."""
    value = {name: _text(record.get(name)) for name in FETCHED_FIELDS}
    fields: dict[str, Any] = {}
    name = " ".join(
        part for part in (value["preferredName"] or value["firstName"], value["lastName"]) if part
    )
    if name:
        fields["name"] = name
    if value["workEmail"]:
        fields["email"] = value["workEmail"]
    if value["department"]:
        fields["department"] = value["department"]
    if country := _country(value["country"]):
        fields["country"] = country
    if start := _date(value["hireDate"]):
        fields["start_date"] = start.isoformat()
    if born := _date(value["dateOfBirth"]):
        fields["birthday"] = born.strftime("%m-%d")
    if "supervisorEId" in record:
        fields["manager_id"] = value["supervisorEId"] or None
    if value["status"] in ("Active", "Inactive"):
        fields["status"] = "active" if value["status"] == "Active" else "deactivated"
    return EmployeeUpsert(employee_id=employee_id, fields=fields)


class HttpBambooHrClient:
    """BambooHR's REST API with an API key (HTTP Basic: the key as user name, "x" as password)."""

    def __init__(self, company_domain: str, api_key: str, base_url: str | None = None):
        self._url = (
            f"{(base_url or API_URL).rstrip('/')}/api/gateway.php/{urllib.parse.quote(company_domain)}"
        )
        token = base64.b64encode(f"{api_key}:x".encode()).decode()
        self._headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def __repr__(self) -> str:  # never print the key
        return "HttpBambooHrClient(...)"

    def fetch_employee(self, employee_id: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"fields": ",".join(FETCHED_FIELDS)})
        url = f"{self._url}/v1/employees/{urllib.parse.quote(employee_id)}/?{query}"
        request = urllib.request.Request(url, headers=self._headers, method="GET")  # noqa: S310 - our base URL
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - our base URL
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise RuleViolation(
                    "error.bamboohr_employee_not_found",
                    code="bamboohr_employee_not_found",
                    employee_id=employee_id,
                ) from None
            raise RuntimeError(f"BambooHR answered HTTP {error.code} for employee {employee_id}") from None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and not text.startswith("0000") else None
    except ValueError:
        return None


def _country(text: str | None) -> str | None:
    if text and re.fullmatch(r"[A-Za-z]{2}", text):
        return text.upper()
    return COUNTRY_CODES.get((text or "").lower())
