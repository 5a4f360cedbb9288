"""`plaudit bootstrap ORG.yaml`: bring an organisation's definitions to what a declarative file says, through
the public REST API (the same authorization and administrative trail as HR's own requests), idempotently.

The file (examples/org.yaml is the demo organisation) holds `settings` (company values, allowances, tiers,
...: the fields it names), `budgets` with their `top_ups`, `milestone_rules`, `catalog_items`, `badges` and
`seasons`. Definitions are matched to the stack's by name (budgets by id) and compared field by field:
missing ones are created, differing ones replaced, equal ones left alone; what the stack has beyond the file
is left alone too. Settings are changed with one JSON Merge Patch of the differing fields, sent with the
version read (If-Match), so a change made meanwhile by someone else is refused rather than overwritten.

A top-up is keyed: `key` is unique within its budget. The key travels twice: as the request's
Idempotency-Key (`bootstrap-<budget>-<key>`: a retried request moves points once), and at the end of the
top-up's note (`[bootstrap:<key>]`), which the budget's ledger keeps for ever: before topping up, the
budget's ledger is read and a key found there is done, whoever ran the bootstrap and however long ago.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from plaudit.domain.badges import BadgeSpec
from plaudit.domain.catalog import CatalogItemSpec
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.domain.seasons import SeasonSpec
from plaudit.domain.settings import OrgSettings
from plaudit.services.budgets import CreateBudget, MovePoints

TOP_UP_TAG = "[bootstrap:{key}]"
PAGE = 100


class TopUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="Unique within the budget, for ever")
    points: int = Field(strict=True, ge=1, le=100_000_000)
    note: str | None = Field(default=None, min_length=1, max_length=200)


class BudgetEntry(CreateBudget):
    top_ups: list[TopUp] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_keys(self) -> BudgetEntry:
        keys = [top_up.key for top_up in self.top_ups]
        if len(set(keys)) != len(keys):
            raise ValueError("top-up keys repeat within the budget")
        return self


def _distinct_names(entries: list[Any], what: str) -> None:
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"{what}: names repeat (a definition is matched by its name)")


class OrgFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: dict[str, Any] = Field(default_factory=dict)
    budgets: list[BudgetEntry] = Field(default_factory=list)
    catalog_items: list[CatalogItemSpec] = Field(default_factory=list)
    milestone_rules: list[RuleSpec] = Field(default_factory=list)
    badges: list[BadgeSpec] = Field(default_factory=list)
    seasons: list[SeasonSpec] = Field(default_factory=list)

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        OrgSettings.model_validate(value)  # the fields it names, with the defaults beside them
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OrgFile:
        ids = [budget.id for budget in self.budgets]
        if len(set(ids)) != len(ids):
            raise ValueError("budgets: ids repeat")
        for what in ("catalog_items", "milestone_rules", "badges", "seasons"):
            _distinct_names(getattr(self, what), what)
        return self

    def desired_settings(self) -> dict[str, Any]:
        """The fields the file names, each whole as the API holds it (nested defaults filled in)."""
        full = OrgSettings.model_validate(self.settings).model_dump(mode="json")
        return {name: full[name] for name in self.settings}


class OrgFileError(Exception):
    """The file is unusable: each problem with the file's line and the path inside it."""


def load(path: str | Path) -> OrgFile:
    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise OrgFileError(f"{path}: not YAML: {error}") from error
    try:
        return OrgFile.model_validate(data or {})
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "(top)"
            line = _line_of(root, problem["loc"])
            problems.append(f"{path}:{line}: {where}: {problem['msg']}")
        raise OrgFileError("\n".join(problems)) from error


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node of `loc` the file has (pydantic's loc may name a union's
    branch or a field the file lacks: the line of the nearest node that exists)."""
    if node is None:
        return 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            continue  # a union's branch name or a missing field: stay where we are
        node = child
    return node.start_mark.line + 1


# --- the API ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path}: {status} {body}")
        self.status = status


@dataclass
class Reply:
    status: int
    body: Any
    etag: str | None


Transport = Callable[[str, str, Any, dict[str, str]], Reply]


def http_transport(api_url: str, token: str, timeout: float = 60) -> Transport:
    """Requests to a stack's HTTP API with a bearer token (an HR admin's, or an admin integration's)."""

    def send(method: str, path: str, body: Any, headers: dict[str, str]) -> Reply:
        # a str body goes as it is (its Content-Type among `headers`), anything else as JSON
        data = body.encode() if isinstance(body, str) else None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(api_url.rstrip("/") + path, data=data, method=method)  # noqa: S310
        request.add_header("Authorization", f"Bearer {token}")
        if not isinstance(body, str):
            request.add_header("Content-Type", "application/json")
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw, status, etag = response.read(), response.status, response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            raise ApiError(method, path, error.code, error.read().decode(errors="replace")) from error
        return Reply(status, json.loads(raw) if raw else None, etag)

    return send


class Api:
    def __init__(self, transport: Transport) -> None:
        self._send = transport

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None, {})

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
        return self._send(method, path, body, headers or {})

    def pages(self, path: str, **query: str) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            params = {**query, "limit": str(PAGE)} | ({"cursor": cursor} if cursor else {})
            body = self.get(f"{path}?{urllib.parse.urlencode(params)}").body
            yield from body["items"]
            if not (cursor := body.get("next_cursor")):
                return


# --- the plan --------------------------------------------------------------------------------------------


@dataclass
class Change:
    """One thing to do (or, `blocked`, that cannot be done through the API and is only reported)."""

    what: str  # e.g. "badge 'Podium'"
    action: str  # create | update | top up | blocked
    lines: list[str] = field(default_factory=list)
    request: tuple[str, str, Any, dict[str, str]] | None = None

    def describe(self) -> str:
        return "\n".join([f"{self.action} {self.what}", *(f"    {line}" for line in self.lines)])


@dataclass
class Plan:
    changes: list[Change]
    unchanged: int

    @property
    def blocked(self) -> list[Change]:
        return [change for change in self.changes if change.action == "blocked"]


def diff(current: Any, desired: Any, path: str = "") -> list[str]:
    """Field by field: `path: old -> new` for every leaf that differs."""
    if isinstance(current, dict) and isinstance(desired, dict):
        lines = []
        for name in sorted(set(current) | set(desired), key=str):
            lines += diff(current.get(name), desired.get(name), f"{path}.{name}" if path else str(name))
        return lines
    if current == desired:
        return []
    return [f"{path}: {json.dumps(current)} -> {json.dumps(desired)}"]


def merge_patch(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The RFC 7396 patch taking `current` to `desired` for the fields `desired` names (objects merge: a
    key the stack has and the file does not becomes null)."""
    patch: dict[str, Any] = {}
    for name, value in desired.items():
        old = current.get(name)
        if isinstance(old, dict) and isinstance(value, dict):
            inner = merge_patch(old, value) | {key: None for key in old if key not in value}
            if inner:
                patch[name] = inner
        elif old != value:
            patch[name] = value
    return patch


def _spec_of(model: type[BaseModel], stored: dict[str, Any]) -> dict[str, Any]:
    """A stored definition as its spec (the fields the file can state), normalised like the file's."""
    fields = {name: stored[name] for name in model.model_fields if name in stored}
    return model.model_validate(fields).model_dump(mode="json")


def plan(org: OrgFile, api: Api) -> Plan:
    changes: list[Change] = []
    unchanged = 0

    def compare(
        what: str, model: type[BaseModel], desired: BaseModel, stored: dict | None, path: str
    ) -> None:
        nonlocal unchanged
        body = desired.model_dump(mode="json")
        if stored is None:
            changes.append(Change(what, "create", [], ("POST", path, body, {})))
            return
        lines = diff(_spec_of(model, stored), body)
        if not lines:
            unchanged += 1
            return
        headers = {"If-Match": f'"{stored["version"]}"'} if "version" in stored else {}
        changes.append(Change(what, "update", lines, ("PUT", f"{path}/{stored['id']}", body, headers)))

    if org.settings:
        reply = api.get("/v1/settings")
        desired = org.desired_settings()
        patch = merge_patch(reply.body, desired)
        if patch:
            lines = diff(
                {name: reply.body.get(name) for name in patch}, {name: desired[name] for name in patch}
            )
            headers = {"If-Match": reply.etag} if reply.etag else {}
            changes.append(Change("settings", "update", lines, ("PATCH", "/v1/settings", patch, headers)))
        else:
            unchanged += 1

    for budget in org.budgets:
        budget_changes = _budget_changes(budget, api)
        changes += budget_changes
        unchanged += not budget_changes

    if org.catalog_items:  # a section the file leaves out is not read (nor needs its permission)
        pages = (api.pages("/v1/catalog/items", inactive=inactive) for inactive in ("false", "true"))
        items = {item["name"]: item for page in pages for item in page}
        for spec in org.catalog_items:
            compare(
                f"catalog item '{spec.name}'",
                CatalogItemSpec,
                spec,
                items.get(spec.name),
                "/v1/catalog/items",
            )
    if org.milestone_rules:
        rules = {rule["name"]: rule for rule in api.pages("/v1/milestone-rules")}
        for spec in org.milestone_rules:
            compare(
                f"milestone rule '{spec.name}'", RuleSpec, spec, rules.get(spec.name), "/v1/milestone-rules"
            )
    if org.badges:
        badges = {badge["name"]: badge for badge in api.pages("/v1/badges")}
        for spec in org.badges:
            compare(f"badge '{spec.name}'", BadgeSpec, spec, badges.get(spec.name), "/v1/badges")
    if org.seasons:
        seasons = {season["name"]: season for season in api.get("/v1/seasons").body["items"]}
        for spec in org.seasons:
            compare(f"season '{spec.name}'", SeasonSpec, spec, seasons.get(spec.name), "/v1/seasons")
    return Plan(changes, unchanged)


def _budget_changes(budget: BudgetEntry, api: Api) -> list[Change]:
    what = f"budget '{budget.id}'"
    definition = CreateBudget.model_validate(budget.model_dump(exclude={"top_ups"}))
    try:
        stored = api.get(f"/v1/budgets/{budget.id}").body
    except ApiError as error:
        if error.status != 404:
            raise
        stored = None
    changes = []
    done: set[str] = set()
    if stored is None:
        changes.append(
            Change(what, "create", [], ("POST", "/v1/budgets", definition.model_dump(mode="json"), {}))
        )
    else:
        lines = diff(_spec_of(CreateBudget, stored), definition.model_dump(mode="json"))
        if lines:  # the API has no way to change a budget's definition
            changes.append(Change(what, "blocked", [*lines, "(a budget cannot be changed once created)"]))
        for line in api.pages(f"/v1/budgets/{budget.id}/ledger"):
            done |= {top_up.key for top_up in budget.top_ups if _tag(top_up.key) in (line.get("memo") or "")}
    for top_up in budget.top_ups:
        if top_up.key in done:
            continue
        note = f"{top_up.note} {_tag(top_up.key)}" if top_up.note else _tag(top_up.key)
        body = MovePoints(points=top_up.points, note=note).model_dump(mode="json")
        headers = {"Idempotency-Key": f"bootstrap-{budget.id}-{top_up.key}"}
        request = ("POST", f"/v1/budgets/{budget.id}/top-ups", body, headers)
        changes.append(Change(f"{what} ({top_up.key})", "top up", [f"+{top_up.points} points"], request))
    return changes


def _tag(key: str) -> str:
    return TOP_UP_TAG.format(key=key)


def apply(changes: list[Change], api: Api) -> int:
    """Send each change's request in order; the number applied."""
    applied = 0
    for change in changes:
        if change.request is None:
            continue
        method, path, body, headers = change.request
        api.send(method, path, body, headers)
        applied += 1
    return applied


def run(path: str | Path, api: Api, *, dry_run: bool = False, out: Callable[[str], object] = print) -> int:
    """Exit code: 0 the stack matches the file (or would, for a dry run); 1 something could not be applied
    (reported); 2 the file is unusable."""
    try:
        org = load(path)
    except OrgFileError as error:
        out(str(error))
        return 2
    planned = plan(org, api)
    for change in planned.changes:
        out(change.describe())
    todo = [change for change in planned.changes if change.request is not None]
    if dry_run:
        out(f"dry run (nothing written): {len(todo)} to change, {planned.unchanged} unchanged")
    else:
        apply(todo, api)
        out(f"{len(todo)} changed, {planned.unchanged} unchanged")
    if planned.blocked:
        out(f"{len(planned.blocked)} difference(s) the API cannot apply (above, 'blocked')")
        return 1
    return 0
