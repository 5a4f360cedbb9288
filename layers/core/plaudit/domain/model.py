"""The base of Plaudit's pydantic models: validators are built on first use, not at import.

A function imports many models but a request touches few; building them lazily keeps cold starts short.
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
