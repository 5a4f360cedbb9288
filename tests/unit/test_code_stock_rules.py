"""Code stock rules without AWS: when a claim alerts HR, and how an uploaded CSV becomes codes."""

import pytest

from plaudit.domain.errors import InvalidRequest
from plaudit.integrations.rewards.code_stock import alert_for
from plaudit.services.code_stock import MAX_CODES, parse_codes


@pytest.mark.parametrize(
    ("before", "alert_below", "remaining"),
    [(3, 2, None), (2, 2, 1), (1, 2, 0), (1, 0, 0), (11, 10, None), (10, 10, 9), (9, 10, None), (5, 2, None)],
)
def test_a_claim_alerts_when_it_crosses_below_the_threshold_and_when_it_takes_the_last_code(
    before, alert_below, remaining
):
    alert = alert_for(before, alert_below, "Cinema")
    if remaining is None:
        assert alert is None
        return
    assert alert == {"remaining": remaining, "alert_below": alert_below, "item_name": "Cinema"}


def test_codes_are_the_first_column_trimmed_without_header_or_blank_rows():
    body = 'code,note\n AB-1 ,first\n\n"CD,2",quoted\nEF-3\n'
    assert parse_codes(body) == ["AB-1", "CD,2", "EF-3"]
    assert parse_codes("code\ncode\n") == ["code"]  # only the first row can be a header


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "no_codes"),
        ("code\n\n  \n", "no_codes"),
        ("ok\n" + "x" * 129, "invalid_code"),
        ("ok\nbad\x07bell", "invalid_code"),
        ("\n".join(f"C{n}" for n in range(MAX_CODES + 1)), "too_many_codes"),
    ],
)
def test_bad_uploads_are_refused_without_echoing_a_code(body, code):
    with pytest.raises(InvalidRequest) as refused:
        parse_codes(body)
    assert refused.value.code == code
    assert "bad" not in refused.value.message
