"""Web latency benchmark (issue 5): pages and API of a 300-staff shop under concurrent clients.

The shop is the demo generator's (``shopkpi demo --staff 300 --scale 1``: 8 weeks of 300
agents at the default demo's traffic per agent — the generator scales traffic with the
headcount, so ``--scale`` stays 1 — with the demo month computed, ratings imported and both
example plans adopted, so every agent has a live scorecard), built once and kept under
``benchmarks/data/`` with its logins:
one admin, one supervisor per team (linked to the team's lead on the roster) and a few
staff members, each with a scorecard.

The real server (``shopkpi serve``) runs as its own process on 127.0.0.1. ``--clients``
threads, each with its own ``httpx.Client`` and its own login session (mostly admin and
supervisors, some staff), request in turn the overview (``/``), the ranking
(``/ranking``), a scorecard (``/staff/{id}``, ids spread over the people the login may
see) and their API twins (``/api/v1/metrics``, ``/api/v1/ranking``,
``/api/v1/scorecards/{id}``). One warm-up round per client is not counted; then every
client requests for ``--seconds``. Every response must be 200: anything else (or a
transport error) is counted as an error per endpoint.

Printed: per endpoint n, p50, p95, max (nearest-rank percentiles), errors, the overall
throughput, and the CPU seconds of the server and of the clients (so that one can tell
whether the clients were the bottleneck); written as JSON to ``benchmarks/data/``.

Usage::

    python benchmarks/bench_web.py [--staff 300] [--scale 1] [--clients 20] [--seconds 60]
    python benchmarks/bench_web.py --think 1        # users pausing ≈ 1 s between requests
    python benchmarks/bench_web.py --profile /staff/S010     # in-process profile of one URL
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SHOPKPI = str(Path(sys.executable).with_name("shopkpi"))
PASSWORD = "bench-web-pass"
TARGET_P95_MS = 300.0
STAFF_LOGINS = 4  # staff members with a login of their own
# Share of the clients per role (the rest are staff): mostly admin and supervisors.
ADMIN_SHARE, SUPERVISOR_SHARE = 0.4, 0.4


@dataclass(frozen=True)
class Endpoint:
    """One measured URL family; ``{id}`` is replaced by a staff id the login may see."""

    name: str
    path: str


ENDPOINTS = (
    Endpoint("overview page", "/"),
    Endpoint("ranking page", "/ranking"),
    Endpoint("scorecard page", "/staff/{id}"),
    Endpoint("overview API", "/api/v1/metrics"),
    Endpoint("ranking API", "/api/v1/ranking"),
    Endpoint("scorecard API", "/api/v1/scorecards/{id}"),
)


@dataclass(frozen=True)
class Login:
    """A web login of the benchmark and the scorecards it may open."""

    username: str
    role: str
    staff_id: str | None
    scorecards: tuple[str, ...]


@dataclass(frozen=True)
class Sample:
    endpoint: str
    seconds: float
    status: int  # 0: transport error


@dataclass(frozen=True)
class Stats:
    """Latency of one endpoint in milliseconds (nearest-rank percentiles)."""

    n: int
    errors: int
    p50: float
    p95: float
    max: float


@dataclass
class ClientResult:
    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None


# --- pure helpers -------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ascending ``ordered``: the smallest value with at least
    ``q`` % of the values at or below it."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples: Iterable[Sample]) -> dict[str, Stats]:
    """Per endpoint: count, errors (status ≠ 200) and p50 / p95 / max in ms of all samples."""
    by_name: dict[str, list[Sample]] = {}
    for s in samples:
        by_name.setdefault(s.endpoint, []).append(s)
    out = {}
    for name, group in by_name.items():
        ms = sorted(s.seconds * 1000 for s in group)
        errors = sum(1 for s in group if s.status != 200)
        out[name] = Stats(len(ms), errors, percentile(ms, 50), percentile(ms, 95), ms[-1])
    return out


def client_roles(clients: int) -> list[str]:
    """The role of each client: ``ADMIN_SHARE`` admin (at least one), ``SUPERVISOR_SHARE``
    supervisors, the rest (at least one when there are three clients or more) staff,
    interleaved."""
    admins = max(1, round(clients * ADMIN_SHARE))
    supervisors = round(clients * SUPERVISOR_SHARE)
    staff = clients - admins - supervisors
    if staff == 0 and clients >= 3:
        staff, admins = 1, admins - 1
    pools = [["admin"] * admins, ["supervisor"] * supervisors, ["staff"] * staff]
    roles: list[str] = []
    while any(pools):
        roles += [pool.pop() for pool in pools if pool]
    return roles


def url(endpoint: Endpoint, ids: Sequence[str], turn: int) -> str:
    """``endpoint``'s path for the client's ``turn``-th request of it (ids taken in turn)."""
    return (
        endpoint.path.replace("{id}", ids[turn % len(ids)])
        if "{id}" in endpoint.path
        else endpoint.path
    )


# --- the workspace ------------------------------------------------------------------------


def build(ws: Path, staff: int, days: int, scale: float) -> None:
    """The demo shop, computed and scored (skipped when ``ws`` already holds it)."""
    if (ws / ".bench-web-built").exists():
        return
    cmd = [SHOPKPI, "demo", str(ws), "--staff", str(staff), "--days", str(days)]
    started = time.perf_counter()
    subprocess.run([*cmd, "--scale", str(scale)], check=True, stdout=subprocess.DEVNULL)
    print(f"built {ws.name} in {time.perf_counter() - started:.0f} s", flush=True)
    (ws / ".bench-web-built").write_text(f"{staff} {days} {scale}\n", encoding="utf-8")


def roster(ws: Path) -> list[dict[str, Any]]:
    """Every roster row: staff_id, role, team (read-only, before the server takes the file)."""
    import duckdb

    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT staff_id, role, team FROM staff ORDER BY staff_id").fetchall()
    finally:
        con.close()
    return [{"staff_id": str(r[0]), "role": r[1], "team": r[2]} for r in rows]


def sizes(ws: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(ws / "warehouse.duckdb"), read_only=True)
    try:
        tables = ("staff", "chat_message", "orders", "metric_value")
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
    finally:
        con.close()


def scored(ws: Path) -> list[str]:
    """Staff ids with a scorecard in the demo month (``shopkpi score --format json``)."""
    cache = ws / ".bench-web-scored.json"
    if not cache.exists():
        out = subprocess.run(
            [SHOPKPI, "score", "-w", str(ws), "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        ids = [p["staff_id"] for p in json.loads(out)["people"]]
        cache.write_text(json.dumps(ids), encoding="utf-8")
    ids = json.loads(cache.read_text(encoding="utf-8"))
    return [str(i) for i in ids]


def logins(ws: Path) -> list[Login]:
    """The benchmark's logins (created once with ``shopkpi user add --password-stdin``)."""
    people, ids = roster(ws), scored(ws)
    have = set(ids)
    leads = [p for p in people if p["role"] == "supervisor" and p["team"]]
    if not leads:
        raise SystemExit("the roster has no team lead (role supervisor) for the supervisor logins")
    out = [Login("bench_admin", "admin", None, tuple(ids))]
    for k, lead in enumerate(leads):
        team = [
            p["staff_id"] for p in people if p["team"] == lead["team"] and p["staff_id"] in have
        ]
        out.append(Login(f"bench_sup{k}", "supervisor", lead["staff_id"], tuple(team)))
    step = max(1, len(ids) // STAFF_LOGINS)
    for k, sid in enumerate(ids[::step][:STAFF_LOGINS]):
        out.append(Login(f"bench_staff{k}", "staff", sid, (sid,)))
    marker = ws / ".bench-web-users"
    if not marker.exists():
        for login in out:
            add_user(ws, login)
        marker.write_text("\n".join(x.username for x in out) + "\n", encoding="utf-8")
    return out


def add_user(ws: Path, login: Login) -> None:
    cmd = [SHOPKPI, "user", "add", login.username, "--role", login.role, "-w", str(ws)]
    if login.staff_id:
        cmd += ["--staff", login.staff_id]
    cmd += ["--password-stdin", "--by", "bench_web"]
    subprocess.run(cmd, input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(ws: Path, port: int) -> subprocess.Popen[bytes]:
    """``shopkpi serve`` on 127.0.0.1:``port``, once ``/health`` answers."""
    import httpx

    cmd = [SHOPKPI, "serve", "-w", str(ws), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"shopkpi serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("shopkpi serve did not answer /health within 120 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads) from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the clients --------------------------------------------------------------------------


def log_in(client: Any, login: Login) -> None:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if found is None:
        raise RuntimeError("no CSRF token on /login")
    data = {"username": login.username, "password": PASSWORD, "csrf_token": found.group(1)}
    reply = client.post("/login", data=data, follow_redirects=False)
    if reply.status_code != 303:
        raise RuntimeError(f"login {login.username}: HTTP {reply.status_code}")


def one_request(client: Any, endpoint: Endpoint, path: str) -> Sample:
    import httpx

    started = time.perf_counter()
    try:
        status = client.get(path).status_code
    except httpx.HTTPError:
        status = 0
    return Sample(endpoint.name, time.perf_counter() - started, status)


def run_client(
    base: str,
    login: Login,
    index: int,
    start: threading.Barrier,
    stop_at: list[float],
    result: ClientResult,
    think: float = 0.0,
) -> None:
    """Log in, one warm-up round (not kept), then request in turn until ``stop_at[0]``,
    pausing a random ``think`` seconds on average (exponential) after each response."""
    import httpx

    pause = random.Random(index)

    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            log_in(client, login)
            for e in ENDPOINTS:
                one_request(client, e, url(e, login.scorecards, index))
            start.wait()
            turn = index  # clients start at different endpoints and ids
            while time.perf_counter() < stop_at[0]:
                e = ENDPOINTS[turn % len(ENDPOINTS)]
                sid_turn = index + turn // len(ENDPOINTS)
                result.samples.append(one_request(client, e, url(e, login.scorecards, sid_turn)))
                turn += 1
                if think > 0:
                    time.sleep(pause.expovariate(1 / think))
    except Exception as exc:  # reported, and the run fails
        result.failure = f"{login.username}: {exc!r}"
        if not start.broken:
            start.abort()


def measure(
    base: str, plan: list[Login], seconds: float, server_pid: int, think: float = 0.0
) -> dict[str, Any]:
    """Run the clients of ``plan`` against ``base``; samples and the CPU spent meanwhile."""
    start = threading.Barrier(len(plan) + 1)
    stop_at = [math.inf]
    results = [ClientResult() for _ in plan]
    threads = [
        threading.Thread(
            target=run_client, args=(base, login, i, start, stop_at, results[i], think)
        )
        for i, login in enumerate(plan)
    ]
    for t in threads:
        t.start()
    start.wait()  # every client has logged in and warmed up
    load = os.getloadavg()
    server0, client0, wall0 = cpu_seconds(server_pid), own_cpu(), time.perf_counter()
    stop_at[0] = wall0 + seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall0
    failures = [r.failure for r in results if r.failure]
    if failures:
        raise SystemExit("client failed: " + "; ".join(failures))
    return {
        "samples": [s for r in results for s in r.samples],
        "wall_s": wall,
        "server_cpu_s": cpu_seconds(server_pid) - server0,
        "client_cpu_s": own_cpu() - client0,
        "load_before": load,
        "load_after": os.getloadavg(),
    }


def assign(logins_: list[Login], clients: int) -> list[Login]:
    """One login per client, by ``client_roles`` (logins of a role taken in turn)."""
    by_role: dict[str, list[Login]] = {}
    for x in logins_:
        by_role.setdefault(x.role, []).append(x)
    taken: dict[str, int] = {}
    out = []
    for role in client_roles(clients):
        k = taken.get(role, 0)
        out.append(by_role[role][k % len(by_role[role])])
        taken[role] = k + 1
    return out


# --- report -------------------------------------------------------------------------------


def table(stats: dict[str, Stats]) -> str:
    lines = [
        "| endpoint | n | errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for e in ENDPOINTS:
        s = stats.get(e.name)
        if s is not None:
            lines.append(
                f"| {e.name} `{e.path}` | {s.n} | {s.errors} | {s.p50:.0f} | {s.p95:.0f} | {s.max:.0f} |"
            )
    return "\n".join(lines)


def report(run: dict[str, Any], args: argparse.Namespace, shop: dict[str, int]) -> dict[str, Any]:
    samples: list[Sample] = run.pop("samples")
    stats = summarise(samples)
    overall = summarise(Sample("all", s.seconds, s.status) for s in samples)["all"]
    worst = max(s.p95 for s in stats.values())
    doc = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "clients": args.clients,
        "seconds": args.seconds,
        "think_s": args.think,
        "shop": shop,
        "cpus": os.cpu_count(),
        "pythonpath": os.environ.get("PYTHONPATH"),  # set when an older tree is measured
        **run,
        "requests": overall.n,
        "errors": overall.errors,
        "throughput_rps": overall.n / run["wall_s"],
        "overall": asdict(overall),
        "endpoints": {k: asdict(v) for k, v in stats.items()},
        "target_p95_ms": TARGET_P95_MS,
        "met": worst < TARGET_P95_MS and overall.errors == 0,
    }
    print(table(stats))
    print(
        f"\nall: {overall.n} requests, {overall.errors} errors, {doc['throughput_rps']:.1f} req/s, "
        f"p50 {overall.p50:.0f} ms, p95 {overall.p95:.0f} ms, max {overall.max:.0f} ms"
    )
    print(
        f"CPU over {run['wall_s']:.1f} s: server {run['server_cpu_s']:.1f} s, "
        f"clients {run['client_cpu_s']:.1f} s; load before "
        f"{' / '.join(f'{x:.2f}' for x in run['load_before'])}"
    )
    verdict = "met" if doc["met"] else "NOT met"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms on every endpoint, no errors: {verdict}")
    return doc


# --- profile ------------------------------------------------------------------------------


def profile(ws: Path, path: str, repeat: int, top: int = 30) -> None:
    """Time ``path`` in-process as the admin and print the hottest functions.

    The app runs on this thread (``httpx.ASGITransport``, sync handlers called inline rather
    than in the thread pool), so that the profiler sees the handler's own work."""
    import asyncio
    import cProfile
    import pstats

    import anyio.to_thread
    import httpx

    from shopkpi.web import create_app  # noqa: TID251 (a benchmark drives the web app)

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    app = create_app(ws)
    prof = cProfile.Profile()

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            page = await client.get("/login")
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found is not None
            form = {"username": "bench_admin", "password": PASSWORD, "csrf_token": found[1]}
            await client.post("/login", data=form)
            await client.get(path)  # warm
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                prof.enable()
                status = (await client.get(path)).status_code
                prof.disable()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{path}: HTTP {status}, ms per request: {', '.join(f'{t:.0f}' for t in times)}")

    asyncio.run(go())
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(r"src/shopkpi/", top)  # where in shopkpi
    stats.sort_stats("tottime").print_stats(top // 2)  # what the time is spent on


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--days", type=int, default=56)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause (s) after each response; 0: none"
    )
    parser.add_argument("--profile", metavar="PATH", help="profile one URL in-process instead")
    parser.add_argument("--repeat", type=int, default=5, help="requests per --profile")
    args = parser.parse_args()
    ws = DATA / f"web_s{args.staff}_d{args.days}_x{args.scale:g}"
    build(ws, args.staff, args.days, args.scale)
    plan = assign(logins(ws), args.clients)
    if args.profile:
        profile(ws, args.profile, args.repeat)
        return
    shop = sizes(ws)
    print(
        f"shop: {shop['staff']} staff, {shop['chat_message']:,} messages, {shop['orders']:,} "
        f"orders, {shop['metric_value']:,} metric values; {args.clients} clients "
        f"({', '.join(f'{r} {sum(x.role == r for x in plan)}' for r in ('admin', 'supervisor', 'staff'))}) "
        f"for {args.seconds:.0f} s, think time {args.think:g} s",
        flush=True,
    )
    port = free_port()
    server = start_server(ws, port)
    try:
        run = measure(f"http://127.0.0.1:{port}", plan, args.seconds, server.pid, args.think)
    finally:
        server.terminate()
        server.wait(timeout=30)
    doc = report(run, args, shop)
    out = DATA / f"web_latency_{time.strftime('%Y%m%d_%H%M%S')}.json"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
