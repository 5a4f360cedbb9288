"""Fulfilment methods behind one interface (provider.Fulfiller): an external rewards provider (the sandbox
in dev), a stock of uploaded codes, and codes Plaudit issues itself."""

from plaudit.domain.catalog import FulfilmentMethod
from plaudit.integrations.rewards.provider import Fulfiller


def fulfiller_for(method: str) -> Fulfiller:
    """The Fulfiller for a catalogue item's fulfilment method (imported on first use: cold starts)."""
    if method == FulfilmentMethod.PROVIDER:
        from plaudit.integrations.rewards.external import ProviderFulfiller
        from plaudit.integrations.rewards.sandbox import SandboxRewards

        return ProviderFulfiller(SandboxRewards())
    if method == FulfilmentMethod.CODE_STOCK:
        from plaudit.integrations.rewards.code_stock import CodeStockFulfiller

        return CodeStockFulfiller()
    if method == FulfilmentMethod.INTERNAL:
        from plaudit.integrations.rewards.internal import InternalFulfiller

        return InternalFulfiller()
    raise ValueError(f"unknown fulfilment method {method!r}")
