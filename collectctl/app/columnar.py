"""A first load's chunk of rows read by columns (``pip install 'collectctl[fast]'``).

What :func:`collectctl.app.loading.load_chunk` makes of a chunk, the same tuples row for
row, with the work done a column at a time by polars instead of a cell at a time in
Python. The row-wise parser (:func:`collectctl.ingest.accounts.normalize_account`) stays
the reference, and exactness is by construction:

- a column whose cells repeat (dates, days past due, paydays, work start, zone, country,
  collector, risk) is read by the row-wise field parser itself, once per distinct value;
- a column whose cells are mostly distinct (the id, the name, the amount, the phones) is
  computed vectorized only for the shapes proven simple: an id of printable ASCII, a name
  of ASCII and CJK ideographs (which NFKC leaves alone), an amount of ``12,345.67`` shape,
  a phone of plain national digits checked against phonenumbers' own metadata patterns
  as ``fields._fast_phone`` checks them;
- any row with any other cell, or whose cells the field parsers refuse, is read whole by
  the row-wise parser, which rejects it with its usual reason and column;
- a file with a column this module does not read (parts of the debt, contact persons) is
  read row-wise altogether (``loading.reads_by_columns``), as is a chunk whose region's
  phone patterns polars' regex engine does not take.

Property tests (``tests/cli/test_columnar.py``) hold :func:`load_chunk` to the
row-wise path on random chunks, cell by cell. Imported only inside an import, when
polars is installed: ``log``, ``plan`` and ``--help`` never load it.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import timedelta
from functools import lru_cache
from itertools import repeat
from typing import Any

import polars as pl

from collectctl.app.loading import FROM_PHONE, fast_region, load_row, reads_by_columns
from collectctl.core import zones as z
from collectctl.core.models import phone_role
from collectctl.ingest import fields as f
from collectctl.ingest.accounts import RowContext, _currency, _fingerprint_fields
from collectctl.ingest.headers import ColumnMap
from collectctl.storage.codec import paydays_to_text

#: Free text read as ``fields.normalize_text`` reads it (None when empty).
_TEXT = ("name", "employer", "mailing_address", "registered_address", "occupation")
#: What Python's ``str.strip()`` strips: every character ``str.isspace()`` is true of.
_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
#: An id ``normalize_text`` leaves as it is: printable ASCII, no space.
_SIMPLE_ID = r"^[!-~]+$"
#: Text ``normalize_text`` leaves as it is: ASCII and CJK unified ideographs (no NFKC
#: mapping; a test checks every one), words one space apart.
_SIMPLE_TEXT = r"^[!-~\x{4e00}-\x{9fff}]+(?: [!-~\x{4e00}-\x{9fff}]+)*$"
_PLAIN_AMOUNT = "^" + f._PLAIN_AMOUNT.pattern + "$"
_PLAIN_PHONE = "^" + f._PLAIN_PHONE.pattern + "$"


#: Whether this module reads a file (``loading.reads_by_columns``, which needs no polars).
reads = reads_by_columns


@lru_cache(maxsize=16)
def _phone_rules(region: str) -> tuple[int, Any, list, Any, tuple] | None:
    """``fields._fast_rules`` of ``region`` as polars patterns, and the place every valid
    number of it has; None when the region's numbers need more than the fast path (or a
    place read off the number itself)."""
    rules = f._fast_rules(region)
    if rules is None or not fast_region(region):
        return None
    country, general, types, idd = rules
    place = z._simple_place(str(country))
    assert general is not None and place is not None  # fast_region says so

    def desc(d):
        return tuple(sorted(d[0])), "^(?:" + d[1].pattern + ")$"

    rules = (country, desc(general), [desc(t) for t in types],
             "^(?:" + idd.pattern + ")" if idd is not None else None, place)
    patterns = [rules[1][1], *(t[1] for t in rules[2]), *([rules[3]] if idd else [])]
    try:  # a pattern polars' engine does not take: the region is read row-wise
        for pattern in patterns:
            pl.Series(["0"]).str.contains(pattern)
    except pl.exceptions.ComputeError:
        return None
    return rules


def _matches(cells: pl.Series, desc) -> pl.Series:
    lengths, pattern = desc
    match = cells.str.contains(pattern)
    return match & cells.str.len_chars().is_in(list(lengths)) if lengths else match


def _mapped(series: pl.Series, read) -> tuple[pl.Series, pl.Series]:
    """(what ``read`` makes of each cell, whether the row-wise parser must read the row):
    ``read`` called once per distinct non-empty cell; None for an empty one."""
    values = [v for v in series.unique().to_list() if v]
    out: dict[str, Any] = {}
    if not values:
        return pl.Series([None] * len(series), dtype=pl.List(pl.String)), series.is_in([])
    bad: list[str] = []
    for value in values:
        try:
            out[value] = read(value)
        except f.FieldError:
            bad.append(value)
    result = series.replace_strict(list(out), list(out.values()), default=None,
                                   return_dtype=pl.List(pl.String))
    return result, series.is_in(bad)


def _mapped_pair(series: pl.Series, read) -> tuple[pl.Series, pl.Series, pl.Series]:
    """:func:`_mapped` of a ``read`` returning (value, its ``str()`` in the fingerprint)."""
    pairs, odd = _mapped(series, read)
    return (pairs.list.get(0, null_on_oob=True), pairs.list.get(1, null_on_oob=True), odd)


def load_chunk(state: tuple[ColumnMap, RowContext, bytes, int, str],
               rows: list[tuple[int, list[str]]]) -> list:
    """What ``loading.load_chunk`` returns for ``rows``, read by columns."""
    columns, ctx, context, batch_id, stamp = state
    prefix = hashlib.sha1(context)
    if not rows:
        return []
    try:
        frame = _frame(columns, rows) if _phone_rules(ctx.phone_region.upper()) else None
    except Exception:  # noqa: BLE001 - whatever polars refuses is read row-wise
        frame = None  # cells polars will not hold: every row row-wise
    if frame is None:
        return [load_row(prefix, line, cells, columns, ctx, batch_id, stamp)
                for line, cells in rows]
    simple, values, phones, places = _read(frame, columns, ctx, rows, prefix, batch_id, stamp)
    out: list = []
    for i, (line, cells) in enumerate(rows):
        if simple[i]:
            out.append((values[i], phones[i], *places[i]))
        else:
            out.append(load_row(prefix, line, cells, columns, ctx, batch_id, stamp))
    return out


def _frame(columns: ColumnMap, rows: list[tuple[int, list[str]]]) -> pl.DataFrame:
    """The cells each field is read from (and each phone column's, as ``phone<index>``),
    stripped as the row-wise parser strips them; a short row's missing cells empty."""
    wanted = {name: index for name, index in columns.columns.items()}
    wanted.update({f"phone{index}": index for index, _label in columns.phones})
    width = max(wanted.values()) + 1
    cells = [c if len(c) >= width else c + [""] * (width - len(c)) for _line, c in rows]
    transposed = list(zip(*cells, strict=False)) if cells else []
    frame = pl.DataFrame({name: pl.Series(name, transposed[index], dtype=pl.String)
                          for name, index in wanted.items()})
    return frame.with_columns(pl.all().str.strip_chars(_WHITESPACE))


def _read(frame: pl.DataFrame, columns: ColumnMap, ctx: RowContext, rows, prefix,
          batch_id: int, stamp: str):
    """(simple, account values, phone values, (where, from phone)) for every row; the
    last three only meaningful where ``simple``."""
    n = frame.height
    get = frame.get_column
    present = set(columns.columns)
    empty = pl.Series([None] * n, dtype=pl.String)
    odd = pl.Series([False] * n)
    strs: dict[str, pl.Series] = {}  # each fingerprint field's str()

    def text_of(name: str) -> pl.Series:
        nonlocal odd
        if name not in present:
            strs[name] = pl.Series(["None"] * n)
            return empty
        cell = get(name)
        odd = odd | ~((cell == "") | cell.str.contains(_SIMPLE_TEXT))
        value = pl.select(pl.when(cell == "").then(None).otherwise(cell)).to_series()
        strs[name] = value.fill_null("None")
        return value

    account_id = get("account_id")
    odd = odd | ~account_id.str.contains(_SIMPLE_ID)
    texts = {name: text_of(name) for name in _TEXT}

    # The amount: 12,345.67 read as integer cents.
    amount = get("amount_due")
    plain = amount.str.replace_all(",", "", literal=True)
    whole = plain.str.split_exact(".", 1).struct.field("field_0")
    fraction = plain.str.split_exact(".", 1).struct.field("field_1").fill_null("")
    shaped = amount.str.contains(_PLAIN_AMOUNT) & (whole.str.len_chars() <= f.MAX_AMOUNT_DIGITS)
    minor = pl.select(pl.when(shaped).then(
        whole.cast(pl.Int64, strict=False) * 100
        + fraction.str.pad_end(2, "0").cast(pl.Int64, strict=False))).to_series()
    odd = odd | ~shaped | minor.is_null() | (minor <= 0)
    strs["amount_due"] = pl.select(
        (minor // 100).cast(pl.String) + "." + (minor % 100).cast(pl.String).str.zfill(2)
    ).to_series()

    def mapped(name: str, read) -> tuple[pl.Series, pl.Series]:
        nonlocal odd
        if name not in present:
            return empty, pl.Series(["None"] * n)
        value, text, bad = _mapped_pair(get(name), read)
        odd = odd | bad
        return value, text.fill_null("None")

    currency, _ = mapped("currency", lambda v: _pair(_currency(v)))
    currency = currency.fill_null(ctx.currency)  # a plain amount names none
    strs["currency"] = currency
    today = ctx.today
    order = ctx.date_order
    since_days, _ = mapped("days_past_due", lambda v: _pair(
        (today - timedelta(days=f.parse_days_past_due(v))).isoformat()))
    due, _ = mapped("due_date", lambda v: _pair(f.parse_date(v, order).isoformat()))
    since = since_days.fill_null(due)
    due = due.fill_null(since_days)
    strs["past_due_since"], strs["due_date"] = since.fill_null("None"), due.fill_null("None")
    work_start, strs["work_start"] = mapped("work_start", _work_start)
    paydays, strs["paydays"] = mapped("payday", _paydays)
    if "payday" in present:
        strs["paydays"] = pl.select(
            pl.when(get("payday") == "").then(pl.lit("()")).otherwise(strs["paydays"])
        ).to_series()
    else:
        strs["paydays"] = pl.Series(["()"] * n)
    listed_zone, strs["listed_timezone"] = mapped("timezone",
                                                  lambda v: _pair(f.parse_timezone(v)))
    listed_country, strs["listed_country"] = mapped("country",
                                                    lambda v: _pair(f.parse_country(v)))
    collector, strs["listed_collector"] = mapped("assigned_to", _collector)
    if ctx.assign_to:
        assigned = pl.Series([ctx.assign_to] * n)
        strs["assigned_to"] = assigned
    else:
        assigned, strs["assigned_to"] = collector, strs["listed_collector"]
    risk, strs["risk"] = mapped("risk", lambda v: _pair(f.parse_risk(v)))
    last_paid, strs["last_payment_on"] = mapped(
        "last_payment_date", lambda v: _pair(f.parse_date(v, order).isoformat()))
    if "notes" in present:
        notes = pl.select(pl.when(get("notes") == "").then(None).otherwise(get("notes"))
                          ).to_series()
    else:
        notes = empty
    strs["notes"] = notes.fill_null("None")

    # The phones, column by column in the row-wise parser's order.
    rules = _phone_rules(ctx.phone_region.upper())
    assert rules is not None  # reads() said so
    country, general, types, idd, place = rules
    numbers, valids, parts, labels = [], [], [], []
    debtor = pl.Series([0] * n, dtype=pl.Int32)
    for index, label in columns.phones:
        cell = get(f"phone{index}")
        digits = cell.str.replace_all("[^0-9]", "")
        national = digits.str.slice(1)
        fast = (cell.str.contains(_PLAIN_PHONE) & digits.str.starts_with("0")
                & national.str.len_chars().is_between(2, 17)
                & ~national.str.starts_with("0"))
        if idd is not None:
            fast = fast & ~digits.str.contains(idd)
        # phonenumbers keeps the trunk 0 here (its pattern alone, as fields._fast_phone)
        fast = fast & ~(digits.str.contains(general[1]) & ~national.str.contains(general[1]))
        typed = pl.Series([False] * n)
        for t in types:
            typed = typed | _matches(national, t)
        valid = _matches(national, general) & typed
        number = pl.select(pl.when(valid).then(f"+{country}" + national).otherwise(digits)
                           ).to_series()
        given = cell != ""
        odd = odd | (given & ~fast.fill_null(False))
        number = pl.select(pl.when(given).then(number)).to_series()
        numbers.append(number)
        valids.append(valid & given)
        labels.append(label)
        parts.append(pl.select(pl.when(given).then(
            number + f"|{label}|" + pl.when(valid).then(pl.lit("True")).otherwise(
                pl.lit("False")) + "|None")).to_series())
        if phone_role(label) in (z.DEBTOR, z.WORKPLACE):
            debtor = debtor + (valid & given).cast(pl.Int32)
    for a in range(len(numbers)):  # a number twice in a row: the row-wise parser drops one
        for b in range(a):
            odd = odd | (numbers[a] == numbers[b]).fill_null(False)

    names, _read_fields = _fingerprint_fields(ctx.listed)
    fields = [name for group in sorted(ctx.listed) for name in _group_fields(group)]
    pieces = [account_id, pl.Series([names] * n), *(strs[name] for name in fields), *parts]
    fingerprint_text = pl.select(pl.concat_str(
        [pl.lit(p) for p in pieces], separator="\x1f", ignore_nulls=True)).to_series()

    simple = (~odd.fill_null(True)).to_list()
    sha1 = hashlib.sha1
    digests = [sha1(text.encode("utf-8", "surrogateescape")).hexdigest() if ok else None
               for text, ok in zip(fingerprint_text.to_list(), simple, strict=True)]
    raws = []
    for (_line, cells), ok in zip(rows, simple, strict=True):
        if ok:
            raw = prefix.copy()
            raw.update("\x1f".join(cells).encode("utf-8", "surrogateescape"))
            raws.append(raw.hexdigest())
        else:
            raws.append(None)
    located: dict[tuple, tuple] = {}
    zone_of, places = [], []
    for key in zip(listed_zone.to_list(), listed_country.to_list(), debtor.to_list(),
                   strict=True):
        found = located.get(key)
        if found is None:
            where = z._located(key[0], key[1], (place,) * key[2], ctx.timezone)
            found = located[key] = (where.zones[0], ((where.zones, where.countries),
                                                     where.source in FROM_PHONE))
        zone_of.append(found[0])
        places.append(found[1])

    # Built here, not by polars: a value that repeats is one object (so a chunk pickles
    # it once), a constant is never a column.
    def shared(series: pl.Series) -> list:
        seen: dict = {}
        return [seen.setdefault(v, v) for v in series.to_list()]

    nothing = repeat(None)
    values = list(zip(
        account_id.to_list(), texts["name"].to_list(), minor.to_list(), shared(currency),
        shared(since), shared(due), shared(work_start), shared(paydays), zone_of,
        shared(assigned), shared(risk), notes.to_list(), repeat(ctx.today.isoformat()),
        digests, repeat(batch_id), repeat(stamp), repeat(stamp), raws, shared(listed_zone),
        shared(listed_country), nothing, nothing, nothing, nothing, shared(last_paid),
        nothing, nothing, texts["employer"].to_list(), texts["mailing_address"].to_list(),
        texts["registered_address"].to_list(), texts["occupation"].to_list(), nothing,
        shared(collector), repeat("lead" if ctx.assign_to else "list")))

    region, zones = place
    zones_text = " ".join(zones)
    phone_rows: list[list[tuple]] = [[] for _ in range(n)]
    ids = account_id.to_list()
    for number, valid, label in zip(numbers, valids, labels, strict=True):
        for i, (num, ok) in enumerate(zip(number.to_list(), valid.to_list(), strict=True)):
            if num is not None and simple[i]:
                its = phone_rows[i]
                its.append((ids[i], num, label, 1, None, len(its), "import", stamp, region,
                            zones_text) if ok else
                           (ids[i], num, label, 0, None, len(its), "import", stamp, None, ""))
    return simple, values, phone_rows, places


def _group_fields(group: str) -> tuple[str, ...]:
    from collectctl.core.accounts import LISTED_FIELDS

    return tuple(name for name in LISTED_FIELDS[group] if name != "as_of")


def _pair(value: str) -> list[str]:
    return [value, value]


def _work_start(text: str) -> list[str]:
    start = f.parse_work_start(text)
    return [start.strftime("%H:%M"), str(start)]


def _paydays(text: str) -> list[str | None]:
    days = f.parse_paydays(text)
    return [paydays_to_text(days), str(days)]


def _collector(text: str) -> list[str | None]:
    name = f.normalize_text(text) or None
    return [name, str(name)]
