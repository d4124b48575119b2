"""Participant history files for the history import tests and benchmark."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

OUTCOMES_SV = [
    "Arbete utan stöd",
    "Arbete med stöd",
    "Studier",
    "I praktik",
    "I arbetsmarknadspolitiskt program",
    "Söker arbete",
    "Annat",
]
KINDS = [
    "Arbetspraktik",
    "practice",
    "Praktik/arbetsträning",
    "Anställning",
    "employment",
    "Arbetsprövning",
    "Studiebesök",
]
GENDERS = ["kvinna", "man", "Kvinna", "Man", "annat", "uppgift_saknas"]
MUNICIPALITIES = ["Kalmar", "0881", "Oskarshamn"]


def personnummer(n: int) -> str:
    """A valid personnummer (Luhn) for a person born 1980–1999, unique per n < 10 000."""
    born = dt.date(1980, 1, 1) + dt.timedelta(days=(n * 37) % 7000)
    serial = f"{n % 1000:03d}"
    digits = f"{born:%y%m%d}{serial}"
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    check = (10 - total % 10) % 10
    return f"{born:%Y%m%d}-{serial}{check}"


def history_rows(n_rows: int, employers: list[str], seed: int = 11) -> list[list[str]]:
    """Header + ``n_rows`` rows: participants with 1–3 placement rows each, about half exited."""
    from placements.importing_history import COLUMNS

    rng = random.Random(seed)
    rows = [list(COLUMNS)]
    person = 0
    while len(rows) - 1 < n_rows:
        person += 1
        pnr = personnummer(person)
        enrolled = dt.date(2023, 1, 2) + dt.timedelta(days=rng.randint(0, 500))
        n_placements = min(rng.randint(1, 3), n_rows - (len(rows) - 1))
        exited = rng.random() < 0.5
        start = enrolled + dt.timedelta(days=rng.randint(10, 60))
        for i in range(n_placements):
            end = start + dt.timedelta(days=rng.randint(20, 90))
            first = i == 0
            last = i == n_placements - 1
            rows.append(
                [
                    pnr,
                    f"Förnamn{person}" if first else "",
                    "Efternamn" if first else "",
                    rng.choice(GENDERS) if first else "",
                    "",
                    rng.choice(MUNICIPALITIES) if first else "",
                    rng.choice(["", "nyanländ", "långtidsarbetslös"]) if first else "",
                    enrolled.isoformat() if first else "",
                    rng.choice(employers),
                    rng.choice(KINDS),
                    start.isoformat(),
                    end.isoformat(),
                    (end + dt.timedelta(days=5)).isoformat() if exited and last else "",
                    rng.choice(OUTCOMES_SV) if exited and last else "",
                ]
            )
            start = end + dt.timedelta(days=3)
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
