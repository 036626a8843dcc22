"""The fast paths of the import (plain amounts, plain national phone numbers) give exactly
what the general parsers give, on every input they accept."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from collectctl.ingest import fields as f


def outcome(fn, *args):
    try:
        return fn(*args)
    except f.FieldError as error:
        return ("error", str(error))


amount_text = st.one_of(
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,16}(\.[0-9]{0,3})?", fullmatch=True),
    st.text(alphabet="0123456789,. -$", min_size=1, max_size=12),
)


@given(amount_text)
@example("0.00")
@example("00012")
@example("9999999999999.99")
@example("10000000000000")
@example("1,234")
@example("12,34")
def test_plain_amounts_read_as_the_full_parser_reads_them(text):
    assert outcome(f.parse_amount, text) == outcome(f._parse_amount_full, text)


separators = st.sampled_from(["", "-", " ", ".", "(", ")"])


@st.composite
def national_numbers(draw):
    digits = draw(st.from_regex(r"0[0-9]{1,12}", fullmatch=True))
    out = []
    for ch in digits:
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(separators))
    return "".join(out)


@settings(max_examples=400)
@given(national_numbers(), st.sampled_from(["TW", "IE", "DE", "FR", "GB", "AU", "US", "HK"]))
@example("0912-345-678", "TW")
@example("(02) 2345-6789", "TW")
@example("0995-123-456", "TW")
@example("002-1234-5678", "TW")
@example("0800-000-123", "TW")
def test_plain_national_numbers_read_as_phonenumbers_reads_them(text, region):
    fast = f._fast_phone(text, region, "mobile")
    if fast is not None:  # None: the fast path declined; the full parser runs
        assert fast == f._full_phone(text, region, "mobile"), (text, region)


def test_the_fast_path_takes_the_common_taiwanese_shapes():
    assert f._fast_phone("0912-345-678", "TW", "mobile").number == "+886912345678"
    assert f._fast_phone("(02) 2345-6789", "TW", "home").number == "+886223456789"
    assert f._fast_phone("+886 912 345 678", "TW", "mobile") is None  # full parser
    assert f._fast_phone("0912345678", "US", "mobile") is None  # another trunk prefix
