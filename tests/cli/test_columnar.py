"""A first load read by columns (``app.columnar``, the ``[fast]`` extra) gives what the
row-wise parser gives, tuple for tuple: held to it on random chunks of every cell shape,
whole imports of messy and bundled lists, and files it must leave to the row-wise path.
Nothing but an import loads polars."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("polars")

from collectctl.app import columnar  # noqa: E402
from collectctl.app import imports as importer  # noqa: E402
from collectctl.ingest.accounts import RowContext, listed_groups  # noqa: E402
from collectctl.ingest.headers import ACCOUNTS, HeaderMatcher  # noqa: E402

# What each column's cells may be: the shapes the columnar path computes itself, shapes
# it must leave to the row-wise parser, and refusals.
SHAPES = {
    "account_id": ["TW-1", "TW-2", "A 1", "ＴＷ-3", "", " TW-4 ", "TW-1\u3000", "x\x1fy"],
    "name": ["王小明", "John Roe", "張 三", "張  三", "", "ｼﾞｮﾝ", "Tab\tname", "王\u3000明",
             "\U00020000", "Ünal"],
    "amount_due": ["12,345.67", "8800", "99.5", "0", "0.00", "0.01", "1,234", "12,34",
                   "NT$8800", "abc", "", "9999999999999", "99999999999999", "0012.5",
                   "1.234,56", "-5", "1,234.567", "８８００"],
    "currency": ["TWD", "", "usd", "US$", "X"],
    "days_past_due": ["30", "", "45天", "x", "36501", "0"],
    "due_date": ["2026-06-18", "115/10/26", "", "2026-02-30", "01/05/2024", "soon"],
    "mobile": ["0912-345-678", "0912345678", "", "+886 912 345 678", "12345", "02-2345-6789",
               "(02) 2345-6789", "0912-345-678 分機 12", "0912345678;0922333444", "()",
               "0000", "0800-000-123", "00912345678", "0912-345-678/0912-345-678",
               "06 12 34 56 78", "01.23.45.67.89"],
    "home_phone": ["(02) 2345-6789", "", "0912-345-678", "02 2345 6789", "2345", "abc"],
    "work_phone": ["02-2345-6789", ""],
    "payday": ["25", "5,20", "", "last", "32", "每月5日"],
    "work_start": ["08:00", "9:30", "", "25:00", "下午1:30"],
    "timezone": ["Asia/Taipei", "", "asia/taipei", "Mars/Base", "America/New_York"],
    "country": ["TW", "", "US", "台灣", "XX"],
    "assigned_to": ["alice", "", "bob ", "Ｃarol", "c  d"],
    "risk": ["low", "", "高", "extreme"],
    "notes": ["", "call after 6", " x ", "王\x1f"],
    "employer": ["", "台積電", "ＡＢＣ"],
    "last_payment_date": ["", "2026-11-01", "no"],
}
OPTIONAL = [name for name in SHAPES if name not in ("account_id", "amount_due")]


def chunk_state(header: list[str], region: str, assign_to: str | None):
    matcher = HeaderMatcher({}, None, ACCOUNTS)
    columns = matcher.resolve(header, "t.csv")
    ctx = RowContext(phone_region=region, timezone="Asia/Taipei", currency="TWD",
                     date_order="YMD", today=date(2026, 12, 3), assign_to=assign_to,
                     listed=listed_groups(columns, assign_to))
    return columns, ctx, (columns, ctx, b"context\x1e", 7, "2026-12-03T01:00:00+00:00")


@st.composite
def chunks(draw):
    header = ["account_id", "amount_due", *draw(st.lists(st.sampled_from(OPTIONAL),
                                                         unique=True, max_size=9))]
    draw(st.randoms()).shuffle(header)
    cell = {name: st.one_of(st.sampled_from(SHAPES[name]),
                            st.text(alphabet="0123456789,.-/ ()TW王", max_size=8))
            for name in header}
    rows = []
    for line in range(2, 2 + draw(st.integers(0, 40))):
        cells = [draw(cell[name]) for name in header]
        if draw(st.integers(0, 9)) == 0:  # a short row: its last cells missing
            cells = cells[:draw(st.integers(1, len(cells)))]
        rows.append((line, cells))
    return header, rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks(), st.sampled_from(["TW", "FR"]), st.sampled_from([None, "zoe"]))
def test_a_chunk_read_by_columns_is_the_chunk_read_row_by_row(chunk, region, assign_to):
    header, rows = chunk
    columns, ctx, state = chunk_state(header, region, assign_to)
    assert columnar.reads(columns, ctx)
    assert columnar.load_chunk(state, rows) == importer._load_chunk(state, rows)


def test_the_simple_shapes_are_read_by_columns_not_handed_back():
    """The benchmark's shapes are computed vectorized: were they all handed to the row-wise
    parser, the comparison above would hold and the path would be worth nothing."""
    header = ["account_id", "name", "amount_due", "days_past_due", "due_date", "mobile",
              "home_phone", "payday", "work_start", "timezone", "assigned_to", "risk", "notes"]
    row = ["TW-1", "王小明", "64,169.60", "166", "115/10/26", "0929-504-766", "(02) 2840-9779",
           "25", "08:00", "Asia/Taipei", "c0000", "low", ""]
    rows = [(line, [f"TW-{line}", *row[1:]]) for line in range(2, 200)]
    rows += [(300, ["TW-300", "王小明", "NT$5", *row[3:]])]  # a symbol: row-wise
    columns, ctx, state = chunk_state(header, "TW", None)
    frame = columnar._frame(columns, rows)
    simple = columnar._read(frame, columns, ctx, rows, hashlib.sha1(b"x"), 7, "now")[0]
    assert simple == [True] * 198 + [False]
    assert columnar.load_chunk(state, rows) == importer._load_chunk(state, rows)


def test_every_cjk_ideograph_the_path_keeps_is_one_nfkc_keeps():
    kept = [chr(c) for c in range(0x4E00, 0xA000)]
    assert all(unicodedata.normalize("NFKC", ch) == ch for ch in kept)
    assert all(unicodedata.normalize("NFKC", chr(c)) == chr(c) for c in range(0x21, 0x7F))


def test_cells_are_stripped_of_what_python_strips():
    assert set(columnar._WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1)
                                         if chr(c).isspace()}


@pytest.mark.parametrize("header", [
    ["account_id", "amount_due", "principal"],  # parts of the debt
    ["account_id", "amount_due", "contact1_name", "contact1_phone"],  # contact persons
])
def test_a_file_with_other_columns_is_read_row_wise(header):
    columns, ctx, _state = chunk_state(header, "TW", None)
    assert not columnar.reads(columns, ctx)


def test_a_region_the_fast_path_cannot_read_is_read_row_wise():
    # +44 is shared by GB, GG, IM and JE; the US has many zones: the number must be read.
    for region in ("GB", "US"):
        columns, ctx, _state = chunk_state(["account_id", "amount_due"], region, None)
        assert not columnar.reads(columns, ctx)


def test_whether_an_import_reads_by_columns(monkeypatch):
    columns, ctx, _state = chunk_state(["account_id", "amount_due", "mobile"], "TW", None)
    monkeypatch.delenv(importer.COLUMNAR_ENV, raising=False)
    assert importer._reads_by_columns(columns, ctx, big=True)
    assert not importer._reads_by_columns(columns, ctx, big=False)  # not worth loading polars
    monkeypatch.setenv(importer.COLUMNAR_ENV, "1")
    assert importer._reads_by_columns(columns, ctx, big=False)
    monkeypatch.setenv(importer.COLUMNAR_ENV, "0")
    assert not importer._reads_by_columns(columns, ctx, big=True)


@pytest.mark.sqlite_only("compares SQLite files")
@pytest.mark.parametrize("example,workers", [
    ("messy", False), ("messy", True), ("examples/accounts.csv", False),
    ("examples/accounts_zh_big5.csv", True)])
def test_an_import_read_by_columns_writes_what_the_row_wise_path_writes(tmp_path, monkeypatch,
                                                                        example, workers):
    """The database, the summary and the rejects file of a first load read by columns, in
    small chunks, in this process or in worker processes, are those of the ordinary (not
    bulk) path."""
    from collectctl.storage.sqlite import SQLiteStore
    from tests.cli.test_first_load import _as_any_import, dump, messy_rows, run_import
    from tests.conftest import bundled

    if example == "messy":
        csv = tmp_path / "messy.csv"
        csv.write_text(messy_rows(1500), encoding="utf-8")
    else:
        csv = bundled(example)
    monkeypatch.setattr(importer, "COLUMNAR_CHUNK_ROWS", 400)
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0 if workers else 2**62)
    monkeypatch.setenv(importer.COLUMNAR_ENV, "1")
    read = []
    real = columnar._read

    def spy(*args):
        out = real(*args)
        read.extend(out[0])
        return out

    monkeypatch.setattr(columnar, "_read", spy)
    fast_db, fast, fast_rejects = run_import(tmp_path, "fast", csv)
    monkeypatch.setenv(importer.COLUMNAR_ENV, "0")
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "first_load", _as_any_import)
        m.setattr(SQLiteStore, "load_journal", _as_any_import)
        plain_db, plain, plain_rejects = run_import(tmp_path, "plain", csv)
    fast.pop("file"), plain.pop("file")
    assert fast == plain and fast_rejects == plain_rejects
    assert dump(fast_db) == dump(plain_db)
    if example == "messy":
        assert fast["rejected"] and fast["no_valid_phone"]
    if not workers:  # read here, by columns: some rows computed, others handed back
        assert any(read) and not all(read)


def test_only_an_import_loads_polars(tmp_path):
    """``log``, ``plan`` and ``--help`` start without polars (nor does a small import)."""
    db = tmp_path / "c.db"
    csv = tmp_path / "a.csv"
    csv.write_text("account_id,amount_due,mobile\nA,100,0912345678\n", encoding="utf-8")
    now = "2026-12-03T10:00:00+08:00"
    for argv in (["import", "accounts", str(csv)], ["log", "A", "na", "--collector", "al"],
                 ["plan", "--collector", "al"], ["--help"]):
        code = (
            "import sys\n"
            f"sys.argv = ['collectctl', '--db', {str(db)!r}, '--now', {now!r}, *{argv!r}]\n"
            "from collectctl.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('POLARS', 'polars' in sys.modules)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
        assert "POLARS False" in out, (argv, out)


def test_the_writer_of_a_load_read_by_columns_never_loads_polars(tmp_path):
    """The worker reads by columns; the writer only writes, without polars' memory."""
    db = tmp_path / "c.db"
    csv = tmp_path / "a.csv"
    csv.write_text("account_id,amount_due,mobile\n" + "".join(
        f"A{n},100,0912345{n % 1000:03d}\n" for n in range(3000)), encoding="utf-8")
    code = (
        "import sys\n"
        "import collectctl.app.imports as imports\n"
        "imports.PARALLEL_BYTES = 0\n"  # a big file: the worker reads by columns
        "from collectctl.app import workers\n"
        "used = []\n"
        "real = workers.Workers.__init__\n"
        "def spy(self, count, function, *rest):\n"
        "    used.append(function.__name__)\n"
        "    real(self, count, function, *rest)\n"
        "workers.Workers.__init__ = spy\n"
        f"sys.argv = ['collectctl', '--db', {str(db)!r}, 'import', 'accounts', {str(csv)!r}]\n"
        "from collectctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('USED', used, 'POLARS', 'polars' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "3,000 inserted" in out
    assert "USED ['_load_chunk_by_columns'] POLARS False" in out
