import pytest

from collectctl.errors import InputFileError
from collectctl.ingest.headers import HeaderMatcher
from collectctl.ingest.reader import detect_encoding, open_table, sniff_delimiter

ZH_HEADER = "帳號,客戶姓名,逾期金額,手機,備註\n"
ZH_ROWS = (
    "TW-1,王小明,NT$12,345,0912-345-678,請於週五聯絡\n"
    "TW-2,林美玲,8800,0922333444,已承諾還款\n"
)
score = HeaderMatcher().score


def read_all(path, encoding=None):
    with open_table(path, score, encoding) as table:
        rows = list(table.records())
        return table, rows


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp950", "cp950"),
     ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_chinese_file_encodings_are_detected(make_csv, encoding, expected):
    text = ZH_HEADER + ZH_ROWS
    if encoding == "gb18030":
        text = text.replace("帳號", "账号").replace("客戶姓名", "客户姓名").replace(
            "逾期金額", "逾期金额").replace("備註", "备注")
    path = make_csv("zh.csv", text.replace(",NT$12,345,", ',"NT$12,345",'), encoding)
    table, rows = read_all(path)
    assert table.encoding == expected
    assert rows[0][1][1] == "王小明"
    assert rows[1][1][4] == "已承諾還款"


def test_big5_is_not_mistaken_for_gb18030():
    sample = (ZH_HEADER + ZH_ROWS).encode("cp950")
    assert detect_encoding(sample, score) == "cp950"


def test_gb18030_is_not_mistaken_for_big5():
    sample = "账号,客户姓名,逾期金额\nCN-1,张伟,5000\n".encode("gb18030")
    # GB text header 逾期金额 is unknown in Traditional aliases; add a Simplified alias
    matcher = HeaderMatcher({"account_id": ["账号"], "amount_due": ["逾期金额"]})
    assert detect_encoding(sample, matcher.score) == "gb18030"


def test_forced_encoding_wins(make_csv):
    path = make_csv("zh.csv", ZH_HEADER + ZH_ROWS.replace("NT$12,345", "12345"), "cp950")
    table, rows = read_all(path, encoding="big5")
    assert table.encoding == "cp950"
    assert rows[0][1][1] == "王小明"


def test_unknown_forced_encoding_is_an_error(make_csv):
    path = make_csv("a.csv", "account,amount\nA,1\n")
    with pytest.raises(InputFileError, match="unknown encoding 'klingon'"):
        read_all(path, encoding="klingon")


@pytest.mark.parametrize(("text", "expected"), [
    ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1;2,5;3\n", ";"), ("a\tb\tc\n", "\t"), ("single\n", ","),
])
def test_delimiter_sniffing(text, expected):
    assert sniff_delimiter(text) == expected


def test_semicolon_and_tab_files_are_read(make_csv):
    for name, delimiter in (("s.csv", ";"), ("t.tsv", "\t")):
        path = make_csv(name, delimiter.join(["account", "amount"]) + "\nA1" + delimiter + "5,50\n")
        table, rows = read_all(path)
        assert table.delimiter == delimiter
        assert rows == [(2, ["A1", "5,50"])]


def test_line_numbers_count_physical_lines_and_skip_blank_rows(make_csv):
    path = make_csv("l.csv", 'account,notes\nA1,"two\nlines"\n\n,\nA2,x\r\n')
    _table, rows = read_all(path)
    assert [(line, cells[0]) for line, cells in rows] == [(2, "A1"), (6, "A2")]


def test_undecodable_bytes_stay_in_their_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"account,name\nA1,ok\nA2,\xff\xfe\xfa broken\nA3,fine\n")
    table, rows = read_all(path, encoding="utf-8")
    assert [cells[0] for _line, cells in rows] == ["A1", "A2", "A3"]
    assert any("\udcff" in cell for cell in rows[1][1])


def test_sha256_covers_the_whole_file(make_csv):
    import hashlib

    path = make_csv("h.csv", "account,amount\n" + "".join(f"A{i},{i}\n" for i in range(1, 20000)))
    with open_table(path, score) as table:
        for _ in table.records():
            pass
        assert table.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.csv", None, "no such file"),
    ("empty.csv", "", "empty"),
    ("blank.csv", "\n\n", "empty"),
])
def test_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputFileError, match=message):
        read_all(path)


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(InputFileError, match="directory"):
        read_all(tmp_path)
