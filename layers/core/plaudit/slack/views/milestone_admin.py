"""Block Kit for milestone rules in App Home (HR only): the list with an Edit button per rule, and the
rule modal; and reading a submitted modal back into RuleSpec fields. Nothing here imports pydantic or
the services, so the listeners can build the loading modal inside the ack."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from plaudit.i18n import Messages
from plaudit.slack import actions
from plaudit.slack.views import modals
from plaudit.slack.views.messages import escaped

if TYPE_CHECKING:
    from plaudit.domain.milestone_rules import MilestoneRule


NAME, TYPE, POINTS, POINTS_TABLE, YEARS = "name", "type", "points", "points_table", "years"
DAYS_AFTER_START, EVENT_NAME, BUDGET, CATALOG_ITEM = (
    "days_after_start",
    "event_name",
    "budget",
    "catalog_item",
)
MESSAGE, CELEBRATE, CHANNEL, REMINDER = "message", "celebrate", "channel", "manager_reminder_days"
ENABLED, DEPARTMENTS, COUNTRIES = "enabled", "departments", "countries"
ANNOUNCE, DM = "announce", "dm"
CATALOG_DENOMINATION = "catalog_denomination"
AT_HIRE, AFTER_DAYS = "at_hire_percent", "after_days"

RULE_TYPES = {
    "work_anniversary": "milestones.type.work_anniversary",
    "birthday": "milestones.type.birthday",
    "days_after_start": "milestones.type.days_after_start",
    "hris_event": "milestones.type.hris_event",
    "referral": "milestones.type.referral",
}
FIELD_BLOCKS = {
    "name": NAME,
    "type": TYPE,
    "points": POINTS,
    "points_by_year": POINTS_TABLE,
    "years": YEARS,
    "days_after_start": DAYS_AFTER_START,
    "event_name": EVENT_NAME,
    "at_hire_percent": AT_HIRE,
    "after_days": AFTER_DAYS,
    "budget_id": BUDGET,
    "catalog_item_id": CATALOG_ITEM,
    "catalog_denomination": CATALOG_DENOMINATION,
    "message": MESSAGE,
    "announce": CELEBRATE,
    "dm": CELEBRATE,
    "channel": CHANNEL,
    "manager_reminder_days": REMINDER,
    "enabled": ENABLED,
}
SHOWN_RULES = 20
OPTION_TEXT_LIMIT = 75
LIST_TEXT_LIMIT = 2000
MAX_POINTS = 1_000_000
TABLE_EXAMPLE = "1:100, 5:500, 10:1000"
PLACEHOLDERS = "{name} {first_name} {years} {points} {rule} {event} {days}"


@dataclass(frozen=True)
class BudgetChoice:
    id: str
    name: str


# --------------------------------------------------------------------------- App Home


def rules_section(rules: Sequence["MilestoneRule"], m: Messages, *, more: bool) -> list[Block]:
    """One line per rule with its Edit button, then the New rule button."""
    blocks: list[Block] = []
    for rule in rules[:SHOWN_RULES]:
        edit = ButtonElement(text=m.text("milestones.edit"), action_id=actions.EDIT_RULE, value=rule.id)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_rule_line(rule, m)), accessory=edit))
    if not rules:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("milestones.none"))]))
    elif more or len(rules) > SHOWN_RULES:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("milestones.more"))]))
    new = ButtonElement(text=m.text("milestones.new"), action_id=actions.NEW_RULE, style="primary")
    blocks.append(ActionsBlock(elements=[new]))
    return blocks


def _rule_line(rule: "MilestoneRule", m: Messages) -> str:
    kind = m.text(RULE_TYPES[str(rule.type)]) if str(rule.type) in RULE_TYPES else str(rule.type)
    if rule.years:
        kind += f" ({m.text('milestones.line.years', years=', '.join(map(str, rule.years)))})"
    if rule.days_after_start is not None:
        kind += f" ({m.text('milestones.line.day', day=rule.days_after_start)})"
    if rule.event_name:
        kind += f" (`{rule.event_name}`)"
    if rule.after_days is not None:
        share = 100 - rule.later_share()
        kind += f" ({m.text('milestones.line.referral', percent=share, days=rule.after_days)})"
    if rule.points_by_year:
        reward = m.text(
            "milestones.line.table",
            table=format_points_table(rule.points_by_year),
            points=m.points(rule.points),
        )
    else:
        reward = m.points(rule.points)
    if rule.catalog_item_id:
        reward += " + " + m.text("milestones.line.item", item=escaped(rule.catalog_item_id, 70))
    budget = (
        m.text("milestones.line.budget", budget=rule.budget_id)
        if rule.budget_id
        else m.text("milestones.line.no_budget")
    )
    state = m.text("milestones.line.enabled") if rule.enabled else m.text("milestones.line.disabled")
    line = f"*{escaped(rule.name, 130)}* · {kind}\n{reward} · {budget} · {state}"
    return line if len(line) <= LIST_TEXT_LIMIT else line[: LIST_TEXT_LIMIT - 1] + "…"


# --------------------------------------------------------------------------- the modal


def notice_modal(external_id: str, text: str, m: Messages) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=actions.RULE_MODAL,
        external_id=external_id,
        title=m.text("milestones.form.title"),
        close=m.text("common.close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=escaped(text)))],
    )
    return view.to_dict()


def rule_modal(
    external_id: str, budgets: Sequence[BudgetChoice], m: Messages, rule: "MilestoneRule | None" = None
) -> dict[str, Any]:
    """The form, empty for a new rule or filled with `rule`; `private_metadata` carries the language and the
    rule id."""
    blocks: list[Block] = [
        _input(
            NAME, m.text("milestones.field.name"), _text(NAME, rule.name if rule else None, max_length=120)
        ),
        _input(
            TYPE,
            m.text("milestones.field.type"),
            StaticSelectElement(
                action_id=TYPE,
                options=[_option(value, m.text(key)) for value, key in RULE_TYPES.items()],
                initial_option=_option(str(rule.type), m.text(RULE_TYPES[str(rule.type)])) if rule else None,
            ),
        ),
        _input(
            POINTS,
            m.text("milestones.field.points"),
            _number(POINTS, rule.points if rule else None, minimum=0, maximum=MAX_POINTS),
            hint=m.text("milestones.field.points_hint"),
        ),
        _input(
            POINTS_TABLE,
            m.text("milestones.field.points_table"),
            _text(POINTS_TABLE, format_points_table(rule.points_by_year) if rule else None),
            hint=m.text("milestones.field.points_table_hint", example=TABLE_EXAMPLE),
        ),
        _input(
            YEARS,
            m.text("milestones.field.years"),
            _text(YEARS, ", ".join(map(str, rule.years)) if rule and rule.years else None),
            hint=m.text("milestones.field.years_hint"),
        ),
        _input(
            DAYS_AFTER_START,
            m.text("milestones.type.days_after_start"),
            _number(DAYS_AFTER_START, rule.days_after_start if rule else None, minimum=0, maximum=3650),
        ),
        _input(
            EVENT_NAME,
            m.text("milestones.field.event"),
            _text(EVENT_NAME, rule.event_name if rule else None, max_length=48),
            hint=m.text("milestones.field.event_hint"),
        ),
        _input(
            AT_HIRE,
            m.text("milestones.field.at_hire_percent"),
            _number(AT_HIRE, rule.at_hire_percent if rule else None, minimum=0, maximum=100),
            hint=m.text("milestones.field.at_hire_percent_hint"),
        ),
        _input(
            AFTER_DAYS,
            m.text("milestones.field.after_days"),
            _number(AFTER_DAYS, rule.after_days if rule else None, minimum=1, maximum=730),
        ),
    ]
    if budgets:
        options = [
            Option(value=budget.id, text=_clipped(f"{budget.name} ({budget.id})")) for budget in budgets
        ]
        chosen = next((option for option in options if rule and option.value == rule.budget_id), None)
        budget_select = StaticSelectElement(action_id=BUDGET, options=options, initial_option=chosen)
        blocks.append(_input(BUDGET, m.text("milestones.field.budget"), budget_select))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("milestones.field.no_budgets"))]))
    default_message = m.text("milestones.field.default_message", years="{years}", first_name="{first_name}")
    blocks += [
        _input(
            CATALOG_ITEM,
            m.text("milestones.field.catalog_item"),
            _text(CATALOG_ITEM, rule.catalog_item_id if rule else None, max_length=64),
            hint=m.text("milestones.field.catalog_item_hint"),
        ),
        _input(
            CATALOG_DENOMINATION,
            m.text("milestones.field.denomination"),
            _text(CATALOG_DENOMINATION, _decimal(rule.catalog_denomination if rule else None), max_length=12),
            hint=m.text("milestones.field.denomination_hint"),
        ),
        _input(
            MESSAGE,
            m.text("milestones.field.message"),
            _text(MESSAGE, rule.message if rule else default_message, multiline=True, max_length=1000),
            hint=m.text("milestones.field.message_hint", placeholders=PLACEHOLDERS),
        ),
        _input(CELEBRATE, m.text("milestones.field.celebrate"), _celebrate(rule, m)),
        _input(
            CHANNEL,
            m.text("milestones.field.channel"),
            ConversationSelectElement(
                action_id=CHANNEL,
                initial_conversation=rule.channel if rule else None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint=m.text("milestones.field.channel_hint"),
        ),
        _input(
            REMINDER,
            m.text("milestones.field.reminder"),
            _number(REMINDER, rule.manager_reminder_days if rule else None, minimum=1, maximum=60),
        ),
        _input(ENABLED, m.text("milestones.field.enabled"), _enabled(rule, m)),
        _input(
            DEPARTMENTS,
            m.text("milestones.field.departments"),
            _text(DEPARTMENTS, ", ".join(rule.filter.departments) if rule else None),
            hint=m.text("milestones.field.departments_hint"),
        ),
        _input(
            COUNTRIES,
            m.text("milestones.field.countries"),
            _text(COUNTRIES, ", ".join(rule.filter.countries) if rule else None),
            hint=m.text("milestones.field.countries_hint"),
        ),
    ]
    view = View(
        type="modal",
        callback_id=actions.RULE_MODAL,
        external_id=external_id,
        private_metadata=modals.dumps(m, rule=rule.id if rule else None),
        title=m.text("milestones.form.title_edit") if rule else m.text("milestones.form.title_new"),
        submit=m.text("common.save"),
        close=m.text("common.cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def edited_rule(view: dict[str, Any]) -> str | None:
    """The rule a submitted modal edits; None for a new one."""
    return modals.fields(view).get("rule") or None


def _input(
    block_id: str, label: str, element: Any, *, hint: str | None = None, optional: bool | None = None
) -> InputBlock:
    required = block_id in (NAME, TYPE, MESSAGE)
    return InputBlock(
        block_id=block_id,
        label=label,
        element=element,
        hint=hint,
        optional=not required if optional is None else optional,
    )


def _text(
    action_id: str, value: str | None, *, multiline: bool = False, max_length: int | None = None
) -> PlainTextInputElement:
    return PlainTextInputElement(
        action_id=action_id, initial_value=value or None, multiline=multiline, max_length=max_length
    )


def _number(action_id: str, value: int | None, *, minimum: int, maximum: int) -> NumberInputElement:
    return NumberInputElement(
        action_id=action_id,
        is_decimal_allowed=False,
        initial_value=value,
        min_value=minimum,
        max_value=maximum,
    )


def _celebrate(rule: "MilestoneRule | None", m: Messages) -> CheckboxesElement:
    options = [
        _option(ANNOUNCE, m.text("milestones.field.announce")),
        _option(DM, m.text("milestones.field.dm")),
    ]
    chosen = [
        o for o, on in zip(options, (rule.announce, rule.dm) if rule else (True, True), strict=True) if on
    ]
    return CheckboxesElement(action_id=CELEBRATE, options=options, initial_options=chosen or None)


def _enabled(rule: "MilestoneRule | None", m: Messages) -> CheckboxesElement:
    option = _option(ENABLED, m.text("milestones.field.enabled_option"))
    on = rule.enabled if rule else True
    return CheckboxesElement(action_id=ENABLED, options=[option], initial_options=[option] if on else None)


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=_clipped(text))


def _clipped(text: str) -> str:
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"


# --------------------------------------------------------------------------- reading a submission


def read_form(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The RuleSpec fields a submitted modal holds, and {block_id: error} for what cannot even be read
    (a points table or years that are not numbers), in the language the modal was shown in. The spec's own
    checks come after, in RuleSpec."""
    m = modals.language(view)
    state = view["state"]["values"]
    errors: dict[str, str] = {}

    def value(block_id: str) -> Any:
        return (state.get(block_id) or {}).get(block_id) or {}

    def text(block_id: str) -> str | None:
        return (value(block_id).get("value") or "").strip() or None

    def number(block_id: str) -> int | None:
        raw = text(block_id)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            errors[block_id] = m.text("milestones.error.whole_number")
            return None

    def chosen(block_id: str) -> set[str]:
        return {option["value"] for option in value(block_id).get("selected_options") or []}

    try:
        points_by_year = parse_points_table(text(POINTS_TABLE) or "")
    except ValueError:
        errors[POINTS_TABLE] = m.text("milestones.error.table", example=TABLE_EXAMPLE)
        points_by_year = {}
    try:
        years = parse_numbers(text(YEARS) or "") or None
    except ValueError:
        errors[YEARS] = m.text("milestones.error.years")
        years = None
    rule_type = (value(TYPE).get("selected_option") or {}).get("value")
    if rule_type is None:
        errors[TYPE] = m.text("milestones.error.type")
    celebrate = chosen(CELEBRATE)
    fields = {
        "name": text(NAME) or "",
        "type": rule_type,
        "points": number(POINTS) or 0,
        "points_by_year": points_by_year,
        "years": years,
        "days_after_start": number(DAYS_AFTER_START),
        "event_name": text(EVENT_NAME),
        "at_hire_percent": number(AT_HIRE),
        "after_days": number(AFTER_DAYS),
        "budget_id": (value(BUDGET).get("selected_option") or {}).get("value"),
        "catalog_item_id": text(CATALOG_ITEM),
        "catalog_denomination": text(CATALOG_DENOMINATION),
        "message": text(MESSAGE) or "",
        "announce": ANNOUNCE in celebrate,
        "dm": DM in celebrate,
        "channel": value(CHANNEL).get("selected_conversation"),
        "manager_reminder_days": number(REMINDER),
        "enabled": ENABLED in chosen(ENABLED),
        "filter": {
            "departments": parse_list(text(DEPARTMENTS) or ""),
            "countries": [code.upper() for code in parse_list(text(COUNTRIES) or "")],
        },
    }
    return fields, errors


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def parse_points_table(text: str) -> dict[int, int]:
    """ "1:100, 5:500" -> {1: 100, 5: 500}; raises ValueError on anything else."""
    table: dict[int, int] = {}
    for pair in parse_list(text):
        year, sep, points = pair.partition(":")
        if not sep:
            raise ValueError(pair)
        table[int(year)] = int(points)
    return table


def parse_numbers(text: str) -> list[int]:
    return [int(part) for part in parse_list(text)]


def parse_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def format_points_table(table: dict[int, int]) -> str:
    return ", ".join(f"{year}:{points}" for year, points in sorted(table.items()))
