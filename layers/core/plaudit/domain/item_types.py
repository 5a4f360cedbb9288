"""The kinds of catalogue item (settings name them too: which kinds count as taxable)."""

from enum import StrEnum


class ItemType(StrEnum):
    GIFT_CARD = "gift_card"
    EXPERIENCE = "experience"
    TRAVEL = "travel"
    DISCOUNT_VOUCHER = "discount_voucher"
    DONATION = "donation"
    MERCHANDISE = "merchandise"
    COMPANY_PERK = "company_perk"
