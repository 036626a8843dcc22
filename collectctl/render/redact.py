"""``--redact`` for an account's file (``show``, ``next``): the same file with what names
or reaches the debtor and the people around them masked, for a screen others can see or
a file that leaves the desk. Amounts, dates and outcomes stay: they are the work."""

from __future__ import annotations

from dataclasses import replace

#: What ``--redact`` shows for a name, and before a phone's last two digits: the same
#: whatever it hides, so neither initials nor lengths get through.
MASK = "***"


def mask_name(name: str | None) -> str:
    """``王小明`` → ``***``; ``John Roe`` → ``***`` (any name: no initial, no length)."""
    return MASK if name else ""


def mask_phone(number: str | None) -> str:
    """``+886912345678`` → ``***78``: the last two digits, enough to tell an account's
    numbers apart, and nothing of the country code, the area prefix or the length."""
    if not number:
        return ""
    return MASK + "".join(c for c in number if c.isdigit())[-2:]


def _masked(text: str | None) -> str | None:
    return MASK if text else text


def redact_dossier(dossier):
    """``dossier`` (an ``app.accounts.Dossier``) with the debtor's name, phones, notes,
    background (employer, occupation, addresses) and contact persons masked, and the
    phones and notes of its log entries."""
    a = dossier.account
    account = replace(
        a, name=mask_name(a.name) or None, notes=_masked(a.notes),
        phones=tuple(replace(p, number=mask_phone(p.number),
                             extension=_masked(p.extension)) for p in a.phones),
        employer=_masked(a.employer), occupation=_masked(a.occupation),
        mailing_address=_masked(a.mailing_address),
        registered_address=_masked(a.registered_address),
        contacts=tuple(replace(c, name=_masked(c.name), relation=_masked(c.relation),
                               phone=mask_phone(c.phone) or None) for c in a.contacts),
    )
    calls = tuple(replace(c, phone=mask_phone(c.phone) or None, note=_masked(c.note),
                          invalidated_phone=mask_phone(c.invalidated_phone) or None)
                  for c in dossier.calls)
    return replace(dossier, account=account, calls=calls)
