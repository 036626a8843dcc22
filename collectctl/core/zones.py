"""Where a debtor may be: the candidate time zones and countries of an account.

The account list's zone column wins when it names a zone the debtor's phones agree with.
Otherwise, and also when the phones contradict it, the candidates are the zones of every
valid number of the debtor's own (their phones and their workplace's; a third party's
number says where someone else is), after
the CFPB's reading of Reg F (12 CFR 1006.6(b)(1)(i) commentary): when the location is
ambiguous, a call must be convenient in *all* the places the consumer may be. The
planner then calls only at minutes legal in every candidate zone.

A phone's zones: a country with one zone in the tz database (``zone.tab``: Taiwan, Ireland,
Hong Kong...) is that zone; otherwise phonenumbers' geography (``time_zones_for_number``),
unless it names more than :data:`SAYS_NOTHING` zones (a US toll-free number: 42), when
the number says only the country, whose every zone is a candidate.

Pure (the tz database's and phonenumbers' tables are static data), cached per country
code and per number; phonenumbers is imported only for a number whose country code is
shared or whose country spans several zones.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

#: A number mapped to more zones than this says where the country is, not the debtor.
SAYS_NOTHING = 10

FILE, PHONE, FILE_AND_PHONE, DEFAULT = "file", "phone", "file+phone", "default"
#: The roles of the debtor's own numbers (``core.models.phone_role``).
DEBTOR, WORKPLACE, THIRD_PARTY = "debtor", "workplace", "third_party"


class Location(NamedTuple):
    """The candidate zones (the first is the one dates are shown in), where they came from
    (:data:`FILE`, :data:`PHONE`, :data:`FILE_AND_PHONE`, :data:`DEFAULT`) and the
    countries the debtor's list and phones name (ISO codes, the list's first)."""

    zones: tuple[str, ...]
    source: str
    countries: tuple[str, ...]


@lru_cache(maxsize=1)
def _zone_table() -> dict[str, tuple[str, ...]]:
    """The tz database's zones of each country (``zone.tab``, shipped by ``tzdata``)."""
    from importlib import resources

    table: dict[str, list[str]] = {}
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover
        return {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            table.setdefault(parts[0], []).append(parts[2])
    return {country: tuple(zones) for country, zones in table.items()}


def country_zones(country: str | None) -> tuple[str, ...]:
    """The zones of ``country`` in the tz database (empty for an unknown code)."""
    return _zone_table().get((country or "").upper(), ())


@lru_cache(maxsize=512)
def _regions_of_code(code: int) -> tuple[str, ...]:
    from phonenumbers.data import _COUNTRY_CODE_TO_REGION_CODE

    return tuple(r for r in _COUNTRY_CODE_TO_REGION_CODE.get(code, ()) if r != "001")


@lru_cache(maxsize=512)
def _simple_place(prefix: str) -> tuple[str, tuple[str, ...]] | None:
    """The country and zone of every number with country code ``prefix`` when that code is
    one country's and the country has one zone; None when the number itself must be read."""
    regions = _regions_of_code(int(prefix))
    if len(regions) == 1 and len(country_zones(regions[0])) == 1:
        return regions[0], country_zones(regions[0])
    return None


@lru_cache(maxsize=65536)
def _read_place(number: str) -> tuple[str | None, tuple[str, ...]]:
    import phonenumbers
    from phonenumbers import timezone

    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None, ()
    region = phonenumbers.region_code_for_number(parsed)
    if not region or region == "001":
        return None, ()
    own = country_zones(region)
    if len(own) == 1:
        return region, own
    found = tuple(z for z in timezone.time_zones_for_number(parsed) if z != "Etc/Unknown")
    if found and len(found) <= SAYS_NOTHING:
        return region, found
    return region, own or found


def first_zones() -> dict[str, str]:
    """Each country's first zone in the tz database: where :func:`locate` puts a debtor
    known only by the list's country column."""
    return {country: zones[0] for country, zones in _zone_table().items() if zones}


def phone_place(number: str) -> tuple[str | None, tuple[str, ...]]:
    """The country of an E.164 number and the zones its holder may be in."""
    if not number.startswith("+") or not number[1:].isdigit():
        return None, ()
    for length in (1, 2, 3):
        prefix = number[1:1 + length]
        if _regions_of_code(int(prefix)):
            simple = _simple_place(prefix)
            return simple if simple is not None else _read_place(number)
    return None, ()


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def place_of(phone) -> tuple[str | None, tuple[str, ...]]:
    """A :class:`~collectctl.core.models.Phone`'s country and zones: as stored, else
    worked out from its number."""
    return (phone.region, phone.zones) if phone.zones is not None else phone_place(phone.number)


def locate(listed_zone: str | None, listed_country: str | None, debtor_phones: Iterable,
           fallback_zone: str) -> Location:
    """The account's :class:`Location` from the list's zone and country columns (None when
    the list had none), its valid debtor phones and the zone to fall back on."""
    return _located(listed_zone, listed_country, tuple(place_of(p) for p in debtor_phones),
                    fallback_zone)


@lru_cache(maxsize=4096)  # a list has a handful of distinct (columns, places, zone)
def _located(listed_zone: str | None, listed_country: str | None,
             places: tuple[tuple[str | None, tuple[str, ...]], ...],
             fallback_zone: str) -> Location:
    """:func:`locate` from the places of the debtor's phones (each a country and zones)."""
    if len(places) == 1 and not listed_zone and not listed_country and places[0][1]:
        # The usual account: one number of the debtor's own, no zone or country column.
        region, zones = places[0]
        return Location(zones, PHONE, (region,) if region else ())
    phone_zones = _unique(z for _region, zones in places for z in zones)
    countries = _unique([listed_country.upper() if listed_country else "",
                         *(region or "" for region, _zones in places)])
    if listed_zone:
        if not phone_zones or listed_zone in phone_zones:
            return Location((listed_zone,), FILE, countries)
        return Location(_unique([listed_zone, *phone_zones]), FILE_AND_PHONE, countries)
    if phone_zones:
        return Location(phone_zones, PHONE, countries)
    if listed_country and country_zones(listed_country):
        return Location(country_zones(listed_country), FILE, countries)
    return Location((fallback_zone,), DEFAULT, countries)


def debtor_phones(phones) -> list:
    """The valid phones among ``phones`` that are the debtor's own: their own numbers
    (``debtor`` role) and their workplace's, which is where they are when called there.
    A third party's number says where someone else is."""
    return [p for p in phones if p.valid and p.role in (DEBTOR, WORKPLACE)]


def located(account, zone_given: bool = False):
    """``account`` with its candidate zones, their source and its countries worked out
    afresh (after its phones or its list's columns changed). ``zone_given``: an account
    made by hand, whose ``timezone`` counts as its list's zone when it has none."""
    from dataclasses import replace

    listed = account.listed_timezone or (account.timezone if zone_given else None)
    where = locate(listed, account.listed_country,
                   debtor_phones(account.phones), account.timezone)
    return replace(account, timezone=where.zones[0], timezones=where.zones,
                   timezone_source=where.source, countries=where.countries)
