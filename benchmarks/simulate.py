"""``python -m benchmarks simulate``: does learning when debtors answer pay off? Proven on
synthetic debtors, through the real planner and the real importer.

Each debtor has a true chance of answering for every minute of the week, a balance, a
payday and a propensity to promise once reached. Each simulated day, for each strategy:

1. the day's calls are planned: **naive** (the accounts the planner may call, largest
   balance first, one after another from the start of the shift), **rules** (``plan``
   with ``learning.enabled: false``) or **learned** (``plan`` as it ships);
2. each call's outcome is drawn from the debtor's true pattern at its planned minute
   (the same random number for the same debtor, day and minute under every strategy);
3. the results go into that strategy's database through ``import calls``; promises
   kept are paid through ``import payments`` on their due date.

Four populations. For contact hours: **mixed** (half the debtors follow the source
document's rules; the rest are night-shift workers, late risers and debtors with a random
pattern of their own, whatever their file says) and **rules** (everyone follows them).
For willingness to pay (everyone answers as the rules say, promisers more readily):
**paying**, a third each of payers (promise when reached, keep most promises), promisers
(answer readily, promise nearly every time, never pay) and slow payers (pay, but days
after the promised day); and **alike** (everyone a payer).

Strategies: **naive**, **rules**, **contacts** (contact hours learned, who pays not:
``learning.pay_enabled: false``), **value** (contact hours learned and the plan ranked by
expected collections, with the rules' P(pay) for every debtor: the objective without
learning who pays) and **learned** (both, as it ships). Money collected is what the
debtors paid, through ``import payments``.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Taipei")
START = date(2027, 5, 3)  # a Monday with no public holiday (TW) in the five weeks after it
COLLECTORS = 4
STRATEGIES = ("naive", "rules", "contacts", "value", "learned")
#: The populations for contact hours and for willingness to pay.
HOURS_POPULATIONS = ("mixed", "rules")
PAY_POPULATIONS = ("paying", "alike")
WEEKDAY = (0.85, 1.0, 0.85, 1.05, 1.15, 0.8, 0.7)  # the source: Friday best, then Thu, Tue
#: The simulated collectors work every day (the README's figures are over whole weeks,
#: as they were before the plan kept to shift.days).
SHIFT = {"start": "08:00", "end": "20:00", "breaks": [["12:00", "13:00"]],
         "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}


# -- debtors ---------------------------------------------------------------------------------

@dataclass
class Debtor:
    account_id: str
    balance: int
    days_past_due: int
    work_start: time  # as the bank's file has it
    risk: str
    payday: int
    kind: str  # rules, night, late, random
    collector: str
    propensity: float  # P(promise | reached)
    keeps: float  # P(a promise is paid)
    hours: dict[int, float] = field(default_factory=dict)  # the random kind's own pattern
    payer: str = "payer"  # payer, promiser (never pays), slow (pays days late)
    readiness: float = 1.0  # how much more readily than the pattern says they answer

    def answers(self, local: datetime) -> float:
        """The true chance this debtor answers a call at ``local`` (their time)."""
        minute = local.hour * 60 + local.minute
        day = WEEKDAY[local.weekday()]
        if self.kind == "rules":
            start = self.work_start.hour * 60 + self.work_start.minute
            if start <= minute < start + 15:
                p = 0.55
            elif 12 * 60 <= minute < 13 * 60 + 30:
                p = 0.06
            else:
                p = 0.20
        elif self.kind == "night":  # works nights: asleep in the morning, up in the evening
            p = 0.02 if local.hour < 13 else 0.10 if local.hour < 18 else 0.60
        elif self.kind == "late":  # a shop owner: never before 11:00, best mid-afternoon
            p = 0.0 if local.hour < 11 else 0.50 if 14 <= local.hour < 17 else 0.15
        else:
            p = self.hours.get(local.hour, 0.05)
        return min(p * day * self.readiness, 0.95)


def population(kind: str, size: int, seed: int, collectors: int = COLLECTORS) -> list[Debtor]:
    """``size`` debtors for each of ``collectors`` collectors; ``kind`` = ``rules`` (all
    follow the rules) or ``mixed``."""
    size *= collectors
    if kind in PAY_POPULATIONS:
        return _paying(kind, size, seed, collectors)
    rng = random.Random(f"population|{kind}|{seed}")
    seats = list(range(size))  # who works which debtor: shuffled, so every collector gets
    rng.shuffle(seats)  # the same mix of patterns
    debtors = []
    for n in range(size):
        if kind == "rules" or n % 2 == 0:
            pattern = "rules"
        else:
            pattern = ("night", "late", "random")[(n // 2) % 3]
        start = time(*divmod(rng.choice(range(7 * 60 + 30, 15 * 60 + 1, 15)), 60))
        hours = {}
        if pattern == "random":
            best = rng.sample(range(8, 21), 3)
            hours = {h: (rng.uniform(0.4, 0.7) if h in best else rng.uniform(0.0, 0.12))
                     for h in range(24)}
        debtors.append(Debtor(
            account_id=f"S-{n:04d}", balance=rng.randint(20, 400) * 1000,
            days_past_due=rng.randint(5, 170), work_start=start,
            risk=rng.choice(("low", "medium", "high")), payday=rng.choice((5, 10, 25)),
            kind=pattern, collector=f"c{seats[n] % collectors}",
            propensity=rng.uniform(0.25, 0.5),
            keeps=rng.uniform(0.5, 0.9), hours=hours))
    return debtors


def _paying(kind: str, size: int, seed: int, collectors: int) -> list[Debtor]:
    """Debtors who answer as the rules say and differ in paying (``paying``: payers,
    promisers, slow payers by thirds) or not at all (``alike``: payers)."""
    rng = random.Random(f"population|{kind}|{seed}")
    seats = list(range(size))
    rng.shuffle(seats)
    debtors = []
    for n in range(size):
        payer = "payer" if kind == "alike" else ("payer", "promiser", "slow")[n % 3]
        start = time(*divmod(rng.choice(range(7 * 60 + 30, 15 * 60 + 1, 15)), 60))
        if payer == "promiser":
            propensity, keeps, readiness = rng.uniform(0.8, 0.95), 0.0, 1.6
        else:
            propensity, keeps, readiness = rng.uniform(0.35, 0.55), rng.uniform(0.75, 0.95), 1.0
        debtors.append(Debtor(
            account_id=f"S-{n:04d}", balance=rng.randint(20, 400) * 1000,
            days_past_due=rng.randint(5, 170), work_start=start,
            risk=rng.choice(("low", "medium", "high")), payday=rng.choice((5, 10, 25)),
            kind="rules", collector=f"c{seats[n] % collectors}", propensity=propensity,
            keeps=keeps, payer=payer, readiness=readiness))
    return debtors


def accounts_file(debtors: list[Debtor], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["account_id", "name", "amount_due", "days_past_due", "mobile",
                         "work_start", "payday", "timezone", "assigned_to", "risk"])
        for n, d in enumerate(debtors):
            writer.writerow([d.account_id, f"Debtor {n}", d.balance, d.days_past_due,
                             f"09{10_000_000 + n:08d}", d.work_start.strftime("%H:%M"),
                             d.payday, "Asia/Taipei", d.collector, d.risk])


# -- one strategy over the days --------------------------------------------------------------

@dataclass
class Day:
    calls: int = 0
    contacts: int = 0  # right-party
    promises: int = 0
    promised: Decimal = Decimal(0)
    collected: Decimal = Decimal(0)  # paid that day
    #: Calls and contacts by the debtor's kind of payer (payer, promiser, slow).
    calls_by: dict[str, int] = field(default_factory=dict)
    contacts_by: dict[str, int] = field(default_factory=dict)


#: Settings for every strategy's database (``learning`` in the config's words, e.g. the
#: prior strength under test); ``enabled`` is the strategy's.
LEARNING: dict = {}


def _settings(strategy: str):
    from collectctl.config import settings_from_mapping

    # country ZZ: a region without a holiday calendar, so the simulated collectors work
    # every day of the run (START, 2027-03-01, is Taiwan's substitute day for 228).
    learning = {**LEARNING, "enabled": strategy in ("contacts", "value", "learned"),
                "pay_enabled": strategy in ("value", "learned")}
    return settings_from_mapping({"shift": SHIFT, "country": "ZZ", "learning": learning},
                                 "simulation")


def _uniform(seed: int, account_id: str, moment: datetime) -> float:
    """The same draw for a debtor at a minute, whichever strategy called then."""
    return random.Random(f"{seed}|{account_id}|{moment.isoformat()}").random()


def _naive(plan, debtors_by_id) -> list[tuple[str, datetime]]:
    """The callable accounts, largest balance first, from the start of the shift."""
    callable_ = [aid for aid in plan.scores if aid not in plan.excluded]
    callable_.sort(key=lambda aid: (-plan.states[aid].balance, aid))
    return list(zip(callable_, plan.slot_starts, strict=False))


def run_strategy(strategy: str, debtors: list[Debtor], days: int, seed: int,
                 workdir: Path, db_name: str | None = None) -> list[Day]:
    from collectctl.app.imports import (
        ImportOptions,
        import_accounts,
        import_calls,
        import_payments,
    )
    from collectctl.app.plan import build_plan
    from collectctl.core import paying
    from collectctl.storage import open_store

    if strategy == "value":  # the objective without learning who pays: the rules' P(pay)
        learned_of = paying.LearnedPay.of
        paying.LearnedPay.of = lambda self, account, day: paying.neutral(self.ps)
        try:
            return run_strategy("learned", debtors, days, seed, workdir, db_name="value")
        finally:
            paying.LearnedPay.of = learned_of
    settings = _settings(strategy)
    by_id = {d.account_id: d for d in debtors}
    db = workdir / f"{db_name or strategy}.db"
    store = open_store(db)
    listing = workdir / "accounts.csv"
    accounts_file(debtors, listing)
    before = datetime.combine(START - timedelta(days=1), time(8, 0), ZONE)
    import_accounts(store, listing, settings, before, ImportOptions())
    due: dict[date, list[tuple[str, int, str]]] = {}
    results = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        morning = datetime.combine(day, time(7, 30), ZONE)
        paying = due.pop(day, [])
        today = Day(collected=Decimal(sum(amount for _aid, amount, _ref in paying)))
        if paying:
            path = workdir / "payments.csv"
            with open(path, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["account_id", "amount", "paid_on", "reference"])
                for aid, amount, ref in paying:
                    writer.writerow([aid, amount, day.isoformat(), ref])
            import_payments(store, path, settings, morning,
                            ImportOptions(allow_overpay=True))
        calls = []
        for who in sorted({d.collector for d in debtors}):
            plan = build_plan(store, settings, morning, who, day)
            if strategy == "naive":
                calls += [(who, aid, start, plan) for aid, start in _naive(plan, by_id)]
            else:
                calls += [(who, c.account_id, c.start, plan) for c in plan.calls]
        path = workdir / "calls.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["account_id", "called_at", "outcome", "amount", "date",
                             "collector"])
            for who, aid, start, plan in calls:
                debtor = by_id[aid]
                local = start.astimezone(ZONE)
                today.calls += 1
                today.calls_by[debtor.payer] = today.calls_by.get(debtor.payer, 0) + 1
                reached = _uniform(seed, aid, local) < debtor.answers(local)
                decision = random.Random(f"{seed}|decide|{aid}|{day}")
                outcome, amount, promise_day = "na", "", ""
                if reached:
                    today.contacts += 1
                    today.contacts_by[debtor.payer] = today.contacts_by.get(debtor.payer, 0) + 1
                    outcome = "rpc"
                    if decision.random() < debtor.propensity:
                        balance = int(plan.states[aid].balance)
                        pay = max(1000, balance * decision.randint(10, 50) // 100 // 100 * 100)
                        pay = min(pay, balance)
                        if pay > 0:
                            outcome, amount = "ptp", str(pay)
                            when = day + timedelta(days=decision.randint(3, 10))
                            promise_day = when.isoformat()
                            today.promises += 1
                            today.promised += pay
                            if decision.random() < debtor.keeps:
                                if debtor.payer == "slow":  # days after the promised day
                                    when += timedelta(days=decision.randint(4, 9))
                                due.setdefault(when, []).append(
                                    (aid, pay, f"P-{aid}-{day.isoformat()}"))
                elif decision.random() < 0.2:
                    outcome = "vm"
                writer.writerow([aid, local.strftime("%Y-%m-%d %H:%M"), outcome, amount,
                                 promise_day, who])
        evening = datetime.combine(day, time(21, 0), ZONE)
        result = import_calls(store, path, settings, evening,
                              ImportOptions(allow_overpay=True))
        assert not result.rejected, result.rejected[:3]
        results.append(today)
    store.close()
    return results


# -- the report ------------------------------------------------------------------------------

def _sum(days: list[Day], first: int, last: int) -> Day:
    out = Day()
    for d in days[first - 1:last]:
        out.calls += d.calls
        out.contacts += d.contacts
        out.promises += d.promises
        out.promised += d.promised
        out.collected += d.collected
        for kind, n in d.calls_by.items():
            out.calls_by[kind] = out.calls_by.get(kind, 0) + n
        for kind, n in d.contacts_by.items():
            out.contacts_by[kind] = out.contacts_by.get(kind, 0) + n
    return out


def html_chart(title: str, series: dict[str, list[Day]], path: Path,
               money: bool = False) -> None:
    """Cumulative right-party contacts (or money collected) per strategy, an inline SVG
    (no plotting library)."""
    width, height, pad = 720, 360, 48
    colours = {"naive": "#999999", "rules": "#1f77b4", "contacts": "#2ca02c",
               "value": "#9467bd", "learned": "#d62728"}
    totals = {k: [int(sum((d.collected if money else d.contacts) for d in v[:n + 1]))
                  for n in range(len(v))]
              for k, v in series.items()}
    top = max(max(t) for t in totals.values()) or 1
    days = len(next(iter(totals.values())))

    def x(n):
        return pad + (width - 2 * pad) * n / max(days - 1, 1)

    def y(v):
        return height - pad - (height - 2 * pad) * v / top

    lines = []
    for k, values in totals.items():
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in enumerate(values))
        lines.append(f'<polyline fill="none" stroke="{colours[k]}" stroke-width="2.5" '
                     f'points="{points}"/>')
        lines.append(f'<text x="{x(days - 1) + 4:.0f}" y="{y(values[-1]) + 4:.0f}" '
                     f'fill="{colours[k]}" font-size="13">{k} {values[-1]}</text>')
    axis = (f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
            f'stroke="#333"/><line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" '
            f'stroke="#333"/><text x="{width / 2:.0f}" y="{height - 12}" font-size="12" '
            f'text-anchor="middle">day</text><text x="12" y="{pad - 12}" font-size="12">'
            f'{"money collected" if money else "right-party contacts"} (cumulative)</text>')
    section = (f"<h2>{title}</h2>\n<svg xmlns='http://www.w3.org/2000/svg' width='{width + 80}'"
               f" height='{height}'>{axis}{''.join(lines)}</svg>\n")
    if path.exists():
        text = path.read_text(encoding="utf-8").replace("</body></html>\n", "")
    else:
        text = ("<!doctype html><html><head><meta charset='utf-8'><title>collectctl "
                "simulation</title></head><body style='font-family:sans-serif'>\n")
    path.write_text(text + section + "</body></html>\n", encoding="utf-8")


def main(size: int = 300, days: int = 30, seed: int = 1, html: str | None = "simulation.html",
         populations: tuple[str, ...] = HOURS_POPULATIONS, collectors: int = COLLECTORS
         ) -> dict:
    chart = Path(html) if html else None
    if chart and chart.exists():
        chart.unlink()
    figures = {}
    for kind in populations:
        debtors = population(kind, size, seed, collectors)
        series = {}
        started = clock.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            for strategy in STRATEGIES:
                series[strategy] = run_strategy(strategy, debtors, days, seed, Path(tmp))
        late = {k: _sum(v, 15, days) for k, v in series.items()}
        whole = {k: _sum(v, 1, days) for k, v in series.items()}
        print(f"\npopulation '{kind}': {collectors} collectors x {size} debtors, {days} days, "
              f"seed {seed} "
              f"({clock.perf_counter() - started:.0f} s)")
        money = {k: _sum(v, 16, days) for k, v in series.items()}
        print(f"  {'strategy':<9} {'calls':>6} {'RPC':>6} {'RPC d15-30':>11} "
              f"{'promises':>9} {'promised':>12} {'collected':>12} {'paid d16-30':>12}")
        for k in STRATEGIES:
            print(f"  {k:<9} {whole[k].calls:>6} {whole[k].contacts:>6} "
                  f"{late[k].contacts:>11} {whole[k].promises:>9} {whole[k].promised:>12,} "
                  f"{whole[k].collected:>12,} {money[k].collected:>12,}")
        if kind in PAY_POPULATIONS:
            print("  calls (contacts) d16-30 by kind of payer:")
            for k in STRATEGIES:
                mix = ", ".join(f"{p} {money[k].calls_by.get(p, 0)} "
                                f"({money[k].contacts_by.get(p, 0)})"
                                for p in ("payer", "promiser", "slow"))
                print(f"    {k:<9} {mix}")
        learned_vs_rules = late["learned"].contacts / max(late["rules"].contacts, 1) - 1
        rules_vs_naive = whole["rules"].contacts / max(whole["naive"].contacts, 1) - 1
        money_vs_rules = {k: float(money[k].collected / max(money["rules"].collected, 1) - 1)
                          for k in ("contacts", "value", "learned")}
        learned_vs_value = float(money["learned"].collected
                                 / max(money["value"].collected, 1) - 1)
        print(f"  learned vs rules, days 15-{days}: {learned_vs_rules:+.1%} right-party "
              f"contacts; rules vs naive, days 1-{days}: {rules_vs_naive:+.1%}")
        print(f"  money collected, days 16-{days}, vs rules: learned "
              f"{money_vs_rules['learned']:+.1%}, value (expected collections, the rules' "
              f"P(pay)) {money_vs_rules['value']:+.1%}, contacts only "
              f"{money_vs_rules['contacts']:+.1%}; learned vs value {learned_vs_value:+.1%}")
        daily = " ".join(f"{d.contacts}" for d in series["learned"])
        print(f"  learned, RPC per day: {daily}")
        figures[kind] = {"learned_vs_rules": learned_vs_rules, "rules_vs_naive": rules_vs_naive,
                         "money_vs_rules": money_vs_rules, "learned_vs_value": learned_vs_value,
                         "series": series}
        if chart:
            html_chart(f"{kind} population ({collectors} x {size} debtors, seed {seed})",
                       series, chart)
            html_chart(f"{kind} population, money ({collectors} x {size} debtors, seed {seed})",
                       series, chart, money=True)
    if chart:
        print(f"\ncumulative curves: {chart}")
    return figures
