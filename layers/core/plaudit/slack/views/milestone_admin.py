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

from plaudit.slack import actions
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

RULE_TYPES = {
    "work_anniversary": "Work anniversary",
    "birthday": "Birthday",
    "days_after_start": "Days after start (onboarding)",
    "hris_event": "HRIS event (promotion, certification…)",
}
FIELD_BLOCKS = {
    "name": NAME,
    "type": TYPE,
    "points": POINTS,
    "points_by_year": POINTS_TABLE,
    "years": YEARS,
    "days_after_start": DAYS_AFTER_START,
    "event_name": EVENT_NAME,
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
DEFAULT_MESSAGE = "Happy {years}-year work anniversary, {first_name}! Thank you for all you do."


@dataclass(frozen=True)
class BudgetChoice:
    id: str
    name: str


# --------------------------------------------------------------------------- App Home


def rules_section(rules: Sequence["MilestoneRule"], *, more: bool) -> list[Block]:
    """One line per rule with its Edit button, then the New rule button."""
    blocks: list[Block] = []
    for rule in rules[:SHOWN_RULES]:
        edit = ButtonElement(text="Edit", action_id=actions.EDIT_RULE, value=rule.id)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_rule_line(rule)), accessory=edit))
    if not rules:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text="No milestone rules yet.")]))
    elif more or len(rules) > SHOWN_RULES:
        note = "More rules than fit here: see them all with GET /v1/milestone-rules."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    blocks.append(
        ActionsBlock(elements=[ButtonElement(text="New rule", action_id=actions.NEW_RULE, style="primary")])
    )
    return blocks


def _rule_line(rule: "MilestoneRule") -> str:
    kind = RULE_TYPES.get(str(rule.type), str(rule.type))
    if rule.years:
        kind += f" (years {', '.join(map(str, rule.years))})"
    if rule.days_after_start is not None:
        kind += f" (day {rule.days_after_start})"
    if rule.event_name:
        kind += f" (`{rule.event_name}`)"
    if rule.points_by_year:
        reward = f"{format_points_table(rule.points_by_year)}; else {rule.points:,} points"
    else:
        reward = f"{rule.points:,} points"
    if rule.catalog_item_id:
        reward += f" + item `{escaped(rule.catalog_item_id, 70)}`"
    budget = f"budget `{rule.budget_id}`" if rule.budget_id else "no budget"
    state = ":large_green_circle: enabled" if rule.enabled else ":white_circle: disabled"
    line = f"*{escaped(rule.name, 130)}* · {kind}\n{reward} · {budget} · {state}"
    return line if len(line) <= LIST_TEXT_LIMIT else line[: LIST_TEXT_LIMIT - 1] + "…"


# --------------------------------------------------------------------------- the modal


def loading_modal(external_id: str) -> dict[str, Any]:
    """Opened in the ack (the trigger lapses in 3 seconds); the lazy listener replaces it with the form."""
    return notice_modal(external_id, "Loading the rule form…")


def notice_modal(external_id: str, text: str) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=actions.RULE_MODAL,
        external_id=external_id,
        title="Milestone rule",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=escaped(text)))],
    )
    return view.to_dict()


def rule_modal(
    external_id: str, budgets: Sequence[BudgetChoice], rule: "MilestoneRule | None" = None
) -> dict[str, Any]:
    """The form, empty for a new rule or filled with `rule`; `private_metadata` carries the rule id."""
    blocks: list[Block] = [
        _input(NAME, "Name", _text(NAME, rule.name if rule else None, max_length=120)),
        _input(
            TYPE,
            "What it celebrates",
            StaticSelectElement(
                action_id=TYPE,
                options=[Option(value=value, text=label) for value, label in RULE_TYPES.items()],
                initial_option=_option(str(rule.type), RULE_TYPES[str(rule.type)]) if rule else None,
            ),
        ),
        _input(
            POINTS,
            "Points",
            _number(POINTS, rule.points if rule else None, minimum=0, maximum=MAX_POINTS),
            hint="For work anniversaries: the points for any year not in the table.",
        ),
        _input(
            POINTS_TABLE,
            "Points by year (work anniversaries)",
            _text(POINTS_TABLE, format_points_table(rule.points_by_year) if rule else None),
            hint=f"year:points pairs, e.g. {TABLE_EXAMPLE}",
        ),
        _input(
            YEARS,
            "Years celebrated (work anniversaries)",
            _text(YEARS, ", ".join(map(str, rule.years)) if rule and rule.years else None),
            hint="e.g. 1, 5, 10; empty: every year",
        ),
        _input(
            DAYS_AFTER_START,
            "Days after start (onboarding)",
            _number(DAYS_AFTER_START, rule.days_after_start if rule else None, minimum=0, maximum=3650),
        ),
        _input(
            EVENT_NAME,
            "HRIS event name",
            _text(EVENT_NAME, rule.event_name if rule else None, max_length=48),
            hint="e.g. promotion or certification",
        ),
    ]
    if budgets:
        options = [
            Option(value=budget.id, text=_clipped(f"{budget.name} ({budget.id})")) for budget in budgets
        ]
        chosen = next((option for option in options if rule and option.value == rule.budget_id), None)
        budget_select = StaticSelectElement(action_id=BUDGET, options=options, initial_option=chosen)
        blocks.append(_input(BUDGET, "Budget that funds the points", budget_select))
    else:
        note = "No budgets yet: create one (POST /v1/budgets) before a rule that awards points."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    blocks += [
        _input(
            CATALOG_ITEM,
            "Catalogue item",
            _text(CATALOG_ITEM, rule.catalog_item_id if rule else None, max_length=64),
            hint="The id of a catalogue item given with (or instead of) points.",
        ),
        _input(
            CATALOG_DENOMINATION,
            "Item value",
            _text(CATALOG_DENOMINATION, _decimal(rule.catalog_denomination if rule else None), max_length=12),
            hint="The item's value in its currency, e.g. 25; paid from the budget.",
        ),
        _input(
            MESSAGE,
            "Message",
            _text(MESSAGE, rule.message if rule else DEFAULT_MESSAGE, multiline=True, max_length=1000),
            hint="Placeholders: {name} {first_name} {years} {points} {rule} {event} {days}",
        ),
        _input(CELEBRATE, "How it is celebrated", _celebrate(rule)),
        _input(
            CHANNEL,
            "Channel",
            ConversationSelectElement(
                action_id=CHANNEL,
                initial_conversation=rule.channel if rule else None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint="Empty: the announcement channel in the settings.",
        ),
        _input(
            REMINDER,
            "Remind the manager, days ahead",
            _number(REMINDER, rule.manager_reminder_days if rule else None, minimum=1, maximum=60),
        ),
        _input(ENABLED, "Enabled", _enabled(rule)),
        _input(
            DEPARTMENTS,
            "Only these departments",
            _text(DEPARTMENTS, ", ".join(rule.filter.departments) if rule else None),
            hint="Comma-separated; empty: everyone",
        ),
        _input(
            COUNTRIES,
            "Only these countries",
            _text(COUNTRIES, ", ".join(rule.filter.countries) if rule else None),
            hint="ISO codes, e.g. DE, US; empty: everywhere",
        ),
    ]
    view = View(
        type="modal",
        callback_id=actions.RULE_MODAL,
        external_id=external_id,
        private_metadata=rule.id if rule else "",
        title="Edit milestone rule" if rule else "New milestone rule",
        submit="Save",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


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


def _celebrate(rule: "MilestoneRule | None") -> CheckboxesElement:
    options = [_option(ANNOUNCE, "Celebrate publicly in a channel"), _option(DM, "Send the person a DM")]
    chosen = [
        o for o, on in zip(options, (rule.announce, rule.dm) if rule else (True, True), strict=True) if on
    ]
    return CheckboxesElement(action_id=CELEBRATE, options=options, initial_options=chosen or None)


def _enabled(rule: "MilestoneRule | None") -> CheckboxesElement:
    option = _option(ENABLED, "Award this rule's milestones")
    on = rule.enabled if rule else True
    return CheckboxesElement(action_id=ENABLED, options=[option], initial_options=[option] if on else None)


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=_clipped(text))


def _clipped(text: str) -> str:
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"


# --------------------------------------------------------------------------- reading a submission


def read_form(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The RuleSpec fields a submitted modal holds, and {block_id: error} for what cannot even be read
    (a points table or years that are not numbers). The spec's own checks come after, in RuleSpec."""
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
            errors[block_id] = "Give a whole number."
            return None

    def chosen(block_id: str) -> set[str]:
        return {option["value"] for option in value(block_id).get("selected_options") or []}

    try:
        points_by_year = parse_points_table(text(POINTS_TABLE) or "")
    except ValueError:
        errors[POINTS_TABLE] = f"Write year:points pairs separated by commas, like {TABLE_EXAMPLE}."
        points_by_year = {}
    try:
        years = parse_numbers(text(YEARS) or "") or None
    except ValueError:
        errors[YEARS] = "Write whole years separated by commas, like 1, 5, 10."
        years = None
    rule_type = (value(TYPE).get("selected_option") or {}).get("value")
    if rule_type is None:
        errors[TYPE] = "Choose what the rule celebrates."
    celebrate = chosen(CELEBRATE)
    fields = {
        "name": text(NAME) or "",
        "type": rule_type,
        "points": number(POINTS) or 0,
        "points_by_year": points_by_year,
        "years": years,
        "days_after_start": number(DAYS_AFTER_START),
        "event_name": text(EVENT_NAME),
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
