"""Calendar filler and dated names: trends that say nothing a brand could add to.

Filler is a tag made only of weekday, month and season names, numbers and words like
"motivation" or "vibes" (#MondayMotivation, #TechTuesday, #November2026, #Winter2026,
"24 Eylül Perşembe"), in the languages script = "latin" lets through. Occasions worth a
post come from `[[occasions]]` in config, not from here.

A dated name names a year other than the current local one (#SummerSolstice2024 in 2026);
in the last week of December next year's tags are current too. A number only reads as a
year up to five years ahead, so #RTX2080 is a GPU. Pure, stdlib only.
"""

from __future__ import annotations

from datetime import date

from botx_cli.trends.words import Tokens, fold, pieces, strip_marks

WEEKDAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "segunda",
        "terca",
        "quarta",
        "quinta",
        "sexta",
        "feira",
        "lunedi",
        "martedi",
        "mercoledi",
        "giovedi",
        "venerdi",
        "sabato",
        "domenica",
        "pazartesi",
        "sali",
        "carsamba",
        "persembe",
        "cuma",
        "cumartesi",
        "pazar",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "weekend",
        "finde",
        "wochenende",
        "tbt",
        "tgif",
        "ff",
        "wcw",
        "mcm",
    ]
)
# fmt: off
MONTHS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "janvier", "fevrier", "avril", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "januar", "februar", "marz", "april", "juni", "juli", "august", "september", "oktober", "november", "dezember", "janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre", "ocak", "subat", "mart", "nisan", "mayis", "haziran", "temmuz", "agustos", "eylul", "ekim", "kasim", "aralik", "januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember"]
)
# fmt: on
# fmt: off
SEASONS = frozenset(
    ["spring", "summer", "autumn", "fall", "winter", "primavera", "verano", "otono", "invierno", "printemps", "ete", "automne", "hiver", "fruhling", "sommer", "herbst", "verao", "outono", "inverno", "estate", "autunno", "ilkbahar", "yaz", "sonbahar", "kis"]
)
# fmt: on
# fmt: off
FILLER_WORDS = frozenset(
    ["happy", "good", "morning", "night", "motivation", "motivational", "thoughts", "thought", "wisdom", "feeling", "feels", "vibes", "vibe", "funday", "fun", "blues", "mood", "inspiration", "inspo", "tip", "tips", "tech", "throwback", "follow", "selfie", "day", "week", "month", "feliz", "buen", "buenos", "dia", "bon", "bonne", "joyeux", "guten", "schonen", "bom", "boa", "buon", "buona", "iyi", "gunler", "selamat", "hari"]
)
# fmt: on
YEARS_AHEAD = 5


def is_filler(name: str) -> bool:
    """Only calendar words and numbers, with at least one weekday, month or season."""
    words = [fold(piece) for word in strip_marks(name).replace("#", " ").split() for piece in _split(word)]
    words = [w for w in words if w]
    dated = any(w in WEEKDAYS or w in MONTHS or w in SEASONS for w in words)
    return dated and all(
        w.isdigit() or w in WEEKDAYS or w in MONTHS or w in SEASONS or w in FILLER_WORDS for w in words
    )


def _split(word: str) -> list[str]:
    return [p for part in "".join(c if c.isalnum() else " " for c in word).split() for p in pieces(part)]


def foreign_year(name: str, today: date) -> int | None:
    """A year the name names that is not today's (nor next year's in the last week of December)."""
    current = {today.year} | ({today.year + 1} if (today.month, today.day) >= (12, 25) else set())
    tokens = Tokens.read(name)
    for start, end in zip(tokens.bounds, tokens.bounds[1:]):
        piece = tokens.squashed[start:end]
        if (
            len(piece) == 4
            and piece.isdigit()
            and 1900 <= int(piece) <= today.year + YEARS_AHEAD
            and int(piece) not in current
        ):
            return int(piece)
    return None
