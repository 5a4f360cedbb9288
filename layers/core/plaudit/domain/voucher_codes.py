"""Voucher codes people can read aloud: 17 random characters (84 bits) and a check character, in groups of 4.

The alphabet has 31 symbols: the digits 2-9 and the letters without I, L and O (no 0/O or 1/I/L mix-ups).
The check character is a Damm-style one over the quasigroup x * y = (2x + y) mod 31: every step is a
bijection in both arguments (so any single wrong character changes the result) and (c*x)*y = (c*y)*x only
when x = y (so any swap of two adjacent characters, the check character included, changes it too).
"""

import re

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime: 2 and 2 - 1 are invertible modulo it
RANDOM_CHARS = 17  # 31**17 > 2**84
CODE_LENGTH = RANDOM_CHARS + 1
GROUP = 4
ENTROPY_BYTES = 16  # 128 bits reduced modulo 31**17: the bias is below 2**-43
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-_.]+")


def _step(interim: int, value: int) -> int:
    return (2 * interim + value) % BASE


def _interim(chars: str) -> int:
    interim = 0
    for char in chars:
        interim = _step(interim, _VALUES[char])
    return interim


def check_char(chars: str) -> str:
    """The character that brings the whole code's interim to 0."""
    return ALPHABET[(-2 * _interim(chars)) % BASE]


def generate_code(entropy: bytes) -> str:
    """A new code from at least 16 random bytes, formatted for people: `7KQ4-M9TX-2HCF-WZ8R-P3`."""
    if len(entropy) < ENTROPY_BYTES:
        raise ValueError(f"a voucher code needs at least {ENTROPY_BYTES} bytes of entropy")
    number = int.from_bytes(entropy[:ENTROPY_BYTES], "big") % BASE**RANDOM_CHARS
    chars = []
    for _ in range(RANDOM_CHARS):
        number, digit = divmod(number, BASE)
        chars.append(ALPHABET[digit])
    body = "".join(chars)
    return format_code(body + check_char(body))


def format_code(chars: str) -> str:
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def canonical(code: str) -> str:
    """Upper case without spaces or separators: the form a code is hashed in (any code, ours or not)."""
    return _SEPARATORS.sub("", code).upper()


def is_plaudit_shaped(chars: str) -> bool:
    """A canonical string of our length in our alphabet: it must pass the check to be one of ours."""
    return len(chars) == CODE_LENGTH and all(char in _VALUES for char in chars)


def normalize(code: str) -> str | None:
    """The canonical form of a Plaudit code, or None when it is not one (wrong length or characters, or
    the check character fails)."""
    chars = canonical(code)
    if not is_plaudit_shaped(chars) or _interim(chars) != 0:
        return None
    return chars
