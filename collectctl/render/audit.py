"""The audit in each format: text (a line per violation, then a summary line), json, csv.

JSON and CSV carry the reason codes and their parameters, the same in every language,
with ``text`` saying them in English; the text view says them in the interface language.
Times are the collector's (the config's zone).
"""

from __future__ import annotations

import csv
import json
from zoneinfo import ZoneInfo

from collectctl.app.audit import Audit, Violation
from collectctl.i18n import _, ngettext
from collectctl.render import display
from collectctl.render.safe import json_text, terminal_text


def _detail(v: Violation) -> dict:
    from collectctl.render.jsonfmt import to_jsonable

    return {key: to_jsonable(value) for key, value in v.reason.detail.items()}


def violation_json(v: Violation, zone: ZoneInfo) -> dict:
    return {"call_id": v.call_id, "account_id": v.account_id, "collector": v.collector,
            "called_at": v.called_at.astimezone(zone).isoformat(), "rule": v.reason.code,
            "detail": _detail(v), "text": display.in_english(display.breach, v.reason)}


def audit_json(audit: Audit) -> str:
    zone = ZoneInfo(audit.zone)
    data = {"from": audit.first.isoformat(), "to": audit.last.isoformat(),
            "calls_checked": audit.calls_checked,
            "violations": [violation_json(v, zone) for v in audit.violations]}
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


CSV_HEADER = ("call_id", "account_id", "collector", "called_at", "rule", "detail", "text")


def audit_csv(audit: Audit, out) -> None:
    from collectctl.render.csvfmt import safe_cell

    zone = ZoneInfo(audit.zone)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for v in audit.violations:
        row = violation_json(v, zone)
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow([safe_cell(row[key]) for key in CSV_HEADER])


def _summary(audit: Audit) -> str:
    calls = audit.calls_checked
    if not audit.violations:
        return ngettext("no violations in {calls} call", "no violations in {calls} calls",
                        calls).format(calls=calls)
    breaking = len({v.call_id for v in audit.violations})
    return ngettext("{n} violation in {calls} calls checked ({broke} broke a rule)",
                    "{n} violations in {calls} calls checked ({broke} broke a rule)",
                    len(audit.violations)).format(n=len(audit.violations), calls=calls,
                                                  broke=breaking)


def audit_text(audit: Audit) -> str:
    zone = ZoneInfo(audit.zone)
    lines = [_("#{id}  {time}  {account}  {collector}  {rule}").format(
        id=v.call_id, time=display.day_time(v.called_at.astimezone(zone)),
        account=terminal_text(v.account_id), collector=terminal_text(v.collector or "-"),
        rule=display.breach(v.reason))
        for v in audit.violations]
    return terminal_text("\n".join([*lines, _summary(audit)]), multiline=True) + "\n"


def render(result: Audit, fmt: str, out, redact: bool | None = None) -> None:
    """Write an audit as text, json or csv to ``out`` (it holds no names or numbers, so
    ``redact`` changes nothing)."""
    if fmt == "json":
        out.write(audit_json(result))
    elif fmt == "csv":
        audit_csv(result, out)
    else:
        out.write(audit_text(result))
