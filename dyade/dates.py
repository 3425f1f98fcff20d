"""Dates as people type them, in any of several languages.

A date picked from a calendar comes back exact; a date typed over a
placeholder comes back as whatever the participant wrote: "3 mai 2027",
"May 3, 2027", "3 de mayo de 2027", "2027-05-03", "03/05/2027".
`parse_typed_date` turns such a text into a date, or into the reason it
cannot be one (impossible, ambiguous, no year), so that a coordinator sees
it instead of receiving the raw text as if it were a date.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Iterable, Union

# Month names of the languages participants most often write dates in,
# lower case and without accents; declared languages add their own
# (`month_names` in strings.yml).  Abbreviations are recognised as any
# prefix of three letters or more that only one month's names start with.
MONTH_NAMES = {
    "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "en": "january february march april may june july august september october november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "de": "januar februar marz april mai juni juli august september oktober november dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
EXTRA_NAMES = {"setiembre": 9, "maerz": 3, "sept": 9}

# Languages whose writers put the month first in an all-digit date
# ("05/03/2027" is 3 May in Canada's English as often as 5 March): such a
# date, with both numbers 12 or less, is ambiguous in these languages and
# flagged; every other language writes the day first.
AMBIGUOUS_NUMERIC = {"en"}

_ORDINAL = re.compile(r"(?<=\d)(er|re|ere|eme|e|st|nd|rd|th|o|a|º|ª|°|\.)(?=\s|$|,)")


class DateProblem(str):
    """Why a typed text is not a date (a str: the sentence itself)."""


def plain(text: str) -> str:
    """Lower case, accents removed: "Février" → "fevrier"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def month_table(extra: Iterable[str] = ()) -> dict[str, int]:
    """{month name or unambiguous abbreviation: month number}; `extra`
    holds space-separated lists of twelve names (a language's own)."""
    names: dict[str, set[int]] = {}
    lists = [*MONTH_NAMES.values(), *extra]
    for line in lists:
        for number, name in enumerate(line.split()[:12], start=1):
            names.setdefault(plain(name), set()).add(number)
    for name, number in EXTRA_NAMES.items():
        names.setdefault(name, set()).add(number)
    table = {name: next(iter(n)) for name, n in names.items() if len(n) == 1}
    prefixes: dict[str, set[int]] = {}
    for name, numbers in names.items():
        for end in range(3, len(name)):
            prefixes.setdefault(name[:end], set()).update(numbers)
    for prefix, numbers in prefixes.items():
        if len(numbers) == 1 and prefix not in table:
            table[prefix] = next(iter(numbers))
    return table


def parse_typed_date(text: str, months: dict[str, int], lang: str | None = None) -> Union[dt.date, DateProblem]:
    """The date `text` means, or a DateProblem saying why it is none.
    `lang` (the form's language) decides how "03/05/2027" is read."""
    raw = " ".join(text.split())
    s = plain(raw).strip().strip(".")
    iso = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})", s)
    if iso:
        return _make(int(iso[1]), int(iso[2]), int(iso[3]), raw)
    numeric = re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2,4})", s)
    if numeric:
        a, b, year = int(numeric[1]), int(numeric[2]), numeric[3]
        if len(year) != 4:
            return DateProblem(f"the year of {raw!r} is not written in full: write it like 2027-05-03")
        if a > 12 >= b:
            return _make(int(year), b, a, raw)
        if b > 12 >= a:
            return _make(int(year), a, b, raw)
        if a != b and (lang or "").split("-")[0].lower() in AMBIGUOUS_NUMERIC:
            return DateProblem(f"{raw!r} may be {a} {_month_word(b)} or {b} {_month_word(a)}: "
                               f"ask which, and write it like {year}-{b:02d}-{a:02d}")
        return _make(int(year), b, a, raw)
    s = _ORDINAL.sub("", s.replace(",", " "))
    tokens = re.findall(r"[a-z]+|\d+", s)
    found = [months[t] for t in tokens if t in months]
    numbers = [t for t in tokens if t.isdigit()]
    if not found and not numbers:
        return DateProblem(f"{raw!r} is not a date")
    if len(found) != 1:
        return DateProblem(f"{raw!r} is not a date that can be read (no month name)" if not found
                           else f"{raw!r} names more than one month")
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) != 1 or len(numbers) != 2:
        what = "no year" if not years else "no day" if not days else "numbers that do not make one date"
        return DateProblem(f"{raw!r} has {what}: write the date in full, like 3 May 2027")
    return _make(int(years[0]), found[0], int(days[0]), raw)


def _make(year: int, month: int, day: int, raw: str) -> Union[dt.date, DateProblem]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return DateProblem(f"{raw!r} is not a real date (day {day} of month {month} of {year})")


def _month_word(number: int) -> str:
    return MONTH_NAMES["en"].split()[number - 1].capitalize() if 1 <= number <= 12 else str(number)
