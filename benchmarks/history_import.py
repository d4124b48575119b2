"""History import benchmark: a 500-row file (participants with placements and exits) imported
for real, all or nothing. Prints the time; the issue asks for under 10 s.

Run: ``uv run python benchmarks/history_import.py`` (``--rows N``, ``--xlsx``). Uses its own
throw-away SQLite database in ``var/``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the real import")
    args = parser.parse_args()
    db = ROOT / "var" / "bench-history.sqlite3"
    db.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    print("migrating a fresh database …", flush=True)
    call_command("migrate", verbosity=0)

    from core.choices import Role
    from core.models import Municipality, Unit
    from placements.importing_history import import_history
    from placements.reporting import statistics as st
    from tests.factories.core import UserFactory
    from tests.factories.employers import EmployerFactory
    from tests.factories.history import as_csv, as_xlsx, history_rows

    unit = Unit.objects.create(name="AME Bench")
    unit.municipalities.set(Municipality.objects.filter(code__in=["0880", "0881", "0882"]))
    manager = UserFactory(username="bench-chef", role=Role.MANAGER, unit=unit)
    names = [EmployerFactory(name=f"Bench {i} AB", unit=unit).name for i in range(30)]
    rows = history_rows(args.rows, names)
    content = as_xlsx(rows) if args.xlsx else as_csv(rows)
    filename = "historik.xlsx" if args.xlsx else "historik.csv"

    t0 = time.perf_counter()
    dry = import_history(content=content, filename=filename, by=manager, dry_run=True)
    t1 = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    real = import_history(content=content, filename=filename, by=manager, dry_run=False)
    t2 = time.perf_counter()
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    assert dry.ok and real.ok, (dry.file_errors, [r.errors for r in real.rows if r.errors][:3])
    scope, _errors = st.parse_filters(manager, {"start": "2023-01-01", "end": "2026-06-30"})
    report = st.build_report(scope)
    t3 = time.perf_counter()
    in_period = report.table("participants").rows[0].cells[-1].value
    exited = report.table("participants").rows[3].cells[-1].value
    print(f"rows: {args.rows} ({filename})")
    print(
        f"participants: {real.participants_created}, placements: {real.placements_created}, "
        f"exits: {real.exits_created}"
    )
    print(f"dry run: {t1 - t0:.2f} s")
    print(f"import:  {t2 - t1:.2f} s  (limit 10 s: {'OK' if t2 - t1 < 10 else 'TOO SLOW'})")
    print(f"statistics afterwards: {t3 - t2:.2f} s — {in_period} participants, {exited} exited")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
