"""SedonaDB covers join, file in -> file out: `point_id,zone_id` pairs.

usage: sedonadb_join.py ZONES_WKT.csv POINTS.csv OUT.csv [--mode exact|default]

exact: GEOS as the spatial library and build-side (zone) preparation
  (sedona.spatial_join.spatial_library = geos, execution_mode = prepare_build,
  geos.min_points_for_build_preparation = 0, spatial_join_reordering = false so that the
  zones stay the build side), so each covers test is GEOS's prepared-geometry predicate,
  which is exact.
default: SedonaDB's defaults (the tg library, speculative preparation).

The zones come as a CSV of `id,wkt` (made from the GeoJSON by compare.py, untimed there,
with every coordinate written in shortest round-trip form so the doubles are the same).
"""
import sys
import time
import warnings

warnings.filterwarnings("ignore")  # PROJ / GDAL are not needed here


def main():
    zones, points, out = sys.argv[1:4]
    mode = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--mode" else "exact"
    import sedonadb

    t0 = time.perf_counter()
    sd = sedonadb.connect()
    if mode == "exact":
        sd.sql("SET sedona.spatial_join.spatial_library = 'geos'").execute()
        sd.sql("SET sedona.spatial_join.execution_mode = 'prepare_build'").execute()
        # Prepare every zone, small camps included (default: only >= 50 vertices).
        sd.sql("SET sedona.spatial_join.geos.min_points_for_build_preparation = 0").execute()
        # Keep the zones (the left side) as the build side: with reordering on, SedonaDB
        # builds on the points from a CSV (as EXPLAIN ANALYZE shows: build_input_rows =
        # the point count), so "prepare_build" prepares points and the zones go unprepared.
        sd.sql("SET sedona.spatial_join.spatial_join_reordering = false").execute()
    sd.sql(
        f"CREATE EXTERNAL TABLE zones_wkt (id VARCHAR NOT NULL, wkt VARCHAR NOT NULL) "
        f"STORED AS CSV LOCATION '{zones}' OPTIONS ('format.has_header' 'true')"
    ).execute()
    sd.sql(
        f"CREATE EXTERNAL TABLE pts (report_id VARCHAR NOT NULL, unit_id VARCHAR, time VARCHAR, "
        f"lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, accuracy_m DOUBLE) "
        f"STORED AS CSV LOCATION '{points}' OPTIONS ('format.has_header' 'true')"
    ).execute()
    joined = sd.sql(
        "SELECT p.report_id AS point_id, z.id AS zone_id "
        "FROM (SELECT id, ST_GeomFromWKT(wkt) AS geom FROM zones_wkt) z JOIN pts p "
        "ON ST_Covers(z.geom, ST_Point(p.lon, p.lat))"
    )
    joined.to_csv(out)
    print(f"sedonadb ({mode}): {time.perf_counter() - t0:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
