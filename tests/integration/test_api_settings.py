"""Settings are never lost: PUT replaces the whole document and refuses a partial one by name; PATCH is a
JSON Merge Patch; both honour If-Match with the version the ETag names; concurrent writers both land."""

from __future__ import annotations

import pytest
from api_checks import assert_error, table_items

from plaudit.domain.access import Caller
from plaudit.services import settings as settings_service

HR, ALICE = "E1001", "E1003"
MERGE_PATCH = {"content-type": "application/merge-patch+json"}


def get(api):
    reply = api.call("GET", "/v1/settings", as_employee=HR)
    assert reply.status == 200, reply.body
    return reply


def patch(api, body, **headers):
    return api.call("PATCH", "/v1/settings", as_employee=HR, body=body, headers=MERGE_PATCH | headers)


def test_get_names_the_version_in_its_etag_and_each_write_moves_it(api, org):
    first = get(api)
    etag = first.headers["etag"]
    reply = api.call("PUT", "/v1/settings", as_employee=HR, body=first.json)
    assert reply.status == 200, reply.body
    assert reply.headers["etag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert get(api).headers["etag"] == reply.headers["etag"]
    assert patch(api, {"celebration_hour": 10}).headers["etag"] == f'"{int(etag.strip(chr(34))) + 2}"'


def test_a_partial_put_is_refused_naming_every_missing_field_and_nothing_is_written(api, aws, org):
    current = get(api).json
    before = table_items(aws)
    partial = {"announcement_channel": "C0123ABCD", "approvals": {"threshold_points": 100}}
    details = assert_error(
        api.call("PUT", "/v1/settings", as_employee=HR, body=partial), 422, "invalid_request"
    )
    missing = {error["field"].removeprefix("body.") for error in details["errors"]}
    assert {"time_zone", "point_values", "company_values", "hr_channel"} <= missing
    assert {"approvals.fallback_approver_id", "approvals.escalate_after_days"} <= missing
    assert "announcement_channel" not in missing
    assert table_items(aws) == before
    assert get(api).json == current


def test_patch_merges_nested_objects_and_null_removes_what_may_be_empty(api, aws, org):
    current = get(api).json
    reply = patch(api, {"announcement_channel": "C0123ABCD", "approvals": {"threshold_points": 100},
                        "allowances": {"manager": None}, "point_values": {"EUR": "0.02"}})  # fmt: skip
    assert reply.status == 200, reply.body
    expected = current | {
        "announcement_channel": "C0123ABCD",
        "approvals": current["approvals"] | {"threshold_points": 100},
        "allowances": {role: n for role, n in current["allowances"].items() if role != "manager"},
        "point_values": current["point_values"] | {"EUR": "0.02"},
    }
    assert reply.json == expected
    assert get(api).json == expected

    # application/json is a merge patch too; null empties a nullable field
    reply = api.call("PATCH", "/v1/settings", as_employee=HR, body={"announcement_channel": None})
    assert reply.status == 200, reply.body
    assert get(api).json == expected | {"announcement_channel": None}

    before = table_items(aws)
    for body, field in [
        ({"currency": None}, "currency"),
        ({"approvals": {"escalate_after_days": None}}, "approvals.escalate_after_days"),
        ({"deactivation": None}, "deactivation"),
    ]:
        details = assert_error(patch(api, body), 422, "invalid_request", body)
        assert details["errors"] == [{"field": field, "problem": "cannot be removed"}], body
    for body in ({"max_points_per_kudos": 0}, {"allowances": {"employee": None}}, {"nickname": "x"}):
        assert_error(patch(api, body), 422, "invalid_request", body)
    assert table_items(aws) == before


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"null", b"{"])
def test_a_patch_that_is_not_a_json_object_is_refused(api, aws, org, raw):
    before = table_items(aws)
    reply = api.call("PATCH", "/v1/settings", as_employee=HR, raw_body=raw, headers=MERGE_PATCH)
    assert reply.status in (400, 422), reply.body
    assert_error(reply, reply.status, "malformed_json" if raw == b"{" else "invalid_request")
    reply = api.call(
        "PATCH", "/v1/settings", as_employee=HR, raw_body=b"{}", headers={"content-type": "text/plain"}
    )
    assert_error(reply, 415, "unsupported_media_type")
    assert table_items(aws) == before


def test_only_hr_admins_patch(api, aws, org):
    before = table_items(aws)
    reply = api.call(
        "PATCH", "/v1/settings", as_employee=ALICE, body={"celebration_hour": 3}, headers=MERGE_PATCH
    )
    assert_error(reply, 403, "forbidden")
    assert table_items(aws) == before


def test_a_stale_if_match_is_412_and_writes_nothing(api, aws, org):
    first = get(api)
    etag = first.headers["etag"]
    assert patch(api, {"celebration_hour": 7}, **{"If-Match": etag}).status == 200
    before = table_items(aws)
    details = assert_error(patch(api, {"celebration_hour": 8}, **{"If-Match": etag}), 412, "version_mismatch")
    assert f'"{details["version"]}"' == get(api).headers["etag"]
    stale_put = api.call("PUT", "/v1/settings", as_employee=HR, body=first.json, headers={"If-Match": etag})
    assert_error(stale_put, 412, "version_mismatch")
    assert_error(patch(api, {"celebration_hour": 8}, **{"If-Match": "W/" + etag}), 412, "version_mismatch")
    assert table_items(aws) == before
    assert get(api).json["celebration_hour"] == 7
    # the current ETag, a list holding it, or * apply
    for if_match in ("{etag}", '"999", {etag}', "*"):
        header = if_match.format(etag=get(api).headers["etag"])
        assert patch(api, {"celebration_hour": 9}, **{"If-Match": header}).status == 200, header


def test_concurrent_patches_both_land_and_an_if_match_one_is_refused(api, org, monkeypatch):
    """Another admin's PATCH lands between this PATCH's read and its write: without If-Match this one is
    re-applied on top of it; with If-Match it is refused."""
    real = settings_service.settings_write
    others = [{"hr_channel": "C0HR"}]

    def interleaved(settings, version):
        if others:  # the other admin's PATCH, written between this one's read and its write
            settings_service.patch_settings(Caller(employee_id=HR), others.pop())
        return real(settings, version)

    monkeypatch.setattr(settings_service, "settings_write", interleaved)
    assert patch(api, {"celebration_hour": 11}).status == 200
    after = get(api).json
    assert (after["celebration_hour"], after["hr_channel"]) == (11, "C0HR")

    others.append({"reaction_emoji": "tada"})
    etag = get(api).headers["etag"]
    assert_error(patch(api, {"celebration_hour": 12}, **{"If-Match": etag}), 412, "version_mismatch")
    after = get(api).json
    assert (after["celebration_hour"], after["hr_channel"], after["reaction_emoji"]) == (11, "C0HR", "tada")
