#!/usr/bin/env python3
"""zonewatch against its peers on the same generated files, end to end (file in -> file out).

Generates the stress set with `zonewatch gen` (fixed seed), then runs and times, each as
its own process under `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS):

  zonewatch join   (covers) from CSV and from NDJSON
  zonewatch join   on the distance-zone set (circles, bands, grown polygons), CSV
  zonewatch check  keep_out of every zone (rules.toml written here), CSV and NDJSON
  shapely          STRtree over the points, prepared zones, covers        (if installed)
  sedonadb         covers join, GEOS + build-side preparation (exact)     (if installed)
  sedonadb         its defaults (tg), labelled "not exact"                (if installed)

and prints points/s, peak RSS and each one's ratio to `zonewatch join`.

Exactness: zonewatch's join pairs must equal shapely/GEOS `covers` pairs on the stress set
(which includes points exactly on vertices and on axis-aligned edges, and points
interpolated on slanted edges). Both are sorted and diffed; the differing pairs are
counted, written to exactness_diff.txt, and the script exits 1 if there are any. Polygon
zones only: GEOS has no geodesic distance zones. SedonaDB's pairs are compared too (for
information; they do not set the exit code).

usage: compare.py [--n N] [--threads T] [--seed S] [--workdir DIR] [--zonewatch BIN]
                  [--skip PEER ...] [--reuse]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def timed(cmd, log):
    """Runs cmd under /usr/bin/time; returns (wall s, peak RSS MB)."""
    stats = log.with_suffix(".time")
    with open(log, "w") as err:
        rc = subprocess.call(["/usr/bin/time", "-o", str(stats), "-f", "%e %M"] + cmd, stdout=err, stderr=err)
    if rc != 0:
        sys.exit(f"failed ({rc}): {' '.join(map(str, cmd))}\n{log.read_text()[-2000:]}")
    wall, kb = stats.read_text().split()[-2:]
    return float(wall), int(kb) / 1024


def have(module):
    return subprocess.call([sys.executable, "-c", f"import {module}"], stderr=subprocess.DEVNULL) == 0


def wkt_csv(zones_geojson, out):
    """id,wkt for SedonaDB: coordinates in Python's shortest round-trip form (same doubles)."""
    import json

    def ring(r):
        return "(" + ",".join(f"{x!r} {y!r}" for x, y in r) + ")"

    def poly(p):
        return "(" + ",".join(ring(r) for r in p) + ")"

    with open(zones_geojson) as f, open(out, "w") as w:
        w.write("id,wkt\n")
        for ft in json.load(f)["features"]:
            g = ft["geometry"]
            if g["type"] == "Polygon":
                w.write(f'{ft["id"]},"POLYGON{poly(g["coordinates"])}"\n')
            elif g["type"] == "MultiPolygon":
                w.write(f'{ft["id"]},"MULTIPOLYGON(' + ",".join(poly(p) for p in g["coordinates"]) + ')"\n')


def rules_toml(zones_geojson, out):
    import json

    with open(zones_geojson) as f:
        ids = [str(ft["id"]) for ft in json.load(f)["features"]]
    with open(out, "w") as w:
        w.write('[[rule]]\nid = "keep_out_all"\nkind = "keep_out"\nzones = [\n')
        w.writelines(f'  "{i}",\n' for i in ids)
        w.write("]\n")


def pairs(path):
    with open(path) as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    assert header == "point_id,zone_id", f"{path}: header {header!r}"
    return rows


def diff_pairs(mine, theirs, out):
    a, b = set(mine), set(theirs)
    only_a, only_b = sorted(a - b), sorted(b - a)
    with open(out, "w") as w:
        w.writelines(f"< {p}\n" for p in only_a)
        w.writelines(f"> {p}\n" for p in only_b)
    return len(only_a), len(only_b), len(mine) - len(a)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="reports (default 1M; 10M works: generation streams)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=None, help="default: zonewatch gen's fixed seed")
    ap.add_argument("--workdir", type=Path, default=REPO / "target" / "compare")
    ap.add_argument("--zonewatch", type=Path, default=REPO / "target" / "release" / "zonewatch")
    ap.add_argument("--skip", nargs="*", default=[], help="any of: check ndjson distance shapely sedonadb sedonadb-default")
    ap.add_argument("--reuse", action="store_true", help="reuse generated files of the same N in --workdir")
    args = ap.parse_args()

    zw = str(args.zonewatch)
    d = args.workdir
    d.mkdir(parents=True, exist_ok=True)
    seed = [] if args.seed is None else ["--seed", str(args.seed)]
    n = args.n
    tag = f"{n}" + ("" if args.seed is None else f"_s{args.seed}")
    zones, dzones = d / "zones.geojson", d / "distance.geojson"
    csv, ndjson, dcsv = d / f"reports_{tag}.csv", d / f"reports_{tag}.ndjson", d / f"distance_reports_{tag}.csv"

    t0 = time.perf_counter()
    gen = [
        (zones, [zw, "gen", "zones", *seed, "-o", zones]),
        (dzones, [zw, "gen", "zones", "--distance", *seed, "-o", dzones]),
        (csv, [zw, "gen", "reports", str(n), *seed, "--zones", zones, "-o", csv]),
        (ndjson, [zw, "gen", "reports", str(n), *seed, "--zones", zones, "-o", ndjson]),
        (dcsv, [zw, "gen", "reports", str(n), *seed, "--zones", dzones, "-o", dcsv]),
    ]
    for path, cmd in gen:
        if "ndjson" in args.skip and path == ndjson or "distance" in args.skip and path == dcsv:
            continue
        if not (args.reuse and path.exists()):
            subprocess.check_call([str(c) for c in cmd])
    rules = d / "rules.toml"
    rules_toml(zones, rules)
    wkt = d / "zones_wkt.csv"
    wkt_csv(zones, wkt)
    print(f"generated in {time.perf_counter() - t0:.1f} s: {n:,} reports, "
          f"{csv.stat().st_size / 1e6:.0f} MB CSV, in {d}", file=sys.stderr)

    threads = ["--threads", str(args.threads)]
    runs = []  # (name, exact?, wall, rss, output)

    def run(name, cmd, out, exact="exact"):
        print(f"running {name} ... (load average {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
        wall, rss = timed([str(c) for c in cmd], d / f"{name.replace(' ', '_').replace('/', '_')}.log")
        runs.append((name, exact, wall, rss, out))

    run("zonewatch join csv", [zw, "join", "--zones", zones, *threads, csv, "-o", d / "zw_join.csv"], d / "zw_join.csv")
    if "ndjson" not in args.skip:
        run("zonewatch join ndjson", [zw, "join", "--zones", zones, *threads, ndjson, "-o", d / "zw_join_nd.csv"], d / "zw_join_nd.csv")
    if "distance" not in args.skip:
        run("zonewatch join distance csv", [zw, "join", "--zones", dzones, *threads, dcsv, "-o", d / "zw_join_dist.csv"], None, "geodesic")
    if "check" not in args.skip:
        run("zonewatch check csv", [zw, "check", "--zones", zones, "--rules", rules, *threads, csv, "-o", d / "zw_check.csv"], None)
        if "ndjson" not in args.skip:
            run("zonewatch check ndjson", [zw, "check", "--zones", zones, "--rules", rules, *threads, ndjson, "-o", d / "zw_check_nd.csv"], None)
    if "shapely" in args.skip:
        pass
    elif have("shapely"):
        run("shapely STRtree covers", [sys.executable, HERE / "shapely_join.py", zones, csv, d / "shapely_join.csv"], d / "shapely_join.csv")
    else:
        print("shapely: not installed, skipped (pip install shapely)", file=sys.stderr)
    if "sedonadb" in args.skip:
        pass
    elif have("sedonadb"):
        run("sedonadb geos prepare_build", [sys.executable, HERE / "sedonadb_join.py", wkt, csv, d / "sedonadb_join.csv"], d / "sedonadb_join.csv")
        if "sedonadb-default" not in args.skip:
            run("sedonadb default (tg)", [sys.executable, HERE / "sedonadb_join.py", wkt, csv, d / "sedonadb_default.csv", "--mode", "default"],
                d / "sedonadb_default.csv", "not exact")
    else:
        print("sedonadb: not installed, skipped (pip install sedonadb)", file=sys.stderr)

    base = runs[0][2]
    load = os.getloadavg()
    print(f"\n{n:,} reports, {args.threads} threads, {os.cpu_count()} cores; load average at the end "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min: above the core count, other work "
          f"shared the machine and the absolute times are inflated); wall clock, file in -> file out\n")
    print(f"| run | semantics | wall s | points/s | peak RSS MB | zonewatch join is × faster |")
    print(f"|---|---|---:|---:|---:|---:|")
    for name, exact, wall, rss, _ in runs:
        print(f"| {name} | {exact} | {wall:.2f} | {n / wall:,.0f} | {rss:.0f} | {wall / base:.2f} |")

    # Exactness.
    status = 0
    checked_against = []  # exact peers whose pairs were compared
    zw_pairs = pairs(d / "zw_join.csv")
    print(f"\nzonewatch join: {len(zw_pairs):,} pairs")
    for name, exact, _, _, out in runs[1:]:
        if out is None or name.startswith("zonewatch join ndjson"):
            continue
        other = pairs(out)
        a, b, dup = diff_pairs(zw_pairs, other, d / f"diff_{out.stem}.txt")
        print(f"exactness vs {name}: {len(other):,} pairs; only zonewatch {a}, only {name.split()[0]} {b}"
              + (f", {dup} duplicate rows in zonewatch" if dup else "") + f" (diff in {d / ('diff_' + out.stem + '.txt')})")
        if exact == "exact" and not name.startswith("zonewatch"):
            checked_against.append(name)
            if a or b or dup:
                status = 1
    if "ndjson" not in args.skip and (d / "zw_join_nd.csv").exists():
        same = (d / "zw_join.csv").read_bytes() == (d / "zw_join_nd.csv").read_bytes()
        print(f"zonewatch join from NDJSON identical to from CSV: {same}")
        status |= 0 if same else 1
    if not checked_against:
        print("exactness: no exact peer ran, NOT CHECKED")
    elif status == 0:
        print("EXACT: zonewatch join == " + " == ".join(checked_against))
    else:
        print("MISMATCH (see the diff files)")
    sys.exit(status)


if __name__ == "__main__":
    main()
