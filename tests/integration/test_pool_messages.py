"""The user pool's CustomMessage trigger through its real handler (CognitoMessagesFunction, checked against
its role: it makes no AWS call): each email Cognito sends is in the account's language, with the placeholders
Cognito fills in kept, and the template wires the trigger to the pool."""

from __future__ import annotations

from typing import Any

import pytest

from plaudit.i18n import SUPPORTED_LOCALES, messages
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.template import load_yaml


def cognito_event(source: str, locale: str | None, **attributes: str) -> dict[str, Any]:
    """A CustomMessage event as Cognito sends it (its placeholders are `{####}` and `{username}`)."""
    user = {"sub": "5a1c1f0e-8d1e-4c7b-9f0e-1c2d3e4f5a6b", "email": "maya@plaudit.example"} | attributes
    if locale is not None:
        user["locale"] = locale
    return {
        "version": "1",
        "triggerSource": source,
        "region": "us-east-1",
        "userPoolId": "us-east-1_Example",
        "userName": user["sub"],
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "CLIENT_ID_NOT_APPLICABLE"},
        "request": {
            "userAttributes": user,
            "codeParameter": "{####}",
            "usernameParameter": "{username}" if source == "CustomMessage_AdminCreateUser" else None,
            "linkParameter": "{##Click Here##}",
        },
        "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    }


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_invitation_is_in_the_persons_language_with_both_placeholders(api, locale):
    answer = api.invoke(
        "CognitoMessagesFunction", cognito_event("CustomMessage_AdminCreateUser", locale, name="Maya Rossi")
    )
    said = messages(locale)
    assert answer["response"]["emailSubject"] == said.text("pool.invite.subject")
    body = answer["response"]["emailMessage"]
    assert "{####}" in body
    assert "{username}" in body
    assert "Maya Rossi" in body
    assert f'lang="{locale}"' in body
    assert ('dir="rtl"' in body) == (locale == "ar")


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("CustomMessage_ForgotPassword", "pool.reset"),
        ("CustomMessage_ResendCode", "pool.code"),
        ("CustomMessage_UpdateUserAttribute", "pool.verify_email"),
        ("CustomMessage_VerifyUserAttribute", "pool.verify_email"),
    ],
)
def test_codes_are_in_the_persons_language(api, source, key):
    answer = api.invoke("CognitoMessagesFunction", cognito_event(source, "it"))
    assert answer["response"]["emailSubject"] == messages("it").text(f"{key}.subject")
    assert "{####}" in answer["response"]["emailMessage"]
    assert (
        messages("it").text(f"{key}.body", code="{####}").split("\n")[0] in answer["response"]["emailMessage"]
    )


def test_an_account_without_a_language_hears_english_and_names_are_escaped(api):
    event = cognito_event("CustomMessage_AdminCreateUser", None, name="<b>Bo</b>")
    answer = api.invoke("CognitoMessagesFunction", event)
    assert answer["response"]["emailSubject"] == messages("en").text("pool.invite.subject")
    assert "&lt;b&gt;Bo&lt;/b&gt;" in answer["response"]["emailMessage"]
    unknown = api.invoke("CognitoMessagesFunction", cognito_event("CustomMessage_AdminCreateUser", "xx"))
    assert unknown["response"]["emailSubject"] == messages("en").text("pool.invite.subject")


def test_other_messages_keep_cognitos_words(api):
    event = cognito_event("CustomMessage_Authentication", "fr")
    assert api.invoke("CognitoMessagesFunction", event)["response"]["emailMessage"] is None


def test_the_pool_calls_the_trigger():
    resources = load_yaml(TEMPLATE_PATH)["Resources"]
    config = resources["UserPool"]["Properties"]["LambdaConfig"]
    assert config["CustomMessage"] == {"Fn::GetAtt": ["CognitoMessagesFunction", "Arn"]}
    permission = resources["CognitoMessagesPermission"]["Properties"]
    assert permission["Principal"] == "cognito-idp.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    assert "Policies" not in resources["CognitoMessagesFunction"]["Properties"]  # it calls nothing
