"""Requests against a running production stack (``scripts/ci_production.sh`` starts it on loopback).

    python tests/production/smoke.py http://127.0.0.1:18080

Logs in through the login page like a person, reads a list, asks for matches, proposes a placement
and starts a background recompute that must complete; every request carries an X-Request-ID that
must come back. Prints one line per step and exits non-zero on the first failure. The request id of
the recompute is printed as ``TASK_REQUEST_ID=...`` so the caller can find it in the worker's log.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
import uuid

import requests

PASSWORD = "brygga-demo"


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


class Session:
    def __init__(self, base: str, username: str):
        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.username = username

    def call(self, method: str, path: str, *, expect: int, **kwargs) -> requests.Response:
        request_id = kwargs.pop("request_id", f"smoke-{uuid.uuid4().hex[:12]}")
        headers = kwargs.pop("headers", {})
        headers["X-Request-ID"] = request_id
        token = self.http.cookies.get("csrftoken")
        if token and method != "GET":
            headers["X-CSRFToken"] = token
        started = time.perf_counter()
        response = self.http.request(
            method, self.base + path, headers=headers, timeout=60, allow_redirects=False, **kwargs
        )
        ms = (time.perf_counter() - started) * 1000
        print(f"  {self.username:<12} {method:<4} {path:<48} {response.status_code} {ms:7.1f} ms")
        check(
            response.status_code == expect,
            f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:300]}",
        )
        check(response.headers.get("X-Request-ID") == request_id, "X-Request-ID not echoed")
        return response

    def login(self) -> None:
        page = self.call("GET", "/logga-in/", expect=200)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        check(token is not None, "no CSRF token on the login page")
        self.call(
            "POST",
            "/logga-in/",
            expect=302,
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Referer": self.base + "/logga-in/"},
        )
        check("sessionid" in self.http.cookies, "no session after login")


def main(base: str) -> int:
    anon = Session(base, "-")
    anon.call("GET", "/healthz", expect=200)
    ready = anon.call("GET", "/readyz", expect=200).json()
    check(all(c["ok"] for c in ready["checks"].values()), f"not ready: {ready}")
    static = re.search(
        r'href="(/static/[^"]+\.css)"', anon.call("GET", "/logga-in/", expect=200).text
    )
    check(static is not None, "no stylesheet linked")
    anon.call("GET", static.group(1), expect=200)

    guide = Session(base, "jobbguide")
    guide.login()
    guide.call("GET", "/deltagare/", expect=200)
    me = guide.call("GET", "/api/v1/me/", expect=200).json()
    # Only participants in matching (an exited one answers 400 to a matches request), in a fixed
    # order, and the guide's own first: only the assigned guide proposes placements.
    people = guide.call(
        "GET", "/api/v1/participants/?active=true&ordering=code&page_size=50", expect=200
    ).json()["results"]
    check(all(p["active"] for p in people), "the active filter let an exited participant through")
    people.sort(key=lambda p: (p.get("guide") != me.get("id"), p["code"]))
    check(len(people) > 0, "the participant list is empty")
    guide.call("GET", f"/deltagare/{people[0]['id']}/", expect=200)

    start = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    placed = None
    for person in people:
        matches = guide.call(
            "GET", f"/api/v1/participants/{person['id']}/matches/?limit=5", expect=200
        ).json()
        for match in matches:
            response = guide.http.post(
                f"{guide.base}/api/v1/placements/",
                json={
                    "participant": person["id"],
                    "task_profile": match["task_profile"],
                    "planned_start": start,
                    "hours_per_week": 20,
                },
                headers={"X-CSRFToken": guide.http.cookies.get("csrftoken", "")},
                timeout=60,
            )
            if response.status_code == 201:
                placed = response.json()
                break
            # 400: the profile is full or the person already placed; 403: not this guide's participant.
            check(
                response.status_code in (400, 403) and "CSRF" not in response.text,
                f"placement write: {response.status_code} {response.text[:300]}",
            )
        if placed:
            break
    check(placed is not None, "no placement could be proposed")
    print(f"  jobbguide    placement {placed['id']} proposed")
    guide.call("GET", f"/api/v1/placements/{placed['id']}/", expect=200)

    # The demo's statistics and outreach list on this database (their tests build the demo on
    # SQLite only; scripts/test): the manager's page with its charts, numbers that add up, and
    # the coordinator's "who do I call now" list from the demo's historical ads.
    manager = Session(base, "chef")
    manager.login()
    html = manager.call("GET", "/statistik/", expect=200).text
    check(html.count("<svg") == 4, "the statistics page lost its charts")
    sections = manager.call("GET", "/api/v1/statistics/", expect=200).json()["sections"]
    rows = {
        r["key"]: [c["value"] for c in r["cells"]]
        for s in sections
        for t in s["tables"]
        if t["key"] == "participants"
        for r in t["rows"]
    }
    check(
        all(rows["in_period"][c] == rows["active_at_end"][c] + rows["exited"][c] for c in range(5)),
        f"the participants in the period do not add up: {rows}",
    )
    check(rows["in_period"][4] >= 300, f"the demo's statistics are nearly empty: {rows}")
    coordinator = Session(base, "koordinator")
    coordinator.login()
    listing = coordinator.call("GET", "/api/v1/outreach/", expect=200).json()
    check(
        len(listing["rows"]) > 0 and all(r["reasons"] for r in listing["rows"]),
        f"the demo's outreach list is empty or unexplained: {str(listing)[:300]}",
    )
    coordinator.call("GET", "/vem-kontaktar-jag-nu/", expect=200)

    request_id = f"smoke-recompute-{uuid.uuid4().hex[:8]}"
    job = guide.call("POST", "/api/v1/recompute-jobs/", expect=202, request_id=request_id).json()
    print(f"TASK_REQUEST_ID={request_id}")
    deadline = time.monotonic() + 240
    while job["status"] != "done" and time.monotonic() < deadline:
        check(job["status"] != "failed", f"recompute failed: {job}")
        time.sleep(1)
        job = guide.call("GET", f"/api/v1/recompute-jobs/{job['id']}/", expect=200).json()
    check(job["status"] == "done", f"the background recompute did not complete: {job}")
    print(f"  background recompute job {job['id']} done ({job['done']}/{job['total']})")
    # A job started after the first finished proves the request's own task ran too.
    job = guide.call("POST", "/api/v1/recompute-jobs/", expect=202, request_id=request_id).json()
    while job["status"] != "done" and time.monotonic() < deadline:
        time.sleep(1)
        job = guide.call("GET", f"/api/v1/recompute-jobs/{job['id']}/", expect=200).json()
    check(job["status"] == "done", f"the second recompute did not complete: {job}")
    print("smoke: all requests answered as expected")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
    except Failed as exc:
        print(f"smoke: FAILED: {exc}")
        sys.exit(1)
