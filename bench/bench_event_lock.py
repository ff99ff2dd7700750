"""What the global event-ordering lock costs PostgreSQL: one-row event transactions per second, with pgbench.

The event log's insert (backend/alerts/realtime/events.py) takes a transaction-scoped advisory lock and sends a
NOTIFY for the relay, so ids follow commit order. Both serialise commits. Three pgbench scripts on one table, each
run ROUNDS times, interleaved, with the same clients:

  * ``plain``: INSERT … VALUES, commit (the ceiling without ordering);
  * ``notify``: the same plus pg_notify (PostgreSQL serialises notifying commits itself);
  * ``ordered``: our statement: INSERT … SELECT FROM (SELECT pg_advisory_xact_lock(k)), (SELECT pg_notify(…)).

Run: .venv/bin/python bench/bench_event_lock.py [--clients 8] [--seconds 10] [--rounds 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from _django import machine

DATABASE = "vigia_bench_event_lock"
QUIET = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtA"]
SCRIPTS = {
    "plain": 'INSERT INTO bench_event (payload) VALUES (\'{"type": "alert.created"}\');',
    "notify": 'INSERT INTO bench_event (payload) SELECT \'{"type": "alert.created"}\'::jsonb '
    "FROM (SELECT pg_notify('bench_event', '')) AS wake;",
    "ordered": 'INSERT INTO bench_event (payload) SELECT \'{"type": "alert.created"}\'::jsonb '
    "FROM (SELECT pg_advisory_xact_lock(4242)) AS ordering, (SELECT pg_notify('bench_event', '')) AS wake;",
}


def prepare() -> None:
    exists = subprocess.run([*PSQL, "-c", f"SELECT 1 FROM pg_database WHERE datname='{DATABASE}'"],
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run([*PSQL, "-c", f"CREATE DATABASE {DATABASE}"], check=True)
    subprocess.run(
        [*PSQL, "-d", DATABASE, "-c", "DROP TABLE IF EXISTS bench_event; CREATE TABLE bench_event "
         "(id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"],
        check=True, env=QUIET,
    )  # fmt: skip


def pgbench(script: str, *, clients: int, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(script + "\n")
        file.flush()
        output = subprocess.run(
            ["pgbench", "-n", "-h", "127.0.0.1", "-U", "postgres", "-f", file.name, "-c", str(clients),
             "-j", str(min(clients, 2)), "-T", str(seconds), DATABASE],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    prepare()
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"machine: {machine()}; load average {load}; {arguments.clients} clients, {arguments.seconds} s a run")
    results: dict[str, list[float]] = {name: [] for name in SCRIPTS}
    for _ in range(arguments.rounds):
        for name, script in SCRIPTS.items():
            results[name].append(pgbench(script, clients=arguments.clients, seconds=arguments.seconds))
    plain = statistics.median(results["plain"])
    for name, values in results.items():
        median = statistics.median(values)
        runs = ", ".join(f"{value:,.0f}" for value in values)
        print(f"  {name:8} median {median:8,.0f} transactions/s ({median / plain:.2f}× plain; runs {runs})")


if __name__ == "__main__":
    main()
