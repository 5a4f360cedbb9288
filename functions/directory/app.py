"""REST v1: the employee directory and organisation settings."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import create_app, current_caller
from plaudit.api.pages import Cursor, EmployeePage, Limit
from plaudit.domain.employees import EMPLOYEE_ID, Employee
from plaudit.domain.settings import OrgSettings
from plaudit.services import directory, settings

logger = Logger()
tracer = Tracer()
app = create_app("directory")
gc.freeze()  # keep them out of every later collection
gc.enable()

EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]


@app.get("/v1/employees", summary="The directory (HR admins and HRIS integrations)")
@tracer.capture_method
def list_employees(limit: Limit = 50, cursor: Cursor = None) -> EmployeePage:
    items, next_cursor = directory.list_directory(current_caller(app), limit=limit, cursor=cursor)
    return EmployeePage(items=items, next_cursor=next_cursor)


@app.get(
    "/v1/employees/<employee_id>", summary="A person: the full record for themselves, their manager and HR"
)
@tracer.capture_method
def get_employee(employee_id: EmployeeIdPath) -> Employee | directory.EmployeeCard:
    return directory.get_employee(current_caller(app), employee_id)


@app.put(
    "/v1/employees/<employee_id>", summary="Create or replace a person (HR admins and HRIS integrations)"
)
@tracer.capture_method
def put_employee(employee_id: EmployeeIdPath, body: directory.EmployeeFields) -> Response[Employee]:
    employee, created = directory.put_employee(current_caller(app), employee_id, body)
    return Response(status_code=201 if created else 200, content_type="application/json", body=employee)


@app.get("/v1/settings", summary="Organisation settings (HR admins)")
@tracer.capture_method
def get_settings() -> OrgSettings:
    return settings.get_settings(current_caller(app))


@app.put("/v1/settings", summary="Replace organisation settings (HR admins)")
@tracer.capture_method
def put_settings(body: OrgSettings) -> OrgSettings:
    return settings.replace_settings(current_caller(app), body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
