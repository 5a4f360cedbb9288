"""The environment settings: read once, every variable checked, a missing one named, no secret shown."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from plaudit.environment import Environment, InvalidEnvironment, MissingVariable, environment

ROOT = Path(__file__).parents[2]
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:plaudit/slack-AbCdEf"


def test_each_variable_is_its_attribute_in_capitals():
    env = Environment(
        {
            "TABLE_NAME": "plaudit-dev",
            "HRIS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/hris",
            "SLACK_SECRET_ARN": ARN,
            "PLAUDIT_SLACK_BOT_TOKEN": "xoxb-1",
            "SANDBOX_TRANSIENT_FAILURES": "3",
            "STAGE": "dev",
            "UNRELATED": "ignored",
        }
    )
    assert env.table_name == "plaudit-dev"
    assert env.hris_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/hris"
    assert (env.slack_secret_arn, env.plaudit_slack_bot_token) == (ARN, "xoxb-1")
    assert (env.sandbox_transient_failures, env.stage) == (3, "dev")


VOUCHER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:plaudit-prod/voucher-hash-AbCdEf"


def test_prod_starts_with_its_secrets_and_no_development_setting():
    env = Environment({"STAGE": "prod", "VOUCHER_HASH_SECRET_ARN": VOUCHER_SECRET, "SLACK_SECRET_ARN": ARN})
    assert (env.stage, env.voucher_hash_secret_arn) == ("prod", VOUCHER_SECRET)


@pytest.mark.parametrize(
    "name",
    [
        "VOUCHER_HASH_KEY",  # the development voucher key
        "SLACK_SIGNING_SECRET",
        "PLAUDIT_SLACK_BOT_TOKEN",
        "HRIS_WEBHOOK_SECRET",
        "BAMBOOHR_WEBHOOK_KEY",
        "BAMBOOHR_API_KEY",
        "SLACK_API_URL",  # the local stack's fakes
        "BAMBOOHR_API_URL",
        "SANDBOX_TRANSIENT_FAILURES",  # the sandbox provider's settings
        "SANDBOX_CODE_KEY",
    ],
)
def test_prod_refuses_each_development_setting_by_name(name):
    value = "https://fake.example" if name.endswith("_URL") else "1"
    with pytest.raises(InvalidEnvironment) as invalid:
        Environment({"STAGE": "prod", "VOUCHER_HASH_SECRET_ARN": VOUCHER_SECRET, name: value})
    assert set(invalid.value.problems) == {name}
    assert "refused in prod" in str(invalid.value)
    Environment({"STAGE": "dev", name: value})  # dev takes it


def test_prod_names_what_is_missing_and_every_other_problem_at_once():
    with pytest.raises(InvalidEnvironment) as invalid:
        Environment(
            {"STAGE": "prod", "VOUCHER_HASH_KEY": "plaudit-dev-voucher-hash-key", "SLACK_API_URL": "-"}
        )
    assert invalid.value.problems == {
        "VOUCHER_HASH_SECRET_ARN": "required in prod, and not set",
        "VOUCHER_HASH_KEY": "a development setting (a local stand-in or the sandbox's), refused in prod",
        "SLACK_API_URL": "must be an http(s) URL",
    }
    assert "plaudit-dev-voucher-hash-key" not in str(invalid.value)


def test_dev_needs_no_secret():
    assert Environment({"STAGE": "dev"}).voucher_hash_secret_arn is None


def test_unset_or_empty_optional_variables_are_none_or_their_default():
    env = Environment({"VOUCHER_HASH_SECRET_ARN": "", "MAIL_FROM": ""})  # the template's empty parameters
    assert (env.voucher_hash_secret_arn, env.mail_from, env.slack_api_url) == (None, None, None)
    assert (env.stage, env.sandbox_transient_failures) == ("dev", 0)


@pytest.mark.parametrize("name", ["TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "HRIS_QUEUE_URL", "VOUCHER_KEY_ID"])
def test_reading_a_required_variable_that_is_not_set_names_it(name):
    env = Environment({name: ""})
    with pytest.raises(MissingVariable, match=name) as missing:
        getattr(env, name.lower())
    assert missing.value.name == name


def test_malformed_variables_are_all_named_and_none_of_their_values_shown():
    values = {
        "STAGE": "production",
        "HRIS_QUEUE_URL": "sqs/hris-secret-path",
        "SLACK_API_URL": "ftp://slack.example",
        "SLACK_SECRET_ARN": "my-slack-secret",
        "SANDBOX_TRANSIENT_FAILURES": "-1",
        "TABLE_NAME": "fine",
    }
    with pytest.raises(InvalidEnvironment) as invalid:
        Environment(values)
    assert set(invalid.value.problems) == set(values) - {"TABLE_NAME"}
    message = str(invalid.value)
    assert all(value not in message for name, value in values.items() if name != "TABLE_NAME")
    assert "SLACK_SECRET_ARN: must be an ARN" in message


def test_the_repr_names_what_is_set_and_shows_no_value():
    env = Environment({"SLACK_SIGNING_SECRET": "s3cret", "PLAUDIT_SLACK_BOT_TOKEN": "xoxb-secret"})
    assert repr(env) == "Environment(PLAUDIT_SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)"


def test_the_environment_is_read_once_per_container(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "first")
    first = environment()
    monkeypatch.setenv("TABLE_NAME", "second")
    assert environment() is first
    assert environment().table_name == "first"
    environment.cache_clear()
    assert environment().table_name == "second"


def test_only_the_environment_module_reads_os_environ():
    readers = []
    for path in [*(ROOT / "layers" / "core").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == ["layers/core/plaudit/environment.py"]


def test_reading_the_environment_loads_no_pydantic():
    """The Slack ack reads its credentials from here and loads no pydantic: keep it that way."""
    probe = "import sys, plaudit.environment as e; e.Environment({}); print('pydantic' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_every_variable_the_template_gives_a_function_is_one_plaudit_reads(template):
    declared = {name for spec in template.functions.values() for name in spec.environment}
    known = {name.upper() for name, value in vars(Environment).items() if hasattr(value, "parse")}
    assert {name for name in declared if not name.startswith("POWERTOOLS_")} <= known
    for function_id, spec in template.functions.items():
        assert Environment(spec.environment), function_id  # each function's values pass the checks
