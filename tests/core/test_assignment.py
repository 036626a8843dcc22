"""Who has an account after a newer list (``core.accounts.assignment_after``), and the
changes of collector ``show`` lists (``assignment_changes``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.accounts import assignment_after, assignment_changes, merge_listed
from collectctl.core.models import Account

DAY = date(2026, 12, 1)


def _account(assigned_to, by="list", listed=None, amount="100") -> Account:
    return Account("A-1", Decimal(amount), "TWD", "Asia/Taipei", DAY, assigned_to=assigned_to,
                   assigned_by=by, listed_collector=listed)


def test_the_list_applies_over_its_own_earlier_word():
    before = _account("dave", "list", "dave")
    assert assignment_after(before, _account("frank", listed="frank"), True) == {
        "assigned_to": "frank", "assigned_by": "list", "listed_collector": "frank"}


def test_a_lead_assignment_stands_while_the_list_says_what_it_said():
    before = _account("erin", "lead", "dave")
    assert assignment_after(before, _account("dave", listed="dave"), True) == {
        "assigned_to": "erin", "assigned_by": "lead", "listed_collector": "dave"}


def test_a_blank_collector_cell_leaves_the_lead_assignment():
    before = _account("erin", "lead", "dave")
    assert assignment_after(before, _account(None, listed=None), True) == {
        "assigned_to": "erin", "assigned_by": "lead", "listed_collector": "dave"}


def test_a_blank_cell_unassigns_an_account_its_list_assigned():
    before = _account("dave", "list", "dave")
    assert assignment_after(before, _account(None, listed=None), True)["assigned_to"] is None


def test_the_bank_reassigning_overrides_the_lead():
    before = _account("erin", "lead", "dave")
    assert assignment_after(before, _account("frank", listed="frank"), True)[
        "assigned_to"] == "frank"


def test_assign_to_on_import_is_the_leads_and_keeps_what_the_list_named():
    before = _account("erin", "lead", "dave")
    flag = _account("gina", "lead", None)
    assert assignment_after(before, flag, False) == {
        "assigned_to": "gina", "assigned_by": "lead", "listed_collector": "dave"}


def test_merge_keeps_the_lead_and_takes_the_new_balance():
    before = _account("erin", "lead", "dave", amount="100")
    listed = _account("dave", listed="dave", amount="90")
    merged = merge_listed(before, listed, frozenset({"amount", "assigned_to",
                                                     "listed_collector"}))
    assert (merged.amount_due, merged.assigned_to, merged.assigned_by) == (
        Decimal("90.00"), "erin", "lead")


names = st.sampled_from(["dave", "erin", "frank", None])


@given(lead=names, listed_before=names, listed_now=names)
def test_only_a_change_in_the_list_moves_a_lead_assignment(lead, listed_before, listed_now):
    before = _account(lead, "lead", listed_before)
    after = assignment_after(before, _account(listed_now, listed=listed_now), True)
    if listed_now in (listed_before, None):
        assert (after["assigned_to"], after["assigned_by"]) == (lead, "lead")
        assert after["listed_collector"] == (listed_now or listed_before)
    else:
        assert (after["assigned_to"], after["assigned_by"]) == (listed_now, "list")
        assert after["listed_collector"] == listed_now


def test_changes_are_the_versions_where_the_collector_differs():
    versions = [("2026-12-01T02:00:00+00:00", None, "dave", "list"),
                ("2026-12-02T02:00:00+00:00", "day2.csv", "erin", "lead"),
                ("2026-12-03T02:00:00+00:00", "day3.csv", "erin", "lead"),
                (None, None, "frank", "list")]
    changes = assignment_changes(versions)
    assert [(c.at, c.collector, c.by, c.file) for c in changes] == [
        ("2026-12-01T02:00:00+00:00", "erin", "lead", None),
        ("2026-12-03T02:00:00+00:00", "frank", "list", "day3.csv")]
