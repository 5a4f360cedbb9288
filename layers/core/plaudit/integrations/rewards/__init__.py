"""Fulfilment methods behind one interface (provider.Fulfiller): an external rewards provider (Tremendous,
Tango Card, or the sandbox in dev), a stock of uploaded codes, and codes Plaudit issues itself."""

from typing import TYPE_CHECKING

from plaudit.domain.catalog import FulfilmentMethod, RewardsProvider
from plaudit.integrations.rewards.provider import Fulfiller

if TYPE_CHECKING:
    from plaudit.integrations.rewards.tango import TangoRewards
    from plaudit.integrations.rewards.tremendous import TremendousRewards


def required_credentials(provider: str) -> tuple[str, ...]:
    """The fields of the provider's secret that must be filled in."""
    if provider == RewardsProvider.TREMENDOUS:
        from plaudit.integrations.rewards.tremendous import REQUIRED
    else:
        from plaudit.integrations.rewards.tango import REQUIRED
    return REQUIRED


def rewards_api(provider: str) -> "TremendousRewards | TangoRewards":
    """A real provider's configured client (ProviderUnavailable while its secret is empty)."""
    if provider == RewardsProvider.TREMENDOUS:
        from plaudit.integrations.rewards.tremendous import TremendousRewards

        return TremendousRewards.configured()
    if provider == RewardsProvider.TANGO:
        from plaudit.integrations.rewards.tango import TangoRewards

        return TangoRewards.configured()
    raise ValueError(f"{provider!r} is not a real rewards provider")


def fulfiller_for(method: str, provider: str | None = None) -> Fulfiller:
    """The Fulfiller for a catalogue item's fulfilment method and provider (imported on first use: cold
    starts). A provider item that names no provider (made before items named one) uses the sandbox in the
    dev stage only; elsewhere it fails for good, with its reason."""
    if method == FulfilmentMethod.PROVIDER:
        from plaudit.integrations.rewards.external import ProviderFulfiller, UnnamedProvider

        if provider in (RewardsProvider.TREMENDOUS, RewardsProvider.TANGO):
            return ProviderFulfiller(lambda: rewards_api(provider))
        from plaudit.environment import environment

        if provider == RewardsProvider.SANDBOX or environment().stage == "dev":
            from plaudit.integrations.rewards.sandbox import SandboxRewards

            return ProviderFulfiller(SandboxRewards)
        return UnnamedProvider()
    if method == FulfilmentMethod.CODE_STOCK:
        from plaudit.integrations.rewards.code_stock import CodeStockFulfiller

        return CodeStockFulfiller()
    if method == FulfilmentMethod.INTERNAL:
        from plaudit.integrations.rewards.internal import InternalFulfiller

        return InternalFulfiller()
    raise ValueError(f"unknown fulfilment method {method!r}")
