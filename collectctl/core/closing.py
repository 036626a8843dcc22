"""``import accounts --close-missing``'s guards (pure): when closing the accounts a list
leaves out is refused, so that a short or empty export never closes the portfolio."""

from __future__ import annotations

from collectctl.core import reasons as r
from collectctl.core.reasons import Reason


def close_missing_refusal(rows: int, closing: int, open_before: int, confirmed: bool,
                          collector: str | None = None, accepted: int | None = None
                          ) -> Reason | None:
    """Why closing the accounts a list leaves out is refused, if it is.

    ``rows``: the data rows the file held (a file with none would close every open
    account in scope: always refused); ``closing``: the accounts it would close, of the
    ``open_before`` open in its scope (all, or ``collector``'s) before the import. More
    than half needs ``confirmed`` (``--yes``); exactly half does not. ``accepted``: the
    rows not rejected; a file whose every row was rejected (a broken export) is refused
    like an empty one, ``--yes`` or not (a cron job that always passes it would close the
    portfolio).
    """
    if rows == 0:
        return Reason(r.NO_DATA_ROWS, collector=collector)
    if accepted == 0:
        return Reason(r.NO_ROWS_ACCEPTED, collector=collector)
    if not confirmed and closing * 2 > open_before:
        return Reason(r.CLOSE_NEEDS_YES, closing=closing, open=open_before, collector=collector)
    return None
