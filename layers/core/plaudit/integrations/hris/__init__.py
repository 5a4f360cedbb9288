"""HRIS adapters: webhook signatures, each source's payloads normalized to `plaudit.domain.hris` changes,
and the queue between the webhook (which acknowledges fast) and the worker (which applies them)."""
