"""`plaudit bootstrap` through the real handlers (in process): a season and a budget defined, a rerun
changing nothing, an edited prize replaced with the version read, the acts in the administrative trail
under the HR admin who ran it."""

from __future__ import annotations

import json
from pathlib import Path

from api_checks import assert_audit_clean

from plaudit_dev.bootstrap import Api, run

ORG = """\
budgets:
  - id: season-prizes
    name: Season prizes
    kind: company
    top_ups:
      - {key: winter, points: 5000, note: Winter season}
seasons:
  - name: Winter cup
    starts_on: 2026-12-01
    ends_on: 2026-12-31
    prizes:
      - {rank: 1, points: 300, budget_id: season-prizes}
"""


def test_a_season_is_defined_once_and_its_prize_replaced(api, org, clock, tmp_path: Path):
    path = tmp_path / "org.yaml"
    path.write_text(ORG)
    hr = Api(api.transport())
    output: list[str] = []
    assert run(path, hr, out=output.append) == 0
    assert output == [
        "create budget 'season-prizes'",
        "top up budget 'season-prizes' (winter)\n    +5000 points",
        "create season 'Winter cup'",
        "3 changed, 0 unchanged",
    ]

    output.clear()
    assert run(path, hr, out=output.append) == 0
    assert output == ["0 changed, 2 unchanged"]

    path.write_text(ORG.replace("points: 300", "points: 500"))
    output.clear()
    assert run(path, hr, out=output.append) == 0
    prize = {"rank": 1, "points": 300, "budget_id": "season-prizes", "catalog_item_id": None}
    prize["catalog_denomination"] = None
    before, after = json.dumps([prize]), json.dumps([prize | {"points": 500}])
    assert output[0] == f"update season 'Winter cup'\n    prizes: {before} -> {after}"
    season = hr.get("/v1/seasons").body["items"][0]
    assert (season["prizes"][0]["points"], season["version"]) == (500, 2)
    assert hr.get("/v1/budgets/season-prizes").body["balance"] == 5000

    api.drain_streams()
    assert_audit_clean()  # the ledger, and the trail's chain with the bootstrap's acts
