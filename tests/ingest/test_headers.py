import pytest

from collectctl.errors import InputFileError
from collectctl.ingest.headers import HeaderMatcher, header_key, load_mapping


@pytest.mark.parametrize(("header", "field"), [
    ("Account No", "account_id"), ("ACCOUNT_ID", "account_id"), ("acct-no", "account_id"),
    ("帳號", "account_id"), ("卡號", "account_id"), ("客戶編號", "account_id"),
    ("Debtor Name", "name"), ("客戶姓名", "name"), ("債務人", "name"),
    ("Outstanding", "amount_due"), ("逾期金額", "amount_due"), ("應繳金額", "amount_due"),
    ("DPD", "days_past_due"), ("逾期天數", "days_past_due"), ("到期日", "due_date"),
    ("Cell", "mobile"), ("行動電話", "mobile"), ("住家電話", "home_phone"),
    ("公司電話", "work_phone"), ("電話", "phone"), ("上班時間", "work_start"),
    ("發薪日", "payday"), ("Time Zone", "timezone"), ("催收員", "assigned_to"),
    ("風險等級", "risk"), ("備註", "notes"), ("ＡＣＣＯＵＮＴ", "account_id"),
])
def test_builtin_aliases(header, field):
    assert HeaderMatcher().field_of(header) == field


def test_header_key_ignores_case_spaces_underscores_dashes():
    assert header_key(" Account_No- ") == header_key("accountno")


def test_resolve_keeps_every_phone_column_with_its_label():
    columns = HeaderMatcher().resolve(
        ["帳號", "金額", "手機", "住家電話", "公司電話", "電話", "Other"], "f.csv")
    assert columns.columns == {"account_id": 0, "amount_due": 1}
    assert columns.phones == ((2, "mobile"), (3, "home"), (4, "work"), (5, "phone"))
    assert columns.ignored == ("Other",)


def test_the_more_specific_alias_wins_when_two_columns_match():
    columns = HeaderMatcher().resolve(["account", "balance", "amount_due"], "f.csv")
    assert columns.columns["amount_due"] == 2
    assert columns.ignored == ("balance",)


def test_missing_required_column_names_the_columns_found():
    with pytest.raises(InputFileError) as error:
        HeaderMatcher().resolve(["Cust Ref", "Name", "Total"], "export.csv")
    message = str(error.value)
    assert "export.csv" in message and "account id, amount due" in message
    assert "'Cust Ref', 'Name', 'Total'" in message


def test_config_aliases_and_mapping_extend_the_builtins(tmp_path):
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text("Cust Ref: account_id\nTotal: amount_due\nName: notes\n")
    matcher = HeaderMatcher({"mobile": ["Handy"]}, load_mapping(mapping_file))
    columns = matcher.resolve(["Cust Ref", "Total", "Name", "Handy"], "f.csv")
    assert columns.columns == {"account_id": 0, "amount_due": 1, "notes": 2}
    assert columns.phones == ((3, "mobile"),)


@pytest.mark.parametrize(("text", "message"), [
    ("Cust Ref: acount_id\n", "'acount_id' is not a field"),
    ("- a\n- b\n", "must be 'header: field'"),
    ("a: [b\n", "not valid YAML"),
])
def test_bad_mapping_files(tmp_path, text, message):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(Exception, match=message) as error:
        load_mapping(path)
    assert str(path) in str(error.value)


def test_numbered_contact_headers_group_by_their_number():
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(
        ["帳號", "金額", "聯絡人姓名", "聯絡人電話", "聯絡人2姓名", "聯絡人2關係", "聯絡人2電話",
         "Contact 3 name", "contact phone 3", "緊急聯絡人", "緊急聯絡人電話"], "x.csv")
    assert columns.contacts == (
        ("reference", 1, "name", 2), ("reference", 1, "phone", 3),
        ("reference", 2, "name", 4), ("reference", 2, "relation", 5),
        ("reference", 2, "phone", 6), ("reference", 3, "name", 7),
        ("reference", 3, "phone", 8), ("emergency", 1, "name", 9),
        ("emergency", 1, "phone", 10))
    # Every contact phone is a phone column too (a third party's, never dialled).
    assert columns.phones == ((3, "reference"), (6, "reference"), (8, "reference"),
                              (10, "emergency"))
    assert columns.ignored == ()


def test_a_number_does_not_make_other_headers_match():
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(["帳號", "金額", "金額2", "phone2"], "x.csv")
    assert columns.ignored == ("金額2", "phone2")


def test_fee_columns_are_added_up():
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(["帳號", "金額", "違約金", "手續費"], "x.csv")
    assert columns.summed == {"fees": (2, 3)}
    assert columns.columns["fees"] == 2


def test_a_plain_phone_right_after_a_contact_person_is_theirs():
    """緊急聯絡人, 關係, 電話: the 電話 is the emergency contact's, never the debtor's."""
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(["帳號", "金額", "手機", "緊急聯絡人", "關係", "電話"],
                                      "x.csv")
    assert columns.phones == ((2, "mobile"), (5, "emergency"))
    assert columns.contacts == (("emergency", 1, "name", 3), ("emergency", 1, "relation", 4),
                                ("emergency", 1, "phone", 5))


def test_a_plain_phone_elsewhere_is_the_debtors():
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(["帳號", "電話", "金額", "聯絡人姓名", "聯絡人電話", "電話"],
                                      "x.csv")
    # The first 電話 is the debtor's; the last follows a contact who has a phone already.
    assert columns.phones == ((1, "phone"), (4, "reference"), (5, "phone"))


def test_generic_english_headers_that_mean_other_things_are_not_taken():
    from collectctl.ingest.headers import HeaderMatcher

    columns = HeaderMatcher().resolve(
        ["account", "amount", "Interest", "Limit", "Company", "Last Payment", "Job"], "x.csv")
    assert set(columns.columns) == {"account_id", "amount_due"}
