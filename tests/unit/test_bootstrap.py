"""`plaudit bootstrap`: the organisation file's validation (with its lines), the field-by-field plan, the
settings' merge patch and the top-ups keyed so a rerun never funds twice; against an API faked in memory
(the real handlers: tests/integration/test_bootstrap_api.py, the local stack: tests/e2e)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from plaudit_dev import bootstrap
from plaudit_dev.bootstrap import Api, OrgFileError, Reply, diff, load, merge_patch, plan, run
from plaudit_dev.seed import DEMO_ORG_FILE

ORG = """\
settings:
  max_points_per_kudos: 50
  company_values:
    - {slug: teamwork, name: Teamwork}
budgets:
  - id: spot
    name: Spot awards
    kind: company
    top_ups:
      - {key: launch, points: 1000, note: Launch funding}
      - {key: q2, points: 500}
badges:
  - name: First thanks
    emoji: wave
    description: Gave their first kudos.
    criteria: {kind: first, side: given}
"""


class FakeApi:
    """The few routes the bootstrap reads and writes, in memory; `sent` records every write."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] = {"max_points_per_kudos": 100, "company_values": [], "currency": "USD"}
        self.version = 3
        self.budgets: dict[str, dict[str, Any]] = {}
        self.ledger: dict[str, list[dict[str, Any]]] = {}
        self.badges: list[dict[str, Any]] = []
        self.sent: list[tuple[str, str, Any, dict[str, str]]] = []

    def __call__(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Reply:
        route = urllib.parse.urlsplit(path).path
        if method != "GET":
            self.sent.append((method, route, body, headers))
        if route == "/v1/settings" and method == "GET":
            return Reply(200, dict(self.settings), f'"{self.version}"')
        if route == "/v1/settings" and method == "PATCH":
            assert headers["If-Match"] == f'"{self.version}"'
            self.settings |= body
            self.version += 1
            return Reply(200, self.settings, None)
        if route == "/v1/budgets" and method == "POST":
            self.budgets[body["id"]] = body | {"balance": 0}
            return Reply(201, self.budgets[body["id"]], None)
        if route.startswith("/v1/budgets/") and route.endswith("/top-ups"):
            budget = route.split("/")[3]
            self.ledger.setdefault(budget, []).append({"kind": "budget_top_up", "memo": body["note"]})
            return Reply(201, {}, None)
        if route.startswith("/v1/budgets/") and route.endswith("/ledger"):
            return Reply(200, {"items": self.ledger.get(route.split("/")[3], []), "next_cursor": None}, None)
        if route.startswith("/v1/budgets/"):
            budget = self.budgets.get(route.split("/")[3])
            if budget is None:
                raise bootstrap.ApiError(method, path, 404, "{}")
            return Reply(200, budget, None)
        if route == "/v1/badges" and method == "POST":
            self.badges.append(body | {"id": f"bdg_{len(self.badges)}", "version": 1})
            return Reply(201, self.badges[-1], None)
        if route.startswith("/v1/badges/") and method == "PUT":
            badge = next(badge for badge in self.badges if badge["id"] == route.split("/")[3])
            assert headers["If-Match"] == f'"{badge["version"]}"'
            badge |= body | {"version": badge["version"] + 1}
            return Reply(200, badge, None)
        if route in ("/v1/badges", "/v1/catalog/items", "/v1/milestone-rules"):
            items = self.badges if route == "/v1/badges" else []
            return Reply(200, {"items": items, "next_cursor": None}, None)
        raise AssertionError(f"unexpected {method} {path}")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text)
    return path


def test_the_demo_organisation_file_is_valid():
    org = load(DEMO_ORG_FILE)
    assert len(org.catalog_items) == 7
    assert [budget.id for budget in org.budgets] == ["milestones"]


def test_problems_are_reported_with_the_files_line_and_path(tmp_path):
    text = ORG.replace("kind: company", "kind: galactic").replace(
        "max_points_per_kudos: 50", "max_points_per_kudos: 0"
    )
    with pytest.raises(OrgFileError) as error:
        load(write(tmp_path, text + "colour: blue\n"))
    lines = str(error.value).splitlines()
    assert lines[0].startswith(f"{tmp_path / 'org.yaml'}:2: settings.max_points_per_kudos:")
    assert lines[1].startswith(f"{tmp_path / 'org.yaml'}:8: budgets.0.kind: Input should be 'company'")
    assert lines[2].startswith(f"{tmp_path / 'org.yaml'}:17: colour: Extra inputs are not permitted")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("key: q2", "key: launch"), "top-up keys repeat"),
        (
            ("top_ups:", "top_ups: []\n  - id: spot\n    name: Again\n    kind: company\n    top_ups:"),
            "ids repeat",
        ),
        (("key: q2", "key: Q 2"), "String should match pattern"),
    ],
)
def test_keys_and_names_must_be_unique_and_plain(tmp_path, change, message):
    with pytest.raises(OrgFileError, match=message):
        load(write(tmp_path, ORG.replace(*change)))


def test_a_merge_patch_names_only_what_differs_and_removes_keys_the_file_drops():
    current = {"a": 1, "b": {"x": 1, "y": 2}, "c": [1], "d": 4}
    assert merge_patch(current, {"a": 1, "b": {"x": 1}, "c": [1, 2]}) == {"b": {"y": None}, "c": [1, 2]}
    assert merge_patch(current, {"a": 1}) == {}
    assert diff(current, {"a": 2, "b": {"x": 1, "y": 3}, "c": [1], "d": 4}) == ["a: 1 -> 2", "b.y: 2 -> 3"]


def test_a_first_run_creates_then_a_rerun_changes_nothing(tmp_path):
    fake = FakeApi()
    path = write(tmp_path, ORG)
    output: list[str] = []
    assert run(path, Api(fake), out=output.append) == 0
    assert output[-1] == "5 changed, 0 unchanged"  # settings, budget, 2 top-ups, badge
    assert fake.settings["max_points_per_kudos"] == 50
    top_ups = [sent for sent in fake.sent if sent[1].endswith("/top-ups")]
    assert [(body["points"], body["note"], headers) for _, _, body, headers in top_ups] == [
        (1000, "Launch funding [bootstrap:launch]", {"Idempotency-Key": "bootstrap-spot-launch"}),
        (500, "[bootstrap:q2]", {"Idempotency-Key": "bootstrap-spot-q2"}),
    ]
    fake.sent.clear()
    output.clear()
    assert run(path, Api(fake), out=output.append) == 0
    assert (fake.sent, output) == ([], ["0 changed, 3 unchanged"])


def test_a_top_up_on_the_ledger_is_never_made_again_whoever_made_it(tmp_path):
    """The ledger's note carries the key: a rerun by someone else (another Idempotency-Key scope) or long
    after finds it there."""
    fake = FakeApi()
    fake.budgets["spot"] = {
        "id": "spot",
        "name": "Spot awards",
        "kind": "company",
        "holders": [],
        "balance": 1,
    }
    fake.ledger["spot"] = [{"kind": "budget_top_up", "memo": "Launch funding [bootstrap:launch]"}]
    planned = plan(load(write(tmp_path, ORG)), Api(fake))
    assert [(change.action, change.what) for change in planned.changes if "spot" in change.what] == [
        ("top up", "budget 'spot' (q2)")
    ]


def test_a_dry_run_prints_the_diff_and_writes_nothing(tmp_path):
    fake = FakeApi()
    run(write(tmp_path, ORG), Api(fake), out=lambda _: None)
    fake.sent.clear()
    edited = ORG.replace("Gave their first kudos.", "Gave a first kudos.").replace(": 50", ": 60")
    output: list[str] = []
    assert run(write(tmp_path, edited), Api(fake), dry_run=True, out=output.append) == 0
    assert fake.sent == []
    assert output == [
        "update settings\n    max_points_per_kudos: 50 -> 60",
        'update badge \'First thanks\'\n    description: "Gave their first kudos." -> "Gave a first kudos."',
        "dry run (nothing written): 2 to change, 1 unchanged",
    ]
    assert run(write(tmp_path, edited), Api(fake), out=lambda _: None) == 0
    assert fake.badges[0]["description"] == "Gave a first kudos."  # replaced with the version read
    assert fake.settings["max_points_per_kudos"] == 60


def test_a_budget_the_api_cannot_change_is_reported_and_fails_the_run(tmp_path):
    fake = FakeApi()
    fake.budgets["spot"] = {"id": "spot", "name": "Old name", "kind": "company", "holders": [], "balance": 0}
    output: list[str] = []
    assert run(write(tmp_path, ORG), Api(fake), out=output.append) == 1
    assert output[1].startswith('blocked budget \'spot\'\n    name: "Old name" -> "Spot awards"')
    assert output[-1] == "1 difference(s) the API cannot apply (above, 'blocked')"
    assert fake.settings["max_points_per_kudos"] == 50  # the rest is applied
