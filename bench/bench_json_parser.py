"""What the strict JSON parser costs: ours (duplicate keys, depth, finite numbers) against DRF's, same bodies.

Run: .venv/bin/python bench/bench_json_parser.py [--rounds 7]
"""

import argparse
import io
import json
import statistics
import time

from _django import machine, setup_django


def bodies() -> dict[str, bytes]:
    lat, lon = -33.52, -70.65
    alert = {
        "category": "robbery_in_progress",
        "lat": lat,
        "lon": lon,
        "accuracy_meters": 12.5,
        "description": "x" * 200,
    }
    ring = [[lon + i * 1e-6, lat + (i % 7) * 1e-6] for i in range(1_000)]
    zone = {"name": "Casa", "boundary": {"type": "Polygon", "coordinates": [ring]}}
    return {
        "an alert (0.2 kB)": json.dumps(alert).encode(),
        "a zone drawn with 1,000 vertices (40 kB)": json.dumps(zone).encode(),
        "2 MB of small objects (the JSON limit)": json.dumps([{"a": i, "b": "x"} for i in range(85_000)]).encode(),
        "2 MB of coordinates (the JSON limit)": json.dumps([[lon, lat]] * 110_000).encode(),
    }


def median_seconds(parse, body: bytes, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        parse(io.BytesIO(body), "application/json", {})
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    setup_django(migrate=False, precincts=False)
    from rest_framework.parsers import JSONParser as DrfJSONParser

    from backend.common.parsers import JSONParser

    print(f"# {machine()}, {args.rounds} rounds, medians")
    print("| body | ours | DRF's JSONParser | ratio |")
    print("|---|---|---|---|")
    for label, body in bodies().items():
        rounds = args.rounds if len(body) > 1_000_000 else args.rounds * 100
        ours = median_seconds(JSONParser().parse, body, rounds)
        drf = median_seconds(DrfJSONParser().parse, body, rounds)
        print(f"| {label} | {ours * 1000:.3f} ms | {drf * 1000:.3f} ms | {ours / drf:.2f}× |")


if __name__ == "__main__":
    main()
