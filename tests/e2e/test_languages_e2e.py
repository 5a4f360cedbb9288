"""Languages over HTTP against the local stack: a French speaker chooses French and Plaudit refuses them
in French; an HRIS client outside the directory is answered in the language it asks for."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

HUGO = "E1010"


def test_a_french_speaker_is_refused_in_french(stack):
    token = stack.token("--employee", HUGO)
    chosen = stack.request(
        "PATCH",
        "/v1/me",
        token=token,
        body={"locale": "fr"},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert chosen.status == 200, chosen.body
    assert chosen.json["locale"] == "fr"
    try:
        refused = stack.request(
            "POST",
            "/v1/recognitions",
            token=token,
            body={"recipient_ids": [HUGO], "points": 5, "message": "Bravo à moi"},
            headers={"Idempotency-Key": "e2e-fr-self-1"},
        )
        assert refused.status == 422, refused.body
        assert refused.json["error"]["code"] == "self_recognition"
        assert refused.json["error"]["message"] == "Vous ne pouvez pas vous donner de kudos."

        invalid = stack.request("PATCH", "/v1/me", token=token, body={"locale": "de"})
        assert invalid.status == 422, invalid.body
        assert invalid.json["error"]["details"]["errors"] == [
            {
                "field": "body.locale",
                "problem": "de n'est pas une langue que parle Plaudit : utilisez l'une de en, it, fr, ar",
            }
        ]
    finally:
        stack.request("PATCH", "/v1/me", token=token, body={"locale": None})


def test_an_hris_client_is_answered_in_the_language_it_asks_for(stack):
    token = stack.token("--scope", "plaudit/hris")
    reply = stack.request(
        "GET", "/v1/employees/E9999", token=token, headers={"Accept-Language": "it-IT, en;q=0.5"}
    )
    assert reply.status == 404, reply.body
    assert reply.json["error"] == {
        "code": "employee_not_found",
        "message": "Dipendente inesistente.",
        "details": {},
    }
