"""What a bank's list says besides the amount due (issue 20): the debt itemised and the
minimum due, the debtor's background and contact persons, shown before dialling and masked
by ``--redact``; and a team lead's assignment, which the next list does not undo unless the
bank itself moves the account."""

from __future__ import annotations

import json

import pytest

#: A bank's export with Chinese headers: two fee columns (added up), a numbered second
#: contact person and an emergency contact in English headers.
ZH_HEADER = ("帳號,姓名,逾期金額,本金,利息,違約金,手續費,最低應繳金額,最後繳款日,最後繳款金額,"
             "信用額度,服務單位,職業,通訊地址,戶籍地址,聯絡人姓名,聯絡人關係,聯絡人電話,"
             "聯絡人2姓名,聯絡人2電話,Emergency contact name,Emergency contact relation,"
             "Emergency contact phone,手機,催收員\n")
ZH_ROW = ("TW-1,王小明,\"12,000\",9000,1500,300,200,\"1,200\",115/11/05,2000,50000,台積電,"
          "工程師,台北市信義路1號,新北市板橋區2號,陳大同,父,0912-345-678,林美,0922333444,"
          "Amy Wang,sister,0955666777,0933-111-222,dave\n")


def _account(cli, account_id: str) -> dict:
    _result, data = cli.json("show", account_id)
    return data


def test_itemised_debt_background_and_contacts_read_from_chinese_headers(cli, make_csv):
    path = make_csv("bank.csv", ZH_HEADER + ZH_ROW)
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 0 and summary["inserted"] == 1, result.stdout
    data = _account(cli, "TW-1")
    assert data["arrears"] == {"principal": "9000.00", "interest": "1500.00",
                               "fees": "500.00"}
    assert data["minimum_due"] == "1200.00"
    assert data["last_payment"] == {"date": "2026-11-05", "amount": "2000.00"}
    assert data["credit_limit"] == "50000.00"
    assert (data["employer"], data["occupation"]) == ("台積電", "工程師")
    assert data["mailing_address"] == "台北市信義路1號"
    assert data["registered_address"] == "新北市板橋區2號"
    assert data["contacts"] == [
        {"name": "陳大同", "relation": "父", "phone": "+886912345678", "kind": "reference"},
        {"name": "林美", "relation": None, "phone": "+886922333444", "kind": "reference"},
        {"name": "Amy Wang", "relation": "sister", "phone": "+886955666777",
         "kind": "emergency"},
    ]
    # The contacts' numbers are third parties': never the one the plan dials.
    roles = {p["number"]: p["role"] for p in data["phones"]}
    assert roles == {"+886912345678": "third_party", "+886922333444": "third_party",
                     "+886955666777": "third_party", "+886933111222": "debtor"}
    _result, plan = cli.json("plan", "--collector", "dave")
    assert [c["phone"] for c in plan["calls"]] == ["+886933111222"]


def test_a_list_without_the_columns_has_them_null(cli, example_csv):
    cli("import", "accounts", example_csv)
    data = _account(cli, "TW-100001")
    assert data["arrears"] == {"principal": None, "interest": None, "fees": None}
    assert data["minimum_due"] is None and data["credit_limit"] is None
    assert data["last_payment"] == {"date": None, "amount": None}
    assert data["contacts"] == [] and data["employer"] is None


def test_parts_adding_up_to_more_than_the_amount_due_refuse_the_row(cli, make_csv):
    path = make_csv("over.csv", "account_id,amount_due,principal,interest due,fees\n"
                                "A-1,1000,800,100,100\n"  # exactly the amount: fine
                                "A-2,1000,800,150,100\n"  # more: refused
                                "A-3,1000,500,0,\n")  # less (other charges) and a zero
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 1
    assert [(r["line"], r["account_id"], r["reason"]) for r in summary["rejected"]] == [
        (3, "A-2", "parts_exceed_amount")]
    assert summary["rejected"][0]["text"] == (
        "amount_due: principal, interest and fees add up to more than the amount due")
    assert _account(cli, "A-3")["arrears"] == {"principal": "500.00", "interest": "0.00",
                                               "fees": None}


def test_a_part_in_another_currency_refuses_the_row(cli, make_csv):
    path = make_csv("ccy.csv", "account_id,amount_due,currency,利息\nA-1,1000,TWD,US$10\n")
    result, summary = cli.json("import", "accounts", path)
    assert summary["rejected"][0]["reason"] == "several_currencies"
    assert summary["rejected"][0]["column"] == "利息"


def test_show_puts_the_amount_to_confirm_first(cli, make_csv):
    cli("import", "accounts", make_csv("bank.csv", ZH_HEADER + ZH_ROW))
    lines = [" ".join(line.split()) for line in cli("show", "TW-1").stdout.splitlines()]
    assert lines[1:7] == [
        "Debtor 王小明",
        "Amount due 12,000.00 TWD",
        "Minimum due 1,200.00 TWD",
        "Itemised principal 9,000.00 TWD · interest 1,500.00 TWD · fees 500.00 TWD",
        "Last payment 2,000.00 TWD on 2026-11-05",
        "Credit limit 50,000.00 TWD",
    ]
    assert "Employer 台積電" in lines and "Registered address 新北市板橋區2號" in lines
    text = cli("show", "TW-1").stdout
    contacts = text.split("Contact persons (third parties: never dialled by the plan)\n")[1]
    assert contacts.splitlines()[:3] == [
        "  陳大同 (父)  0912 345 678", "  林美  0922 333 444",
        "  Amy Wang (sister)  0955 666 777  emergency contact"]


def test_next_shows_the_breakdown_in_the_brief(cli, make_csv):
    cli("import", "accounts", make_csv("bank.csv", ZH_HEADER + ZH_ROW))
    text = cli("next", "--collector", "dave").stdout
    assert "1,200.00 TWD" in text.split("Minimum due")[1].splitlines()[0]
    assert "principal 9,000.00 TWD" in text
    assert "陳大同 (父)" in text


PERSONAL = ("王小明", "台積電", "工程師", "信義路", "板橋區", "陳大同", "林美", "Amy Wang",
            "912345678", "922333444", "955666777", "933111222", "sister")


@pytest.mark.parametrize("command", [("show", "TW-1"), ("next", "--collector", "dave")])
def test_redact_masks_the_debtor_and_the_people_around_them(cli, make_csv, command):
    cli("import", "accounts", make_csv("bank.csv", ZH_HEADER + ZH_ROW))
    for fmt in ("text", "json"):
        result = cli(*command, "--redact", "--format", fmt)
        assert result.exit_code == 0, result.stdout
        # Numbers are written as dialled (0912 345 678): read without the spaces too.
        bare = "".join(result.stdout.split())
        leaked = [word for word in PERSONAL if word in result.stdout or word in bare]
        assert leaked == [], (fmt, leaked)
        # The money to confirm stays.
        assert "1200.00" in result.stdout or "1,200.00" in result.stdout


def test_reports_never_carry_background_or_contacts(cli, make_csv):
    cli("import", "accounts", make_csv("bank.csv", ZH_HEADER + ZH_ROW))
    cli("log", "TW-1", "ptp", "--amount", "1000", "--date", "2026-12-10", "--collector", "dave")
    for fmt in ("text", "json", "markdown", "csv", "html"):
        out = cli("report", "--format", fmt).stdout
        assert not any(word in out for word in PERSONAL[1:8]), fmt


def test_a_newer_list_without_the_columns_keeps_them(cli, make_csv):
    cli("import", "accounts", make_csv("bank.csv", ZH_HEADER + ZH_ROW))
    cli("import", "accounts", make_csv("plain.csv", "帳號,逾期金額\nTW-1,11000\n"))
    data = _account(cli, "TW-1")
    assert data["amount_due"] == "11000.00"
    assert data["minimum_due"] == "1200.00" and data["employer"] == "台積電"
    assert len(data["contacts"]) == 3


# -- who owns an assignment ------------------------------------------------------------

LIST_HEADER = "account_id,amount_due,collector,mobile\n"


def _lists(make_csv):
    first = make_csv("day1.csv", LIST_HEADER + "A-1,1000,dave,0912000001\n"
                                                "A-2,2000,dave,0912000002\n"
                                                "A-3,3000,dave,0912000003\n")
    # Balances changed on two accounts; the bank still names dave.
    second = make_csv("day2.csv", LIST_HEADER + "A-1,900,dave,0912000001\n"
                                                 "A-2,1900,dave,0912000002\n"
                                                 "A-3,3000,dave,0912000003\n")
    # The bank itself moves A-1 to frank.
    third = make_csv("day3.csv", LIST_HEADER + "A-1,900,frank,0912000001\n"
                                                "A-2,1800,dave,0912000002\n"
                                                "A-3,3000,dave,0912000003\n")
    return first, second, third


def _owners(cli) -> dict:
    _result, accounts = cli.json("accounts")
    return {a["account_id"]: (a["assigned_to"], a["assigned_by"]) for a in accounts}


def test_a_lead_assignment_stands_until_the_bank_reassigns(cli, make_csv):
    first, second, third = _lists(make_csv)
    cli("import", "accounts", first)
    assert cli("assign", "--to", "erin", "--from", "dave").exit_code == 0
    assert _owners(cli) == {a: ("erin", "lead") for a in ("A-1", "A-2", "A-3")}

    # The same list again, and one whose balances changed: erin keeps all three.
    for path in (first, second):
        result, summary = cli.json("import", "accounts", path)
        assert result.exit_code == 0
        assert summary["kept_assignment"] == 3, summary
        assert _owners(cli) == {a: ("erin", "lead") for a in ("A-1", "A-2", "A-3")}

    # The bank moves A-1 to frank: the bank's change applies to it alone.
    result, summary = cli.json("import", "accounts", third)
    assert summary["kept_assignment"] == 2
    assert _owners(cli) == {"A-1": ("frank", "list"), "A-2": ("erin", "lead"),
                            "A-3": ("erin", "lead")}
    text = cli("import", "accounts", third).stdout
    assert "2 accounts kept the team lead's assignment" in text

    # show says which happened.
    _result, a1 = cli.json("show", "A-1")
    assert [(c["collector"], c["by"], c["file"]) for c in a1["assignments"]] == [
        ("erin", "lead", None), ("frank", "list", "day3.csv")]
    shown = cli("show", "A-2").stdout
    assert "erin (assigned in collectctl; the list names dave)" in shown
    assert "erin  assigned in collectctl" in shown


def test_the_lists_collector_applies_on_first_import_and_when_nobody_reassigned(cli, make_csv):
    first, second, third = _lists(make_csv)
    cli("import", "accounts", first)
    assert _owners(cli) == {a: ("dave", "list") for a in ("A-1", "A-2", "A-3")}
    cli("import", "accounts", second)
    _result, summary = cli.json("import", "accounts", third)
    assert summary["kept_assignment"] == 0
    assert _owners(cli)["A-1"] == ("frank", "list")


def test_import_assign_to_is_a_lead_choice(cli, make_csv):
    first, second, third = _lists(make_csv)
    cli("import", "accounts", first, "--assign-to", "gina")
    assert _owners(cli)["A-1"] == ("gina", "lead")
    # The list still names dave, as the one imported with --assign-to did: gina keeps them.
    _result, summary = cli.json("import", "accounts", second)
    assert _owners(cli) == {a: ("gina", "lead") for a in ("A-1", "A-2", "A-3")}
    assert summary["kept_assignment"] == 3
    _result, summary = cli.json("import", "accounts", third)
    assert _owners(cli)["A-1"] == ("frank", "list")


def test_history_of_assignment_on_the_server_needs_no_history_grant(cli, make_csv):
    """The dossier's changes come from accounts' history; the JSON always has the key."""
    first, _second, _third = _lists(make_csv)
    cli("import", "accounts", first)
    _result, data = cli.json("show", "A-1")
    assert data["assignments"] == []
    assert json.dumps(data)  # serialisable


def test_a_dash_is_a_zero_part_as_spreadsheets_write_it(cli, make_csv):
    path = make_csv("dash.csv", "帳號,逾期金額,本金,利息,違約金\nA-1,1000,900, - ,–\n")
    result, summary = cli.json("import", "accounts", path)
    assert summary["rejected"] == [], summary
    assert _account(cli, "A-1")["arrears"] == {"principal": "900.00", "interest": "0.00",
                                               "fees": "0.00"}


def test_an_emergency_contacts_plain_phone_column_is_never_dialled(cli, make_csv):
    path = make_csv("block.csv", "帳號,逾期金額,手機,緊急聯絡人,關係,電話,催收員\n"
                                 "A-1,1000,0912000001,王大同,父,0912000009,dave\n")
    cli("import", "accounts", path)
    data = _account(cli, "A-1")
    assert data["contacts"] == [{"name": "王大同", "relation": "父", "phone": "+886912000009",
                                 "kind": "emergency"}]
    _result, plan = cli.json("plan", "--collector", "dave")
    assert [c["phone"] for c in plan["calls"]] == ["+886912000001"]


def test_a_blank_collector_cell_keeps_the_lead_assignment(cli, make_csv):
    first, _second, _third = _lists(make_csv)
    cli("import", "accounts", first)
    cli("assign", "--to", "erin", "--from", "dave")
    blank = make_csv("blank.csv", LIST_HEADER + "A-1,900,,0912000001\n")
    cli("import", "accounts", blank)
    assert _owners(cli)["A-1"] == ("erin", "lead")
