"""Call outcome codes: what each counts as, what it needs, and what it does.

Agencies define their own codes, so codes are data (``outcomes:`` in the
config); what a code *does* is one of a fixed set of effects the tool knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectctl.errors import UsageError
from collectctl.i18n import N_, _

#: Effects an outcome can have; the logbook applies them.
EFFECTS = (
    "none",              # counts only
    "invalidate_phone",  # the dialled phone is wrong or dead
    "promise",           # a promise to pay (amount, date): no calls until it falls due
    "payment",           # money received (amount)
    "callback",          # the debtor asked to be called at a time
    "hold",              # dispute / cease: calls stop until the account is resumed
    "skip",              # the account needs skip tracing
)
NEEDS = ("amount", "date", "time")
#: What an effect cannot do without, whatever an outcome's own ``needs`` says (a code in
#: the config with ``effect: promise`` and no ``needs`` still asks for amount and date).
EFFECT_NEEDS = {"promise": ("amount", "date"), "payment": ("amount",), "callback": ("time",)}


@dataclass(frozen=True)
class Outcome:
    """One outcome code and its flags (see DOMAIN.md's table)."""

    code: str
    attempt: bool = True
    contact: bool = False
    right_party: bool = False
    effect: str = "none"
    needs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    complaint: bool = False
    label: str = ""


def _o(code, attempt, contact, rpc, effect="none", needs=(), aliases=(), label="", **kw):
    return Outcome(code, attempt, contact, rpc, effect, tuple(needs), tuple(aliases),
                   label=label, **kw)


#: The default set. Chinese aliases let a dialer export or a collector type 未接, 承諾 ...
DEFAULT_OUTCOMES: tuple[Outcome, ...] = (
    _o("no-answer", True, False, False, aliases=("na", "noanswer", "未接", "無人接聽"),
       label=N_("no answer")),
    _o("busy", True, False, False, aliases=("bz", "忙線"), label=N_("busy")),
    _o("voicemail", True, False, False, aliases=("vm", "語音信箱"), label=N_("voicemail")),
    _o("wrong-number", True, False, False, "invalidate_phone", aliases=("wn", "打錯", "非本人電話"),
       label=N_("wrong number")),
    _o("disconnected", True, False, False, "invalidate_phone", aliases=("dc", "空號", "停話"),
       label=N_("disconnected")),
    _o("third-party", True, True, False, aliases=("tp", "第三人"), label=N_("third party")),
    _o("rpc", True, True, True, aliases=("rp", "本人"), label=N_("right party")),
    _o("ptp", True, True, True, "promise", ("amount", "date"), aliases=("promise", "承諾"),
       label=N_("promise to pay")),
    _o("paid", True, True, True, "payment", ("amount",), aliases=("pd", "已還款"),
       label=N_("paid")),
    _o("refused", True, True, True, aliases=("rf", "拒絕", "拒付"), label=N_("refused to pay")),
    _o("dispute", True, True, True, "hold", aliases=("dp", "爭議"), label=N_("dispute")),
    _o("callback", True, True, True, "callback", ("time",), aliases=("cb", "回撥", "約回電"),
       label=N_("callback")),
    _o("cease", True, True, True, "hold", aliases=("cs", "停止聯繫", "停催"),
       label=N_("cease contact")),
    _o("skip", False, False, False, "skip", aliases=("sk", "失聯"), label=N_("needs skip tracing")),
    _o("complaint", True, True, True, aliases=("cp", "投訴", "客訴"), complaint=True,
       label=N_("complaint")),
)


class OutcomeBook:
    """The codes in force: look-ups by code or alias (case-insensitive)."""

    def __init__(self, outcomes: tuple[Outcome, ...] = DEFAULT_OUTCOMES) -> None:
        self.outcomes = outcomes
        self._by_name: dict[str, Outcome] = {}
        for outcome in outcomes:
            for name in (outcome.code, *outcome.aliases):
                self._by_name[name.casefold()] = outcome

    def find(self, name: str) -> Outcome | None:
        """The outcome a code or alias names, or None."""
        return self._by_name.get(name.strip().casefold())

    def get(self, name: str) -> Outcome:
        """The outcome a code or alias names; a usage error lists the valid codes."""
        found = self.find(name)
        if found is None:
            raise UsageError(_("unknown outcome {name!r}; codes: {codes}").format(
                name=name, codes=", ".join(o.code for o in self.outcomes)))
        return found

    def codes(self, predicate) -> tuple[str, ...]:
        """The codes whose outcome satisfies ``predicate`` (for counting in SQL)."""
        return tuple(o.code for o in self.outcomes if predicate(o))
