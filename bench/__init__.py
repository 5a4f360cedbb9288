"""Plaudit's performance benchmarks: `python -m bench` (or `make bench`).

Three measurements, each in its own module:

- `roundtrips`: DynamoDB round trips per API operation, counted from botocore events on the real handlers
  (in-process moto). Counts are deterministic, so budgets on them gate the run (exit status 1).
- `coldstart`: fresh Python processes that import a handler and serve one request against a moto server,
  side by side with a baseline process that only imports boto3 and creates a DynamoDB client.
- `overhead`: CPU per warm request spent outside the DynamoDB calls, against a moto server running in
  another process so moto's own CPU is not counted.

`report` renders the results (console and docs/performance.md). Wall-clock figures are reported, never
asserted: the machines this runs on are shared and noisy.
"""
