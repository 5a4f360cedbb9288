"""Fulfilment by Plaudit itself (company perks): a new code of Plaudit's own alphabet. A retry makes a
different code, but a redemption has one voucher (its id derives from the redemption), so the first stands."""

from typing import Any

from plaudit.domain.voucher_codes import ENTROPY_BYTES, generate_code
from plaudit.integrations.rewards.provider import Completed, Outcome
from plaudit.services.runtime import runtime


class InternalFulfiller:
    def fulfil(self, redemption: dict[str, Any]) -> Outcome:
        return Completed(code=generate_code(runtime.entropy(ENTROPY_BYTES)))
