"""Request ids: taken from ``X-Request-ID`` (or made up), kept in a context variable for the logs, sent
back on the response, and carried as a message header into every Celery task the request queues, so one
id follows a user's action from the web process into the worker."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
NONE = "-"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NONE)
# A client may send its own id (a load balancer's, say) but not arbitrary text into our logs.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

logger = logging.getLogger("brygga.request")
task_logger = logging.getLogger("brygga.task")


def current() -> str:
    return _current.get()


def activate(value: str) -> contextvars.Token:
    return _current.set(value)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    """First in the chain: every log line of the request carries its id; one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    # This thread's CPU: far below the duration, the request waited (the
                    # database, a lock, another thread of the process holding the interpreter).
                    "cpu_ms": round((time.thread_time() - cpu_started) * 1000, 1),
                    "user_id": getattr(user, "pk", None) if user is not None else None,
                },
            )
            return response
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def connect_celery() -> None:
    """Wire the id through Celery: stamped on publish, restored around the task's run."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    def on_publish(headers=None, **kwargs):
        if headers is not None and _current.get() != NONE:
            headers.setdefault(TASK_HEADER, _current.get())

    def on_prerun(task_id=None, task=None, **kwargs):
        # A worker sees custom headers as request attributes; an eager apply() keeps them in .headers.
        request_id = task.request.get(TASK_HEADER) or (task.request.headers or {}).get(TASK_HEADER)
        if not request_id:
            # Eager tasks run inside the request itself; others (beat, sweeps) get their task id.
            request_id = _current.get() if _current.get() != NONE else f"task-{task_id}"
        task.request._brygga_token = _current.set(request_id)
        task.request._brygga_started = time.perf_counter()
        task_logger.info("task started", extra={"task": task.name, "task_id": task_id})

    def on_postrun(task_id=None, task=None, state=None, **kwargs):
        started = getattr(task.request, "_brygga_started", None)
        task_logger.info(
            "task finished",
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                if started
                else None,
            },
        )
        token = getattr(task.request, "_brygga_token", None)
        if token is not None:
            try:
                _current.reset(token)
            except ValueError:  # reset from another context (eager tasks nested in tasks)
                _current.set(NONE)

    before_task_publish.connect(on_publish, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    task_postrun.connect(on_postrun, weak=False)
