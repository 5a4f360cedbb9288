"""Response envelopes for cursor-paginated listings."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, Field

from plaudit.domain.employees import Employee
from plaudit.domain.recognition import Recognition
from plaudit.services.wallets import LedgerLine

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page")]


class RecognitionPage(BaseModel):
    items: list[Recognition]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class EmployeePage(BaseModel):
    items: list[Employee]
    next_cursor: str | None


class LedgerPage(BaseModel):
    items: list[LedgerLine]
    next_cursor: str | None
