"""A rewards provider's credentials: the JSON secret the template creates empty for it (TremendousSecret,
TangoSecret; named by TREMENDOUS_SECRET_ARN, TANGO_SECRET_ARN) and read through integrations/secrets.py,
or, in the local stack, the same object in TREMENDOUS_CREDENTIALS / TANGO_CREDENTIALS.

A secret still empty is a provider not configured yet: ProviderUnavailable naming the fields to fill in
(never a value), so fulfilment keeps the points held and retries until an operator puts the secret; reading
it for an order reports it (SecretEmpty: logged once, counted, alarmed), since an item uses the provider."""

import json
from typing import Any

from plaudit.environment import environment
from plaudit.integrations.rewards.orders import ProviderUnavailable


def credentials(provider: str, required: tuple[str, ...]) -> dict[str, Any]:
    """The provider's credentials for an order or a read; ProviderUnavailable while not configured."""
    from plaudit.integrations.secrets import SecretEmpty, json_secret

    stand_in = getattr(environment(), f"{provider}_credentials")
    if stand_in is not None:
        found = _parsed(stand_in)
        if not _complete(found, required):
            raise ProviderUnavailable(_not_configured(provider, required))
        return found
    arn = getattr(environment(), f"{provider}_secret_arn")
    if arn is None:
        raise ProviderUnavailable(f"{provider} is not configured: {provider.upper()}_SECRET_ARN is not set")
    try:
        return json_secret(arn, provider, required)
    except SecretEmpty:
        raise ProviderUnavailable(_not_configured(provider, required)) from None


def configured(provider: str, required: tuple[str, ...]) -> bool:
    """Whether the provider's credentials are filled in (read without reporting an empty secret: a company
    need not use every provider)."""
    from plaudit.integrations import aws
    from plaudit.integrations.secrets import MAX_AGE_SECONDS

    env = environment()
    stand_in = getattr(env, f"{provider}_credentials")
    if stand_in is not None:
        return _complete(_parsed(stand_in), required)
    arn = getattr(env, f"{provider}_secret_arn")
    if arn is None:
        return False
    found = aws.secret(arn, transform="json", max_age=MAX_AGE_SECONDS)
    return isinstance(found, dict) and _complete(found, required)


def _complete(found: dict[str, Any], required: tuple[str, ...]) -> bool:
    return all(isinstance(found.get(name), str) and found[name] for name in required)


def _not_configured(provider: str, required: tuple[str, ...]) -> str:
    fields = ", ".join(required)
    return f"{provider} is not configured: fill in {fields} in its secret ({provider.upper()}_SECRET_ARN)"


def _parsed(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
