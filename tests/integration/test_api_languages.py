"""API errors in the caller's language: a person's own `locale` (set by them, by HR, by the HRIS webhook
or the CSV import), else the organisation's `default_locale`, else English; callers outside the directory
by Accept-Language. Validation errors are a sentence per field. An unknown locale is a 422 naming the
supported ones. Finding the language adds no DynamoDB round trip to a request that read the caller."""

from __future__ import annotations

import pytest
from api_checks import assert_error, table_items
from test_hris_webhooks import PLAUDIT, deliver, signed_plaudit

from plaudit.store import snapshots
from plaudit.store.client import use_client

HR, ALICE, BOB = "E1001", "E1003", "E1004"
MERGE_PATCH = {"content-type": "application/merge-patch+json"}
HRIS_CLIENT = {"sub": "hris-client-1", "iss": "http://127.0.0.1/plaudit-local", "aud": "plaudit-local"}
OWN_WALLET_ONLY = {
    "en": "You can only see your own wallet or your reports'.",
    "it": "Puoi vedere solo il tuo portafoglio o quello dei tuoi collaboratori.",
    "fr": "Vous ne pouvez voir que votre portefeuille ou celui de vos collaborateurs.",
    "ar": "يمكنك رؤية محفظتك أو محافظ مرؤوسيك فقط.",
}
NO_SUCH_EMPLOYEE = {
    "en": "No such employee.",
    "it": "Dipendente inesistente.",
    "fr": "Cet employé n'existe pas.",
    "ar": "لا يوجد موظف كهذا.",
}


def set_my_locale(api, employee_id: str, locale: str | None):
    return api.call("PATCH", "/v1/me", as_employee=employee_id, body={"locale": locale}, headers=MERGE_PATCH)


def refused_wallet(api, employee_id: str = ALICE, **headers: str):
    reply = api.call("GET", f"/v1/employees/{BOB}/wallet", as_employee=employee_id, headers=headers)
    assert_error(reply, 403, "forbidden")
    return reply.json["error"]["message"]


def locale_of(employee_id: str) -> str | None:
    return snapshots.load(employees=[employee_id]).employee(employee_id).locale


@pytest.mark.parametrize("locale", ["en", "it", "fr", "ar"])
def test_a_person_chooses_their_language_and_errors_follow_it_whatever_the_header(api, org, locale):
    reply = set_my_locale(api, ALICE, locale)
    assert reply.status == 200, reply.body
    assert reply.json["id"] == ALICE
    assert reply.json["locale"] == locale
    assert locale_of(ALICE) == locale
    assert refused_wallet(api) == OWN_WALLET_ONLY[locale]
    assert refused_wallet(api, **{"Accept-Language": "it, fr;q=0.5"}) == OWN_WALLET_ONLY[locale]


def test_without_a_language_of_their_own_people_get_the_organisations(api, org):
    assert refused_wallet(api) == OWN_WALLET_ONLY["en"]
    reply = api.call(
        "PATCH", "/v1/settings", as_employee=HR, body={"default_locale": "ar"}, headers=MERGE_PATCH
    )
    assert reply.status == 200, reply.body
    assert reply.json["default_locale"] == "ar"
    assert refused_wallet(api) == OWN_WALLET_ONLY["ar"]
    set_my_locale(api, ALICE, "fr")
    assert refused_wallet(api) == OWN_WALLET_ONLY["fr"]
    set_my_locale(api, ALICE, None)  # back to the organisation's
    assert locale_of(ALICE) is None
    assert refused_wallet(api) == OWN_WALLET_ONLY["ar"]


@pytest.mark.parametrize(
    ("header", "locale"),
    [(None, "en"), ("it-IT,it;q=0.9", "it"), ("de-DE, fr;q=0.8, en;q=0.5", "fr"), ("ar-EG", "ar")],
)
def test_callers_outside_the_directory_are_answered_by_accept_language(api, org, header, locale):
    headers = {"Accept-Language": header} if header else {}
    reply = api.call(
        "GET", "/v1/employees/E9999", claims=HRIS_CLIENT, scopes=["plaudit/hris"], headers=headers
    )
    assert_error(reply, 404, "employee_not_found")
    assert reply.json["error"]["message"] == NO_SUCH_EMPLOYEE[locale]
    nobody = {"sub": "6d1f5e2a-0000-4bbb-8ccc-0123456789ab", **{k: HRIS_CLIENT[k] for k in ("iss", "aud")}}
    reply = api.call("GET", f"/v1/employees/{BOB}/wallet", claims=nobody, headers=headers)
    assert_error(reply, 403, "not_in_directory")
    assert (
        reply.json["error"]["message"]
        == {
            "en": "You are not in the Plaudit directory.",
            "it": "Non sei nella rubrica di Plaudit.",
            "fr": "Vous n'êtes pas dans l'annuaire Plaudit.",
            "ar": "أنت غير مسجل في دليل Plaudit.",
        }[locale]
    )


def test_validation_errors_are_a_sentence_per_field_in_the_callers_language(api, org):
    set_my_locale(api, ALICE, "fr")
    reply = api.call(
        "POST",
        "/v1/recognitions",
        as_employee=ALICE,
        body={"recipient_ids": [BOB, BOB], "points": "beaucoup", "message": "Merci"},
        headers={"Accept-Language": "en", "Idempotency-Key": "fr-1"},
    )
    details = assert_error(reply, 422, "invalid_request")
    assert {"field": "body.points", "problem": "doit être un nombre entier"} in details["errors"]
    assert reply.json["error"]["message"].startswith("La requête n'est pas valide : ")
    assert "body.points : doit être un nombre entier" in reply.json["error"]["message"]
    set_my_locale(api, ALICE, "ar")
    reply = api.call(
        "POST",
        "/v1/recognitions",
        as_employee=ALICE,
        body={"recipient_ids": [BOB, BOB], "points": 5, "message": "شكرًا"},
        headers={"Idempotency-Key": "ar-1"},
    )
    details = assert_error(reply, 422, "invalid_request")
    assert details["errors"] == [{"field": "body.recipient_ids", "problem": "يجب ألا يتكرر أي مستلم"}]


UNSUPPORTED = {
    "en": "de is not a language Plaudit speaks: use one of en, it, fr, ar",
    "it": "de non è una lingua che Plaudit parla: usa una tra en, it, fr, ar",
    "fr": "de n'est pas une langue que parle Plaudit : utilisez l'une de en, it, fr, ar",
    "ar": "de ليست لغة يتحدثها Plaudit: استخدم إحدى اللغات en, it, fr, ar",
}


@pytest.mark.parametrize("locale", ["en", "it", "fr", "ar"])
def test_an_unknown_locale_is_a_422_naming_the_supported_ones_in_the_callers_language(api, aws, org, locale):
    set_my_locale(api, HR, locale)
    set_my_locale(api, ALICE, locale)
    before = table_items(aws)
    mine = set_my_locale(api, ALICE, "de")
    assert assert_error(mine, 422, "invalid_request")["errors"] == [
        {"field": "body.locale", "problem": UNSUPPORTED[locale]}
    ]
    assert UNSUPPORTED[locale] in mine.json["error"]["message"]
    settings = api.call(
        "PATCH", "/v1/settings", as_employee=HR, body={"default_locale": "de"}, headers=MERGE_PATCH
    )
    assert assert_error(settings, 422, "invalid_request")["errors"] == [
        {"field": "default_locale", "problem": UNSUPPORTED[locale]}
    ]
    current = api.call("GET", "/v1/settings", as_employee=HR).json
    replaced = api.call("PUT", "/v1/settings", as_employee=HR, body=current | {"default_locale": "de"})
    assert assert_error(replaced, 422, "invalid_request")["errors"] == [
        {"field": "body.default_locale", "problem": UNSUPPORTED[locale]}
    ]
    alice = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    by_hr = api.call("PUT", f"/v1/employees/{ALICE}", as_employee=HR, body=alice | {"locale": "de"})
    assert assert_error(by_hr, 422, "invalid_request")["errors"] == [
        {"field": "body.locale", "problem": UNSUPPORTED[locale]}
    ]
    assert table_items(aws) == before


def test_hr_sets_a_persons_language(api, org):
    alice = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    reply = api.call("PUT", f"/v1/employees/{ALICE}", as_employee=HR, body=alice | {"locale": "it"})
    assert reply.status == 200, reply.body
    assert locale_of(ALICE) == "it"
    assert refused_wallet(api) == OWN_WALLET_ONLY["it"]


def test_the_hris_webhook_sets_a_language_and_refuses_an_unknown_one_by_accept_language(api, org, clock):
    change = {"type": "employee.upserted", "employee_id": ALICE, "fields": {"locale": "fr"}}
    reply = deliver(api, clock, {"id": "hris-locale-1", "events": [change]})
    assert reply.status == 202, reply.body
    assert locale_of(ALICE) == "fr"
    wrong = change | {"fields": {"locale": "klingon"}}
    body, headers = signed_plaudit({"id": "hris-locale-2", "events": [wrong]}, int(clock().timestamp()))
    reply = api.call(
        "POST", PLAUDIT, raw_body=body, as_employee=None, headers=headers | {"Accept-Language": "it"}
    )
    details = assert_error(reply, 422, "invalid_request")
    assert details["errors"] == [
        {
            "field": "body.events.0.employee.upserted.fields.locale",
            "problem": "klingon non è una lingua che Plaudit parla: usa una tra en, it, fr, ar",
        }
    ]
    assert locale_of(ALICE) == "fr"
    unsigned = api.call("POST", PLAUDIT, raw_body=body, as_employee=None, headers={"Accept-Language": "fr"})
    assert_error(unsigned, 401, "invalid_signature")
    assert unsigned.json["error"]["message"].startswith("La requête n'est pas signée : envoyez ")


class CountingClient:
    """The DynamoDB client, counting round trips."""

    def __init__(self, client):
        self.client, self.calls = client, []

    def __getattr__(self, name):
        method = getattr(self.client, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def counted(api, aws, call) -> tuple[list[str], str]:
    counting = CountingClient(aws)
    use_client(counting)
    try:
        message = call()
    finally:
        use_client(aws)
    return counting.calls, message


def test_saying_an_error_in_the_callers_language_reads_nothing_more(api, aws, org):
    refused_wallet(api)  # a warm container, as the round trips are counted in the benchmark
    english = counted(api, aws, lambda: refused_wallet(api))
    set_my_locale(api, ALICE, "ar")
    arabic = counted(api, aws, lambda: refused_wallet(api))
    assert english == (["batch_get_item"], OWN_WALLET_ONLY["en"])
    assert arabic == (["batch_get_item"], OWN_WALLET_ONLY["ar"])
