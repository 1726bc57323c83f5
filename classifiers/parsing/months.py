"""Month names as programs print them in the locales IT teams run: English, German, French,
Spanish, Italian, Dutch, Portuguese, Polish and Russian (abbreviated, full and, where the
language declines them, genitive), and the CJK ``12月``.

Only used inside timestamp patterns (a name followed by a day, a year or a time), so short names
that are also words ("mai", "set", "out") do not turn prose into dates.
"""

from __future__ import annotations

import re

_NAMES: dict[int, tuple[str, ...]] = {
    1: ("jan", "january", "januar", "jänner", "janv", "janvier", "ene", "enero", "gen", "gennaio",
        "januari", "janeiro", "sty", "styczeń", "stycznia", "янв", "январь", "января"),
    2: ("feb", "february", "februar", "févr", "février", "fev", "feb", "febrero", "febbraio",
        "februari", "fevereiro", "lut", "luty", "lutego", "фев", "февраль", "февраля"),
    3: ("mar", "march", "märz", "mär", "mrz", "mars", "marzo", "mrt", "maart", "março", "marca",
        "marzec", "мар", "март", "марта"),
    4: ("apr", "april", "avr", "avril", "abr", "abril", "aprile", "kwi", "kwiecień", "kwietnia",
        "апр", "апрель", "апреля"),
    5: ("may", "mai", "mayo", "mag", "maggio", "mei", "maio", "maj", "maja", "мая", "май"),
    6: ("jun", "june", "juni", "juin", "junio", "giu", "giugno", "junho", "cze", "czerwiec",
        "czerwca", "июн", "июнь", "июня"),
    7: ("jul", "july", "juli", "juil", "juillet", "julio", "lug", "luglio", "julho", "lip",
        "lipiec", "lipca", "июл", "июль", "июля"),
    8: ("aug", "august", "août", "ago", "agosto", "augustus", "sie", "sierpień", "sierpnia",
        "авг", "август", "августа"),
    9: ("sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro",
        "wrz", "wrzesień", "września", "сен", "сент", "сентябрь", "сентября"),
    10: ("oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out",
         "outubro", "paź", "październik", "października", "окт", "октябрь", "октября"),
    11: ("nov", "november", "novembre", "noviembre", "novembro", "lis", "listopad", "listopada",
         "ноя", "нояб", "ноябрь", "ноября"),
    12: ("dec", "december", "dez", "dezember", "déc", "décembre", "dic", "diciembre", "dicembre",
         "dezembro", "gru", "grudzień", "grudnia", "дек", "декабрь", "декабря"),
}  # fmt: skip

#: Lower-cased name (without a trailing dot) -> month number; also "1月" ... "12月".
MONTH_NUMBERS: dict[str, int] = {
    **{name: month for month, names in _NAMES.items() for name in names},
    **{f"{month}月": month for month in range(1, 13)},
}


def _spellings(name: str) -> tuple[str, ...]:
    """As written in a line: lower case, capitalised, or in capitals."""
    return (name, name[:1].upper() + name[1:], name.upper())


#: The regex alternation of every spelling, longest first (a full name before its abbreviation).
MONTH_PATTERN = (
    "(?:"
    + "|".join(
        re.escape(spelling)
        for spelling in sorted(
            {spelling for name in MONTH_NUMBERS for spelling in _spellings(name)},
            key=len,
            reverse=True,
        )
    )
    + ")"
)


def month_number(name: str) -> int:
    """The month of a name :data:`MONTH_PATTERN` matched ("Dez", "décembre", "12月")."""
    return MONTH_NUMBERS[name.lower()]
