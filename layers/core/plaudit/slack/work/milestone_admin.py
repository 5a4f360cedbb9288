"""The work behind milestone rules in App Home (HR admins): the section that lists them, the modal that
creates or edits one, and saving a submitted one with each refusal placed under the field concerned."""

from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from plaudit.domain.employees import Role
from plaudit.domain.errors import NotFound, PlauditError
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.services import budgets, milestones
from plaudit.slack import actions
from plaudit.slack.identity import caller_for
from plaudit.slack.views import texts
from plaudit.slack.views.milestone_admin import (
    BUDGET,
    CATALOG_ITEM,
    CHANNEL,
    COUNTRIES,
    DAYS_AFTER_START,
    DEPARTMENTS,
    EVENT_NAME,
    FIELD_BLOCKS,
    NAME,
    POINTS,
    POINTS_TABLE,
    SHOWN_RULES,
    TYPE,
    YEARS,
    BudgetChoice,
    notice_modal,
    read_form,
    rule_modal,
    rules_section,
)
from plaudit.slack.work.home import Viewer
from plaudit.store import snapshots

logger = Logger(child=True)

BUDGET_CHOICES = 100
ERROR_LIMIT = 300
ONLY_HR = "Only HR admins manage milestone rules."
FAILED = "Could not save the rule just now; please try again."
# Errors RuleSpec raises about the rule as a whole: the phrase, the block it concerns, what to say there.
WHOLE_RULE_ERRORS = (
    ("work anniversaries only", POINTS_TABLE, "Years and a points table are for work anniversaries only."),
    ("days_after_start is required", DAYS_AFTER_START, "Onboarding rules (and only they) say how many days."),
    (
        "event_name is required",
        EVENT_NAME,
        "HRIS event rules (and only they) name the event, e.g. promotion.",
    ),
    ("names the budget", BUDGET, "Choose the budget that funds the points."),
    ("a catalogue item, or both", POINTS, "Award some points, a catalogue item, or both."),
)
# Codes of refusals from the service, by a word in them.
CODE_BLOCKS = (
    ("budget", BUDGET),
    ("channel", CHANNEL),
    ("event", EVENT_NAME),
    ("catalog", CATALOG_ITEM),
    ("year", YEARS),
)


# --------------------------------------------------------------------------- App Home section


def rules_for_home(viewer: Viewer) -> list[Block]:
    """The rules with their Edit buttons for HR admins; nothing for anyone else (the section is left out)."""
    caller = snapshots.load(employees=[viewer.employee_id]).identify(viewer.caller)
    if not caller.has_role(Role.HR_ADMIN):
        return []
    rules, cursor = milestones.list_rules(caller, limit=SHOWN_RULES)
    return rules_section(rules, more=cursor is not None)


# --------------------------------------------------------------------------- the modal


def show_form(external_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (or with why there is none)."""
    action = body["actions"][0]
    rule_id = action.get("value") if action.get("action_id") == actions.EDIT_RULE else None
    try:
        view = form_view(body["user"]["id"], rule_id, external_id, client)
    except Exception:
        logger.exception("milestone rule form failed", extra={"rule_id": rule_id})
        view = notice_modal(external_id, "Could not load the rule just now; please try again.")
    try:
        client.views_update(external_id=external_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("milestone rule modal not updated", extra={"error": failed.response.get("error")})


def form_view(slack_user_id: str, rule_id: str | None, external_id: str, client: WebClient) -> dict[str, Any]:
    caller = caller_for(slack_user_id, client)
    if caller is None or not caller.has_role(Role.HR_ADMIN):
        return notice_modal(external_id, ONLY_HR)
    rule = None
    if rule_id is not None:
        try:
            rule = milestones.get_rule(caller, rule_id)
        except NotFound:
            return notice_modal(external_id, "This rule no longer exists.")
    found, _ = budgets.list_budgets(caller, limit=BUDGET_CHOICES, cursor=None)
    return rule_modal(external_id, [BudgetChoice(budget.id, budget.name) for budget in found], rule)


# --------------------------------------------------------------------------- submitting


def save(slack_user_id: str, view: dict[str, Any], client: WebClient) -> dict[str, str]:
    """Create the rule (or replace the one in private_metadata); {block_id: error} when refused."""
    fields, errors = read_form(view)
    if errors:
        return errors
    shown = {block.get("block_id") for block in view.get("blocks") or []} - {None}
    try:
        spec = RuleSpec.model_validate(fields)
    except ValidationError as invalid:
        return _placed(spec_errors(invalid, fields), shown)
    rule_id = view.get("private_metadata") or None
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {NAME: texts.NOT_IN_DIRECTORY}
        if rule_id:
            milestones.replace_rule(caller, rule_id, spec)
        else:
            milestones.create_rule(caller, spec)
    except PlauditError as refused:
        return _placed({block_for(refused): _sentence(refused.message)}, shown)
    except Exception:
        logger.exception("milestone rule not saved", extra={"rule_id": rule_id})
        return {NAME: FAILED}
    return {}


def spec_errors(invalid: ValidationError, fields: dict[str, Any]) -> dict[str, str]:
    """RuleSpec's complaints, each on the block of the field it concerns (the first per block)."""
    errors: dict[str, str] = {}
    for problem in invalid.errors():
        loc = problem.get("loc") or ()
        message = str(problem.get("msg", ""))
        field = loc[0] if loc else None
        said = texts.field_problem(str(problem.get("type")), problem.get("ctx") or {}, _sentence(message))
        if field == "filter":
            block, text = (COUNTRIES if "countries" in loc else DEPARTMENTS), said
        elif field == "event_name" and problem.get("type") == "string_pattern_mismatch":
            block, text = (
                EVENT_NAME,
                "Use lowercase letters, digits, dots, dashes or underscores, e.g. promotion.",
            )
        elif field in FIELD_BLOCKS:
            block, text = FIELD_BLOCKS[str(field)], said
        else:
            block, text = next(
                ((where, said) for phrase, where, said in WHOLE_RULE_ERRORS if phrase in message),
                (TYPE, _sentence(message)),
            )
            if block == POINTS_TABLE and not fields.get("points_by_year"):
                block = YEARS
        errors.setdefault(block, text)
    return errors


def block_for(refused: PlauditError) -> str:
    """The block a service refusal concerns: a field its details name, else a word in its code."""
    for key in refused.details:
        if key in FIELD_BLOCKS:
            return FIELD_BLOCKS[key]
    return next((block for word, block in CODE_BLOCKS if word in refused.code), NAME)


def _placed(errors: dict[str, str], shown: set[str]) -> dict[str, str]:
    """Errors on blocks the modal does not show (no budgets, no budget menu) go on the name."""
    placed: dict[str, str] = {}
    for block, text in errors.items():
        placed.setdefault(block if not shown or block in shown else NAME, text)
    return placed


def _sentence(message: str) -> str:
    text = message.removeprefix("Value error, ").strip()
    text = text[:1].upper() + text[1:]
    text = text if text.endswith((".", "?", "!")) else text + "."
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"
