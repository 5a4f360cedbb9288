"""Developer tooling for Plaudit: the local stack (moto + Lambda-like workers + HTTP API)."""
