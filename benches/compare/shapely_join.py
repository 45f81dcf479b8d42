"""shapely 2 / GEOS covers join, file in -> file out: `point_id,zone_id` pairs.

usage: shapely_join.py ZONES.geojson POINTS.csv OUT.csv

The usual fast shapely way: an STRtree over the points, queried with every zone and the
`covers` predicate (shapely prepares each query geometry), so each test is GEOS's prepared
point-in-polygon, which is exact. Polygon and MultiPolygon zones only (GEOS works in
planar lon/lat, as zonewatch's polygon edges do; distance zones have no GEOS equivalent).
Coordinates are parsed by Python (correctly rounded), so GEOS sees the very same doubles
as zonewatch. Rows are written in zonewatch's order: input row, then zone id.
"""
import csv
import json
import sys
import time

import numpy as np
import shapely


def polygonal(g):
    def polygon(rings):
        return shapely.Polygon(np.asarray(rings[0], dtype=float), [np.asarray(h, dtype=float) for h in rings[1:]])

    if g["type"] == "Polygon":
        return polygon(g["coordinates"])
    return shapely.MultiPolygon([polygon(p) for p in g["coordinates"]])


def main():
    zones_path, points_path, out_path = sys.argv[1:4]
    t0 = time.perf_counter()
    with open(zones_path) as f:
        features = json.load(f)["features"]
    zone_ids, zone_geoms = [], []
    for ft in features:
        if ft["geometry"]["type"] in ("Polygon", "MultiPolygon") and not ft["properties"].get("buffer_m"):
            zone_ids.append(str(ft.get("id", ft["properties"].get("id"))))
            zone_geoms.append(polygonal(ft["geometry"]))
    zone_geoms = np.array(zone_geoms, dtype=object)
    t_zones = time.perf_counter()

    ids, lons, lats = [], [], []
    with open(points_path, newline="") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        i_id, i_lon, i_lat = header.index("report_id"), header.index("lon"), header.index("lat")
        for row in rows:
            ids.append(row[i_id])
            lons.append(float(row[i_lon]))
            lats.append(float(row[i_lat]))
    points = shapely.points(np.array(lons), np.array(lats))
    t_read = time.perf_counter()

    tree = shapely.STRtree(points)
    zone_idx, point_idx = tree.query(zone_geoms, predicate="covers")
    t_join = time.perf_counter()

    # zonewatch's order: by input row, then zone id in byte order.
    zone_rank = np.argsort(np.argsort(np.array([z.encode() for z in zone_ids], dtype=object)))
    order = np.lexsort((zone_rank[zone_idx], point_idx))
    with open(out_path, "w", newline="") as f:
        f.write("point_id,zone_id\n")
        f.writelines(f"{ids[p]},{zone_ids[z]}\n" for p, z in zip(point_idx[order], zone_idx[order]))
    t_end = time.perf_counter()
    print(
        f"shapely {shapely.__version__} / GEOS {shapely.geos_version_string}: zones {t_zones - t0:.2f} s, "
        f"read {t_read - t_zones:.2f} s, join {t_join - t_read:.2f} s, write {t_end - t_join:.2f} s; "
        f"{len(point_idx)} pairs",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
