"""Voucher codes: format, randomness, and a check character that catches every single-character error and
every adjacent transposition (proved exhaustively on the quasigroup, and on random codes)."""

import math

from hypothesis import given
from hypothesis import strategies as st

from plaudit.domain import voucher_codes
from plaudit.domain.voucher_codes import ALPHABET, BASE, canonical, generate_code, normalize

entropy = st.binary(min_size=16, max_size=16)


def test_alphabet_is_unambiguous_and_codes_carry_80_bits() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert not set("01OIL") & set(ALPHABET)
    assert voucher_codes.RANDOM_CHARS * math.log2(BASE) >= 80


def test_the_quasigroup_is_latin_and_weakly_totally_antisymmetric() -> None:
    step = voucher_codes._step
    for c in range(BASE):
        assert sorted(step(c, y) for y in range(BASE)) == list(range(BASE))  # rows are permutations
        assert sorted(step(y, c) for y in range(BASE)) == list(range(BASE))  # columns too
        for x in range(BASE):
            for y in range(BASE):
                if x != y:
                    assert step(step(c, x), y) != step(step(c, y), x)


@given(entropy)
def test_generated_codes_are_grouped_and_valid(seed: bytes) -> None:
    code = generate_code(seed)
    groups = code.split("-")
    assert [len(group) for group in groups] == [4, 4, 4, 4, 2]
    assert normalize(code) == code.replace("-", "")
    assert normalize(code.lower().replace("-", " ")) == code.replace("-", "")


def test_different_entropy_gives_different_codes() -> None:
    codes = {generate_code(i.to_bytes(16, "big")) for i in range(2000)}
    assert len(codes) == 2000


def test_too_little_entropy_is_refused() -> None:
    try:
        generate_code(b"\x01" * 10)
    except ValueError:
        return
    raise AssertionError("10 bytes must not be enough")


@given(entropy)
def test_every_single_character_error_is_caught(seed: bytes) -> None:
    chars = canonical(generate_code(seed))
    for position, original in enumerate(chars):
        for replacement in ALPHABET:
            if replacement != original:
                assert normalize(chars[:position] + replacement + chars[position + 1 :]) is None


@given(entropy)
def test_every_adjacent_transposition_is_caught(seed: bytes) -> None:
    chars = canonical(generate_code(seed))
    for position in range(len(chars) - 1):
        a, b = chars[position], chars[position + 1]
        if a != b:
            assert normalize(chars[:position] + b + a + chars[position + 2 :]) is None


def test_wrong_lengths_and_foreign_characters_are_not_codes() -> None:
    chars = canonical(generate_code(bytes(range(16))))
    assert normalize(chars[:-1]) is None
    assert normalize(chars + "2") is None
    assert normalize("O" + chars[1:]) is None
    assert normalize("") is None
