"""Matching the header row of an export to collectctl's fields.

Headers match case-insensitively, ignoring spaces, ``_`` and ``-`` (and
full-width forms), against built-in aliases in English and Chinese, extra
aliases from the config (``import.aliases``) and a ``--mapping`` file, which
wins over both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from collectctl.errors import InputFileError
from collectctl.i18n import _
from collectctl.yamlfile import read_yaml, yaml_text

#: Built-in header names per field, most specific first (the first match wins a tie).
ACCOUNT_ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": ("account_id", "account", "account no", "account number", "acct", "acct no",
                   "id", "帳號", "帳戶", "卡號", "客戶編號", "合約編號"),
    "name": ("name", "debtor", "debtor name", "customer", "customer name", "姓名", "客戶姓名",
             "債務人"),
    "amount_due": ("amount_due", "amount", "balance", "outstanding", "欠款金額", "逾期金額",
                   "應繳金額", "金額"),
    "currency": ("currency", "ccy", "幣別"),
    "days_past_due": ("dpd", "days_past_due", "days overdue", "逾期天數"),
    "due_date": ("due_date", "到期日", "應繳日"),
    "phone": ("phone", "telephone", "tel", "電話", "聯絡電話"),
    "mobile": ("mobile", "cell", "cell phone", "mobile phone", "手機", "行動電話"),
    "home_phone": ("home phone", "home", "住家電話", "住宅電話"),
    "work_phone": ("work phone", "office phone", "work", "公司電話", "辦公室電話"),
    "relative_phone": ("relative phone", "relative", "family phone", "親屬電話", "家屬電話"),
    "reference_phone": ("reference phone", "reference", "contact person phone", "contact phone",
                        "聯絡人電話"),
    "emergency_phone": ("emergency contact", "emergency phone", "emergency contact phone",
                        "緊急聯絡人電話", "緊急聯絡電話"),
    "work_start": ("work_start", "上班時間"),
    "payday": ("payday", "paydays", "發薪日"),
    "timezone": ("timezone", "time zone", "tz"),
    "country": ("country", "country code", "國家", "國別"),
    "assigned_to": ("assigned_to", "collector", "催收員"),
    "risk": ("risk", "風險等級"),
    "notes": ("notes", "note", "備註"),
    # The debt itemised (what the collector confirms before dialling).
    "principal": ("principal", "principal due", "本金", "欠款本金", "應繳本金"),
    "interest": ("interest due", "interest amount", "accrued interest", "利息", "應繳利息"),
    "fees": ("fees", "fee", "penalty", "penalties", "late fee", "late fees", "charges",
             "違約金", "手續費", "費用", "滯納金"),
    "minimum_due": ("minimum_due", "minimum due", "minimum payment", "min due",
                    "minimum amount due", "最低應繳金額", "最低應繳", "最低繳款金額"),
    "last_payment_date": ("last payment date", "last paid on", "last paid", "最後繳款日",
                          "最後繳款日期", "上次繳款日"),
    "last_payment_amount": ("last payment amount", "last paid amount", "最後繳款金額",
                            "上次繳款金額"),
    "credit_limit": ("credit_limit", "credit limit", "信用額度", "額度"),
    # The debtor's background.
    "employer": ("employer", "employer name", "company name", "服務單位", "公司名稱",
                 "任職公司"),
    "mailing_address": ("address", "mailing address", "correspondence address",
                        "contact address", "通訊地址", "聯絡地址", "地址"),
    "registered_address": ("registered address", "permanent address", "household address",
                           "戶籍地址"),
    "occupation": ("occupation", "job title", "職業", "職稱"),
    # Contact persons: a name and a relation beside each contact phone (numbered headers,
    # ``聯絡人2電話``, give the second and later ones).
    "contact_name": ("contact name", "contact person", "contact person name",
                     "reference name", "聯絡人姓名", "聯絡人"),
    "contact_relation": ("contact relation", "contact relationship", "relationship",
                         "relation", "聯絡人關係", "關係"),
    "emergency_name": ("emergency contact name", "emergency name", "緊急聯絡人姓名",
                       "緊急聯絡人"),
    "emergency_relation": ("emergency contact relation", "emergency contact relationship",
                           "emergency relation", "緊急聯絡人關係"),
}

#: The contact-person fields: (kind of contact, which part of it), for each field that is
#: one (the phones are phone fields too).
CONTACT_FIELDS: dict[str, tuple[str, str]] = {
    "contact_name": ("reference", "name"), "contact_relation": ("reference", "relation"),
    "reference_phone": ("reference", "phone"),
    "emergency_name": ("emergency", "name"), "emergency_relation": ("emergency", "relation"),
    "emergency_phone": ("emergency", "phone"),
}

PAYMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": ACCOUNT_ALIASES["account_id"],
    "amount": ("amount", "payment", "paid", "paid amount", "payment amount", "繳款金額",
               "還款金額", "入帳金額", "金額"),
    "paid_on": ("paid_on", "date", "payment date", "paid date", "value date", "繳款日",
                "還款日", "入帳日", "日期"),
    "reference": ("reference", "ref", "txn", "transaction", "transaction id", "交易序號",
                  "流水號", "參考編號"),
}

CALL_ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": ACCOUNT_ALIASES["account_id"],
    "called_at": ("called_at", "time", "call time", "datetime", "call date", "start time",
                  "通話時間", "撥打時間", "時間"),
    "outcome": ("outcome", "result", "disposition", "status", "結果", "催收結果"),
    "phone": ("phone", "number", "dialled", "dialed", "phone number", "電話"),
    "amount": ("amount", "promised amount", "paid amount", "金額", "承諾金額"),
    "date": ("date", "promise date", "ptp date", "payment date", "承諾日期", "承諾日", "日期"),
    "callback_at": ("callback_at", "callback", "callback time", "回電時間"),
    "note": ("note", "notes", "comment", "備註"),
    "collector": ("collector", "agent", "催收員"),
}


@dataclass(frozen=True)
class FileKind:
    """What one kind of import file holds: its fields, their aliases, the required ones."""

    name: str
    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    #: Fields that may come from several columns (each kept with its label).
    phone_fields: dict[str, str] = field(default_factory=dict)
    #: Fields whose columns are added up when a file has several (違約金 and 手續費).
    summed: tuple[str, ...] = ()
    #: Fields that may come numbered (``聯絡人2電話``): :data:`CONTACT_FIELDS`.
    numbered: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.aliases)


ACCOUNTS = FileKind(
    "accounts", ACCOUNT_ALIASES, ("account_id", "amount_due"),
    {"phone": "phone", "mobile": "mobile", "home_phone": "home", "work_phone": "work",
     "relative_phone": "relative", "reference_phone": "reference",
     "emergency_phone": "emergency"},
    summed=("fees",),
    numbered=tuple(CONTACT_FIELDS),
)
PAYMENTS = FileKind("payments", PAYMENT_ALIASES, ("account_id", "amount", "paid_on"))
CALLS = FileKind("calls", CALL_ALIASES, ("account_id", "called_at", "outcome"))
#: Every field any import knows (what ``import.aliases`` may name).
ALL_FIELDS = tuple(dict.fromkeys(f for k in (ACCOUNTS, PAYMENTS, CALLS) for f in k.fields))

def field_label(name: str) -> str:
    """A required field as an error line names it, in the interface language."""
    labels = {"account_id": _("account id"), "amount_due": _("amount due"),
              "paid_on": _("payment date"), "called_at": _("call time"),
              "amount": _("amount"), "outcome": _("outcome")}
    return labels.get(name, name)


#: The number in a numbered header (``聯絡人2電話``: 2), after :func:`header_key`.
_NUMBER = re.compile(r"[0-9]+")


def header_key(text: str) -> str:
    """The comparable form of a header: NFKC, case-folded, without spaces, ``_`` and ``-``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


@dataclass(frozen=True)
class ColumnMap:
    """Which column index holds each field; phone columns carry their label."""

    columns: dict[str, int]
    phones: tuple[tuple[int, str], ...]
    header: tuple[str, ...]
    ignored: tuple[str, ...] = field(default=())
    #: Every column of a summed field (``FileKind.summed``), in file order.
    summed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: The contact persons' columns: ``(kind, number, part, column index)``, part being
    #: ``name``, ``relation`` or ``phone`` (:data:`CONTACT_FIELDS`), in file order.
    contacts: tuple[tuple[str, int, str, int], ...] = field(default=())

    def header_of(self, field_name: str) -> str:
        """The file's header for a field, or the field's own name when the file has no
        such column (a rule about a value the file does not give, say an amount)."""
        index = self.columns.get(field_name)
        return self.header[index] if index is not None else field_name


#: The plain headers that, right after a contact person's column, are that person's.
_PLAIN_CONTACT_PARTS = {"phone": "phone", "contact_relation": "relation"}


def _next_to(contacts: list[tuple[str, int, str, int]], index: int,
             target: str) -> tuple[str, int] | None:
    """The contact person (kind, number) a plain phone or relation column at ``index``
    belongs to: the one of the column just before it, when that person has no such part
    yet; else None."""
    part = _PLAIN_CONTACT_PARTS.get(target)
    if part is None or not contacts or contacts[-1][3] != index - 1:
        return None
    kind, number = contacts[-1][0], contacts[-1][1]
    if any(c[:3] == (kind, number, part) for c in contacts):
        return None
    return kind, number


def _describe_columns(header: Sequence[str], limit: int = 12, width: int = 30) -> str:
    """The columns of a header for an error line: quoted, shortened, at most ``limit``."""
    if not header:
        return _("none")
    shown = [repr(h if len(h) <= width else h[:width] + "...") for h in header[:limit]]
    more = len(header) - limit
    return ", ".join(shown) + (_(" and {n} more").format(n=more) if more > 0 else "")


def load_mapping(path: Path, kind: FileKind = ACCOUNTS) -> dict[str, str]:
    """Read a ``--mapping`` YAML file: ``header: field``; errors name the file and key."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputFileError(_("{path}: the mapping must be 'header: field' lines").format(
            path=path))
    mapping = {}
    for header, target in data.items():
        if not isinstance(target, str) or target not in kind.fields:
            raise InputFileError(
                _("{path}: key {key!r}: {value!r} is not a field (fields: {known})").format(
                    path=path, key=yaml_text(header), value=target,
                    known=", ".join(kind.fields))
            )
        mapping[yaml_text(header)] = target
    return mapping


class HeaderMatcher:
    """Resolves header cells to fields using built-in aliases, config aliases and a mapping."""

    def __init__(
        self,
        aliases: Mapping[str, Sequence[str]] | None = None,
        mapping: Mapping[str, str] | None = None,
        kind: FileKind = ACCOUNTS,
    ) -> None:
        self.kind = kind
        self._lookup: dict[str, tuple[int, str]] = {}
        for rank, (header, target) in enumerate((mapping or {}).items()):
            self._lookup[header_key(header)] = (rank - 10_000, target)
        extra = aliases or {}
        for target in kind.fields:
            names = tuple(extra.get(target, ())) + kind.aliases[target]
            for rank, name in enumerate(names):
                self._lookup.setdefault(header_key(name), (rank, target))

    def field_of(self, header: str) -> str | None:
        found = self._lookup.get(header_key(header))
        return found[1] if found else None

    def _numbered(self, key: str) -> tuple[str, int] | None:
        """A numbered contact header (``聯絡人2電話``, ``contact 2 phone``): its field and
        number, when taking the number out leaves a contact field's header."""
        digits = _NUMBER.search(key)
        if digits is None or not self.kind.numbered:
            return None
        found = self._lookup.get(key[:digits.start()] + key[digits.end():])
        if found is None or found[1] not in self.kind.numbered:
            return None
        return found[1], int(digits.group())

    def score(self, header: list[str]) -> int:
        """How many cells name a known field (used to tell encodings apart)."""
        return sum(1 for cell in header if header_key(cell) in self._lookup)

    def has_required(self, header: Sequence[str]) -> bool:
        """Whether ``header`` names every required field of the kind (a workbook's header
        row is the first that does)."""
        found = {self.field_of(cell) for cell in header if cell}
        return all(name in found for name in self.kind.required)

    def required_labels(self) -> str:
        """The required fields, as an error line names them (``account id, amount due``)."""
        return ", ".join(field_label(name) for name in self.kind.required)

    def resolve(self, header: Sequence[str], file_name: str) -> ColumnMap:
        """Map each column to a field; fail (before anything is written) without a required one."""
        best: dict[str, tuple[int, int]] = {}
        phones: list[tuple[int, str]] = []
        ignored: list[str] = []
        summed: dict[str, list[int]] = {}
        contacts: list[tuple[str, int, str, int]] = []
        for index, cell in enumerate(header):
            key = header_key(cell)
            found = self._lookup.get(key)
            number = 1
            if found is None and (numbered := self._numbered(key)) is not None:
                found, number = (0, numbered[0]), numbered[1]
            if found is None:
                if cell.strip():
                    ignored.append(cell)
                continue
            rank, target = found
            group = _next_to(contacts, index, target)
            if group is not None:
                # 緊急聯絡人, 關係, 電話: a plain phone or relation right after a contact
                # person's column is that person's (a relative's number is never dialled).
                part = "phone" if target == "phone" else "relation"
                contacts.append((*group, part, index))
                if part == "phone":
                    phones.append((index, group[0]))
                continue
            if target in CONTACT_FIELDS:
                contacts.append((*CONTACT_FIELDS[target][:1], number,
                                 CONTACT_FIELDS[target][1], index))
                if target not in self.kind.phone_fields:
                    continue
            if target in self.kind.phone_fields:
                phones.append((index, self.kind.phone_fields[target]))
            elif target in self.kind.summed:
                summed.setdefault(target, []).append(index)
                best.setdefault(target, (rank, index))
            elif target not in best or rank < best[target][0]:
                if target in best:
                    ignored.append(header[best[target][1]])
                best[target] = (rank, index)
            else:
                ignored.append(cell)
        missing = [f for f in self.kind.required if f not in best]
        if missing:
            raise InputFileError(
                _("{file}: no column for {fields}; columns found: {found} "
                  "(name them in --mapping FILE or import.aliases)").format(
                    file=file_name,
                    fields=", ".join(field_label(m) for m in missing),
                    found=_describe_columns(header),
                )
            )
        return ColumnMap(
            columns={target: index for target, (_rank, index) in best.items()},
            phones=tuple(phones),
            header=tuple(header),
            ignored=tuple(ignored),
            summed={target: tuple(indexes) for target, indexes in summed.items()},
            contacts=tuple(contacts),
        )
