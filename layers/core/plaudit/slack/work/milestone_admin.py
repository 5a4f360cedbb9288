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
from plaudit.domain.problems import problems_from
from plaudit.i18n import Messages
from plaudit.services import budgets, milestones
from plaudit.slack import actions
from plaudit.slack.identity import caller_for, language_for
from plaudit.slack.views import modals
from plaudit.slack.views.milestone_admin import (
    AFTER_DAYS,
    AT_HIRE,
    BUDGET,
    CATALOG_DENOMINATION,
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
    edited_rule,
    notice_modal,
    read_form,
    rule_modal,
    rules_section,
)
from plaudit.slack.views.texts import sentence
from plaudit.slack.work.home import Viewer
from plaudit.store import snapshots

logger = Logger(child=True)

BUDGET_CHOICES = 100
ERROR_LIMIT = 300
# What RuleSpec says about the rule as a whole (its catalogue key): the block it concerns, and what the
# form says there (the API's sentence names fields; the form's names what to do).
WHOLE_RULE_ERRORS = {
    "problem.anniversary_only": (POINTS_TABLE, "milestones.error.anniversary_only"),
    "problem.days_after_start": (DAYS_AFTER_START, "milestones.error.days"),
    "problem.event_name": (EVENT_NAME, "milestones.error.event"),
    "problem.referral_only": (AT_HIRE, "milestones.error.referral_only"),
    "problem.referral_after_days": (AFTER_DAYS, "milestones.error.referral_after_days"),
    "problem.points_need_budget": (BUDGET, "milestones.error.budget"),
    "problem.item_needs_budget": (BUDGET, "milestones.error.budget"),
    "problem.rule_awards_nothing": (POINTS, "milestones.error.reward"),
    "problem.item_and_denomination": (CATALOG_DENOMINATION, "milestones.error.item_and_value"),
}
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
    return rules_section(rules, viewer.m, more=cursor is not None)


# --------------------------------------------------------------------------- the modal


def show_form(external_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (or with why there is none)."""
    action = body["actions"][0]
    rule_id = action.get("value") if action.get("action_id") == actions.EDIT_RULE else None
    m = language_for(body["user"]["id"], client)
    broken: Exception | None = None
    try:
        view = form_view(body["user"]["id"], rule_id, external_id, client, m)
    except Exception as error:
        logger.exception("milestone rule form failed", extra={"rule_id": rule_id})
        view, broken = notice_modal(external_id, m.text("milestones.load_failed"), m), error
    try:
        client.views_update(external_id=external_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("milestone rule modal not updated", extra={"error": failed.response.get("error")})
    if broken is not None:
        raise broken  # told; the invocation fails and is kept (plaudit.slack.lazy)


def form_view(
    slack_user_id: str, rule_id: str | None, external_id: str, client: WebClient, m: Messages
) -> dict[str, Any]:
    caller = caller_for(slack_user_id, client)
    if caller is None or not caller.has_role(Role.HR_ADMIN):
        return notice_modal(external_id, m.text("milestones.only_hr"), m)
    rule = None
    if rule_id is not None:
        try:
            rule = milestones.get_rule(caller, rule_id)
        except NotFound:
            return notice_modal(external_id, m.text("milestones.gone"), m)
    found, _ = budgets.list_budgets(caller, limit=BUDGET_CHOICES, cursor=None)
    return rule_modal(external_id, [BudgetChoice(budget.id, budget.name) for budget in found], m, rule)


# --------------------------------------------------------------------------- submitting


def save(slack_user_id: str, view: dict[str, Any], client: WebClient) -> dict[str, str]:
    """Create the rule (or replace the one the modal edits); {block_id: error} when refused, in the
    language the modal was shown in."""
    fields, errors = read_form(view)
    if errors:
        return errors
    m = modals.language(view)
    shown = {block.get("block_id") for block in view.get("blocks") or []} - {None}
    try:
        spec = RuleSpec.model_validate(fields)
    except ValidationError as invalid:
        return _placed(spec_errors(invalid, fields, m), shown)
    rule_id = edited_rule(view)
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {NAME: m.text("slack.not_in_directory")}
        if rule_id:
            milestones.replace_rule(caller, rule_id, spec)
        else:
            milestones.create_rule(caller, spec)
    except PlauditError as refused:
        return _placed({block_for(refused): _clipped(refused.message_in(m.locale))}, shown)
    except Exception:
        logger.exception("milestone rule not saved", extra={"rule_id": rule_id})
        return {NAME: m.text("milestones.save_failed")}
    return {}


def spec_errors(invalid: ValidationError, fields: dict[str, Any], m: Messages) -> dict[str, str]:
    """RuleSpec's complaints in `m`'s language, each on the block of the field it concerns (the first per
    block)."""
    errors: dict[str, str] = {}
    for problem in problems_from(invalid.errors()):
        field, _, rest = problem.field.partition(".")
        said = sentence(problem.said(m)["problem"])
        if field == "filter":
            block = COUNTRIES if rest.startswith("countries") else DEPARTMENTS
        elif field == EVENT_NAME and problem.key == "problem.bad_format":
            block, said = EVENT_NAME, m.text("milestones.error.event_pattern")
        elif field in FIELD_BLOCKS:
            block = FIELD_BLOCKS[field]
        elif problem.key in WHOLE_RULE_ERRORS:
            block, key = WHOLE_RULE_ERRORS[problem.key]
            said = m.text(key)
            if block == POINTS_TABLE and not fields.get("points_by_year"):
                block = YEARS
        else:
            block = TYPE
        errors.setdefault(block, _clipped(said))
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


def _clipped(text: str) -> str:
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"
