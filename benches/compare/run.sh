#!/usr/bin/env bash
# zonewatch vs shapely / SedonaDB, end to end, on the generated stress set.
#   benches/compare/run.sh                 # 1M reports, all cores
#   benches/compare/run.sh --n 10000000    # 10M (files ~0.8 GB CSV + 2 GB NDJSON)
#   benches/compare/run.sh --n 200000 --skip check sedonadb-default
# Peers that are not installed are skipped: pip install shapely sedonadb
# Exits 1 if zonewatch's join differs from shapely/GEOS covers by a single pair.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p zonewatch-cli >&2
exec python3 benches/compare/compare.py "$@"
