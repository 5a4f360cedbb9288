"""The template's tables in moto, created without their stream until one is needed.

moto's TransactWriteItems deep-copies every table it touches (to roll back on failure), stream shard
included, and a shard only grows: with the stream on from the start, each kudos costs moto more than the
last (seconds per transaction after a few dozen). The handlers never read the stream, so the benchmarks
turn it on only where they need stream records (the projection), and late. DynamoDB itself has no such
cost; this is purely about keeping the benchmark's own run short.
"""

from __future__ import annotations

from typing import Any

from plaudit_dev.template import Template


def create_tables(client: Any, template: Template) -> None:
    for spec in template.tables.values():
        client.create_table(**{k: v for k, v in spec.create_kwargs.items() if k != "StreamSpecification"})


def enable_streams(client: Any, template: Template) -> None:
    for spec in template.tables.values():
        if stream := spec.create_kwargs.get("StreamSpecification"):
            client.update_table(TableName=spec.name, StreamSpecification=stream)
