"""``--redact``: a name becomes a fixed placeholder (no initial, no length) and a phone its
last two digits at most (no country code, no area prefix, no length)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.render.redact import MASK, mask_name, mask_phone


@pytest.mark.parametrize(("number", "shown"), [
    ("+886912345678", "***78"), ("+12127365000", "***00"), ("+442079460958", "***58"),
    ("0223456789", "***89"), ("7", "***7"), ("", ""), (None, ""),
])
def test_a_phone_keeps_two_digits_at_most(number, shown):
    assert mask_phone(number) == shown


@pytest.mark.parametrize("name", ["王小明", "John Roe", "Maria de la Cruz", "A", "\x1b[2J"])
def test_every_name_is_the_same_placeholder(name):
    assert mask_name(name) == MASK == "***"
    assert mask_name("") == mask_name(None) == ""


@given(st.text(min_size=1))
def test_a_masked_name_tells_nothing(name):
    assert mask_name(name) == MASK


@given(st.text())
def test_a_masked_phone_tells_two_digits_at_most(number):
    masked = mask_phone(number)
    digits = [c for c in number if c.isdigit()]
    assert masked in ("", MASK + "".join(digits[-2:]))
    assert len(masked) <= len(MASK) + 2
