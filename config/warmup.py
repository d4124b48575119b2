"""What a web process would otherwise build on its first requests, built once in gunicorn's master
before it forks (``config/gunicorn.conf.py``): every worker starts with it, shares its memory with
the others, and a worker that replaces a retired one (``max_requests``) is as fast on its first
request of each page as on its thousandth.

The first request of a page in a fresh process cost 2–5× its later ones (the participant page
66 ms against 13, the employer page 78 against 19): most of it compiling the page's templates
and its compiled reads' SQL.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("brygga.warmup")

SUFFIXES = {".html", ".txt", ".jinja", ".xml"}


def _project_template_dirs(engine) -> list[Path]:
    """The engine's template directories that belong to this project (Django's own apps' templates
    and the admin's are left to load when asked for)."""
    base = Path(settings.BASE_DIR).resolve()
    dirs = []
    for directory in engine.template_dirs:
        path = Path(directory).resolve()
        if path.is_dir() and path.is_relative_to(base) and ".venv" not in path.parts:
            dirs.append(path)
    return dirs


def _names(directory: Path) -> list[str]:
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.suffix in SUFFIXES
    )


def warm_templates() -> int:
    """Load (parse or compile, and cache) every template of the project's engines, and every
    template of the form renderer (widgets), and import the engines' context processors: the
    number of templates loaded. A template that does not load
    is logged and left for its first request to report."""
    from django.forms.renderers import get_default_renderer
    from django.template import engines

    loaded = 0
    for engine in engines.all():
        # Imports the context processors (and the compiled reads they declare).
        getattr(getattr(engine, "engine", engine), "template_context_processors", None)
        for directory in _project_template_dirs(engine):
            for name in _names(directory):
                try:
                    engine.get_template(name)
                except Exception as exc:  # a partial meant only for inclusion, a syntax error
                    logger.warning("warm-up: template %s not loaded: %s", name, exc)
                    continue
                loaded += 1
    renderer_engine = getattr(get_default_renderer(), "engine", None)
    env = getattr(renderer_engine, "env", None)
    if env is not None:  # Jinja2 form renderer: Django's widget templates
        for name in env.list_templates(extensions=["html"]):
            env.get_template(name)
            loaded += 1
    return loaded


def warm_translations() -> None:
    """Load each language's message catalogue (Django loads one at its first use)."""
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Participants")


def warm() -> tuple[int, int]:
    """Everything above, the libraries the matching engine builds with, and the compiled reads (``core.compiled``; they need the database, which
    may not answer yet: then each read compiles at its first call, as before): the number of
    templates loaded and of reads compiled."""
    from django.urls import get_resolver

    from core.compiled import compile_all
    from matching.engine import import_libraries

    get_resolver().url_patterns  # noqa: B018 - imports every view, and the reads they declare
    import_libraries()
    warm_translations()
    templates = warm_templates()
    try:
        reads = compile_all()
    except Exception as exc:
        logger.warning("warm-up: compiled reads skipped: %s", exc)
        reads = 0
    return templates, reads
