"""Response envelopes for cursor-paginated listings."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from plaudit.domain.employees import Employee
from plaudit.domain.model import Model
from plaudit.domain.recognition import Recognition
from plaudit.services.budgets import BudgetView
from plaudit.services.wallets import LedgerLine

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
FeedLimit = Annotated[int, Query(ge=1, le=50, description="Kudos per page")]
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page")]


class RecognitionPage(Model):
    items: list[Recognition]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class EmployeePage(Model):
    items: list[Employee]
    next_cursor: str | None


class LedgerPage(Model):
    items: list[LedgerLine]
    next_cursor: str | None


class BudgetPage(Model):
    items: list[BudgetView]
    next_cursor: str | None
