#!/usr/bin/env python3
"""Generate zonewatch's embedded default scenario: an ILLUSTRATIVE Sirte–Jufra ceasefire.

Everything this script writes is illustrative. No public source gives agreed coordinates
for Libyan contact lines, a demilitarised zone, holding areas or camps; the shapes below
are drawn around real place coordinates (see /work/shared/domain.md, "Places") to give
the engine a realistic workload, not to describe the real agreement of 23 Oct 2020.
Unit ids are fictional; their categories (mechanised brigade, MLRS group, foreign
training crew, Petroleum Facilities Guard, joint police, monitors) are real ones.

It writes, next to itself:
  zones.geojson  the zones: contact lines per side, the DMZ (road band + two circles),
                 holding areas, home camps, oil zones, the coastal-road corridor, the
                 monitors' base, and Libya's outline (Natural Earth 1:110m, public domain)
  rules.toml     the agreement's rules, T0 = 2020-10-23T00:00:00Z
  units.csv      the units and their attributes and home camps
  reports.csv    synthetic position reports, 2020-10-23 .. 2021-08-31, sorted by time

Deterministic: one random.Random(20201023); re-running reproduces the files byte for
byte. Needs Python 3.11 with geographiclib and shapely (validation only).

    python3 data/sirte/generate.py
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from geographiclib.geodesic import Geodesic
from shapely.geometry import Point as ShpPoint
from shapely.geometry import shape
from shapely.validation import explain_validity

HERE = Path(__file__).resolve().parent
GEOD = Geodesic.WGS84
SEED = 20201023

T0 = datetime(2020, 10, 23, tzinfo=timezone.utc)
MAX_GAP = "2d"  # tracking: reports come every 6-36 h
END = datetime(2021, 9, 1, tzinfo=timezone.utc)  # exclusive: reports run through 31 Aug 2021


def day(s: str) -> datetime:
    """A UTC instant from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    fmt = "%Y-%m-%dT%H:%M" if "T" in s else "%Y-%m-%d"
    return datetime.strptime(s, fmt).replace(tzinfo=timezone.utc)


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------
# Places (lon, lat), from domain.md. Approximate ones are marked there.
# ---------------------------------------------------------------------------------------
SIRTE = (16.5886, 31.2050)
GHARDABIYA = (16.6117, 31.0606)
JUFRA = (15.9656, 29.1101)
WADDAN = (16.1436, 29.1611)
SOKNA = (15.7847, 29.0669)
ABU_GREIN = (15.2489, 31.4511)
BUWAIRAT = (15.73, 31.41)
MISRATA = (15.0920, 32.3775)
MISRATA_ACADEMY = (15.0597, 32.3256)
MITIGA = (13.2760, 32.8941)
WATIYA = (11.9000, 32.4722)
RAS_LANUF = (18.5661, 30.4789)
ES_SIDER = (18.3503, 30.6294)
BREGA = (19.6669, 30.4350)
BEN_JAWAD = (18.0864, 30.8008)
ZILLAH = (17.5511, 28.5489)
BENGHAZI = (20.067, 32.117)
BENINA = (20.2695, 32.0968)
TAMANHINT = (14.65, 27.24)
BRAK = (14.271, 27.550)

# Libya, admin 0, Natural Earth 1:110m (public domain), copied verbatim from
# /work/shared/data/ne_libya.geojson (feature LBY) so that this script is self-contained.
# Rounded to 6 decimals on output. At this scale the coastline cuts off several coastal
# towns (Sirte, Misrata, Tripoli lie 2–6 km outside it): the rules that use it add
# Libya's 12-nautical-mile territorial sea as a margin (see RULES).
LIBYA_NE_110M = [
    [25.0, 22.0], [25.000000000000114, 20.003040000000055], [23.850000000000136, 20.000000000000057],
    [23.83766000000014, 19.580470000000105], [19.849260000000072, 21.49509000000006],
    [15.860850000000084, 23.409719999999993], [14.851300000000037, 22.862950000000126],
    [14.143870883855243, 22.491288967371133], [13.581424594790462, 23.04050608976928],
    [11.999505649471613, 23.47166840259645], [11.560669386449005, 24.097909247325518],
    [10.771363559622927, 24.56253205006175], [10.303846876678362, 24.379313259370917],
    [9.94826134607797, 24.936953640232517], [9.910692579801776, 25.365454616796796],
    [9.319410841518163, 26.094324856057455], [9.716285841519664, 26.512206325785655],
    [9.629056023811074, 27.14095347748092], [9.756128370816782, 27.688258571884205],
    [9.683884718472768, 28.1441738957792], [9.859997999723447, 28.959989732371014],
    [9.805634392952356, 29.424638373323376], [9.482139926805274, 30.307556057246188],
    [9.970017124072854, 30.53932485607524], [10.056575148161699, 30.961831366493527],
    [9.950225050505082, 31.376069647745258], [10.636901482799487, 31.761420803345757],
    [10.944789666394456, 32.081814683555365], [11.432253452203696, 32.368903103152874],
    [11.488787469131012, 33.13699575452324], [12.663310000000024, 32.79278000000005],
    [13.083260000000053, 32.878820000000076], [13.918679999999995, 32.71196000000009],
    [15.245630000000006, 32.26508000000007], [15.713939999999923, 31.376259999999945],
    [16.611620000000016, 31.18217999999996], [18.02108999999996, 30.76356999999996],
    [19.08641, 30.26639], [19.574040000000082, 30.52582000000001],
    [20.053349999999966, 30.985760000000028], [19.82033000000007, 31.751790000000142],
    [20.13396999999992, 32.238200000000006], [20.854520000000093, 32.70679999999999],
    [21.54298, 32.843200000000024], [22.895760000000053, 32.63857999999999],
    [23.236800000000017, 32.191490000000044], [23.609130000000107, 32.18725999999998],
    [23.92750000000001, 32.01667000000009], [24.921139999999923, 31.89936],
    [25.16482, 31.56915], [24.802869999999984, 31.089290000000005],
    [24.957620000000002, 30.6616], [24.70007, 30.044190000000004],
    [25.0, 29.23865452953346], [25.0, 25.682499996361], [25.0, 22.0],
]

# 12 nautical miles (UNCLOS territorial sea), in metres.
TERRITORIAL_SEA_M = 22224

# ---------------------------------------------------------------------------------------
# Zones. Lines are (lon, lat) lists; polygons are lists of rings (exterior first).
# Ring orientation is deliberately mixed (RFC 7946 asks for CCW exteriors; files from
# GIS tools often have either) — the engine must not care.
# ---------------------------------------------------------------------------------------

# Contact lines west of Sirte, ~6 km apart, from the coast (north of the road) into the
# desert. GNA holds the west, LAAF the east. Each side measures its weapon bands from
# its OWN line (as Minsk allowed). The LAAF line is broken by an (invented) impassable
# sabkha between 30.96 N and 30.90 N: a MultiLineString, so distances go to the nearest
# part and the gap is measured to the two loose ends.
GNA_LINE = [(15.96, 31.42), (15.95, 31.30), (15.92, 31.15), (15.88, 30.95), (15.83, 30.75), (15.78, 30.55)]
LAAF_LINE = [
    [(16.02, 31.40), (16.01, 31.28), (15.985, 31.13), (15.95, 30.96)],
    [(15.935, 30.90), (15.89, 30.73), (15.84, 30.53)],
]

# The Sirte–Ghardabiya–Waddan–Jufra road, the spine of the DMZ (20 km wide band).
DMZ_ROAD = [SIRTE, GHARDABIYA, (16.52, 30.60), (16.33, 29.80), WADDAN, JUFRA]
DMZ_HALF_WIDTH_M = 10000
DMZ_CIRCLE_M = 15000

# The coastal road Abu Grein – Sirte (via Buwairat al-Hasun and "Gate 30").
COASTAL_ROAD = [ABU_GREIN, BUWAIRAT, (16.00, 31.345), (16.30, 31.27), SIRTE]
COASTAL_ROAD_HALF_WIDTH_M = 2000

# Es Sider terminal: a plain polygon with axis-aligned edges, exterior CLOCKWISE.
OIL_ES_SIDER = [[(18.31, 30.60), (18.31, 30.65), (18.37, 30.65), (18.39, 30.63), (18.39, 30.60), (18.31, 30.60)]]

# Ras Lanuf: a MultiPolygon — terminal and refinery with the town cut out (hole, CW;
# exterior CCW), and a tank farm to the south-west (exterior CW, slanted edges).
OIL_RAS_LANUF = [
    [
        [(18.52, 30.47), (18.62, 30.47), (18.62, 30.53), (18.52, 30.53), (18.52, 30.47)],
        [(18.555, 30.478), (18.555, 30.492), (18.578, 30.492), (18.578, 30.478), (18.555, 30.478)],
    ],
    [[(18.40, 30.35), (18.41, 30.40), (18.46, 30.41), (18.47, 30.36), (18.40, 30.35)]],
]

# Marsa el Brega: terminal, refinery and airstrip around the town, the town excluded
# (hole). Exterior CCW, hole CCW too (both "wrong" for RFC 7946's holes: orientation
# must not matter).
OIL_BREGA = [
    [(19.55, 30.39), (19.70, 30.385), (19.715, 30.45), (19.62, 30.47), (19.55, 30.44), (19.55, 30.39)],
    [(19.655, 30.425), (19.68, 30.425), (19.68, 30.445), (19.655, 30.445), (19.655, 30.425)],
]

# Zillah fields: two blocks north-east and west of the town, a MultiPolygon.
OIL_ZILLAH = [
    [[(17.60, 28.60), (17.75, 28.58), (17.78, 28.70), (17.62, 28.72), (17.60, 28.60)]],
    [[(17.40, 28.45), (17.40, 28.52), (17.50, 28.52), (17.50, 28.45), (17.40, 28.45)]],
]

# The monitors' base in Sirte (a compound south-west of the centre), grown by a 200 m
# security perimeter (Polygon + buffer_m). Exterior CW.
MONITORS_BASE = [[(16.540, 31.176), (16.540, 31.182), (16.549, 31.183), (16.550, 31.176), (16.540, 31.176)]]
MONITORS_BASE_BUFFER_M = 200


def feature(zid, geometry, **props):
    return {"type": "Feature", "id": zid, "properties": {"name": props.pop("name"), "illustrative": True, **props},
            "geometry": geometry}


def r6(x: float) -> float:
    return round(x, 6)


def line_geom(pts):
    return {"type": "LineString", "coordinates": [[r6(x), r6(y)] for x, y in pts]}


def mline_geom(parts):
    return {"type": "MultiLineString", "coordinates": [[[r6(x), r6(y)] for x, y in p] for p in parts]}


def poly_geom(rings):
    return {"type": "Polygon", "coordinates": [[[r6(x), r6(y)] for x, y in ring] for ring in rings]}


def mpoly_geom(polys):
    return {"type": "MultiPolygon", "coordinates": [[[[r6(x), r6(y)] for x, y in ring] for ring in poly] for poly in polys]}


def point_geom(p):
    return {"type": "Point", "coordinates": [r6(p[0]), r6(p[1])]}


CAMPS = [
    # id, name, side, centre, radius_m
    ("camp_misrata", "Misrata garrison", "GNA", MISRATA, 4000),
    ("camp_mitiga", "Mitiga air base, Tripoli", "GNA", MITIGA, 3000),
    ("camp_watiya", "Al-Watiya air base", "GNA", WATIYA, 5000),
    ("camp_benina", "Benina air base", "LAAF", BENINA, 4000),
    ("camp_benghazi", "Benghazi garrison", "LAAF", BENGHAZI, 4000),
    ("camp_tamanhint", "Tamanhint air base", "LAAF", TAMANHINT, 5000),
]


def build_zones():
    f = []
    f.append(feature("libya", poly_geom([LIBYA_NE_110M]), name="Libya (country outline)", category="country",
                     source="Natural Earth 1:110m admin 0, public domain",
                     note="coarse coastline: Sirte, Misrata and Tripoli lie 2-6 km outside it; rules add the 22224 m territorial sea as margin_m"))
    f.append(feature("gna_line", line_geom(GNA_LINE), name="GNA contact line west of Sirte", category="contact_line",
                     side="GNA", buffer_m=0,
                     note="reference line for GNA weapon bands (rules give the distance as margin_m)"))
    f.append(feature("laaf_line", mline_geom(LAAF_LINE), name="LAAF contact line west of Sirte", category="contact_line",
                     side="LAAF", buffer_m=0,
                     note="two parts: broken by a sabkha between 30.96 N and 30.90 N; reference line for LAAF weapon bands"))
    f.append(feature("dmz_road", line_geom(DMZ_ROAD), name="DMZ: Sirte-Ghardabiya-Waddan-Jufra road band (20 km wide)",
                     category="dmz", buffer_m=DMZ_HALF_WIDTH_M))
    f.append(feature("dmz_sirte", point_geom(SIRTE), name="DMZ: Sirte", category="dmz", radius_m=DMZ_CIRCLE_M))
    f.append(feature("dmz_jufra", point_geom(JUFRA), name="DMZ: Al-Jufra air base", category="dmz", radius_m=DMZ_CIRCLE_M))
    f.append(feature("holding_misrata", point_geom(MISRATA_ACADEMY), name="GNA heavy-weapons holding area, Misrata air academy",
                     category="holding_area", side="GNA", radius_m=3000,
                     note="overlaps camp_misrata by about 0.5 km"))
    f.append(feature("holding_brega", point_geom((19.62, 30.33)), name="LAAF heavy-weapons holding area, south of Brega",
                     category="holding_area", side="LAAF", radius_m=3000))
    for zid, name, side, centre, radius in CAMPS:
        f.append(feature(zid, point_geom(centre), name=name, category="camp", side=side, radius_m=radius))
    f.append(feature("oil_es_sider", poly_geom(OIL_ES_SIDER), name="Es Sider oil terminal", category="oil"))
    f.append(feature("oil_ras_lanuf", mpoly_geom(OIL_RAS_LANUF), name="Ras Lanuf terminal, refinery and tank farm",
                     category="oil", note="the town of Ras Lanuf is a hole (not an oil zone)"))
    f.append(feature("oil_brega", poly_geom(OIL_BREGA), name="Marsa el Brega terminal and refinery", category="oil",
                     note="the town of Brega is a hole (not an oil zone)"))
    f.append(feature("oil_zillah", mpoly_geom(OIL_ZILLAH), name="Zillah oil fields", category="oil"))
    f.append(feature("coastal_road", line_geom(COASTAL_ROAD), name="Coastal road Abu Grein-Sirte corridor",
                     category="corridor", buffer_m=COASTAL_ROAD_HALF_WIDTH_M))
    f.append(feature("monitors_base", poly_geom(MONITORS_BASE), name="Ceasefire monitors' base, Sirte",
                     category="monitors", buffer_m=MONITORS_BASE_BUFFER_M,
                     note="compound grown by a 200 m perimeter"))
    return f


def validate_zones(features):
    """Every polygon valid (closed rings, >= 4 positions, no self-intersection, holes
    inside shells), every id unique; fail loudly otherwise."""
    ids = [ft["id"] for ft in features]
    assert len(ids) == len(set(ids)), "duplicate zone id"
    for ft in features:
        g = ft["geometry"]
        if g["type"] in ("Polygon", "MultiPolygon"):
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            for poly in polys:
                for ring in poly:
                    assert ring[0] == ring[-1] and len(ring) >= 4, ft["id"]
            shp = shape(g)
            assert shp.is_valid, (ft["id"], explain_validity(shp))
        if g["type"] in ("LineString", "MultiLineString"):
            assert "buffer_m" in ft["properties"], ft["id"]
        if g["type"] == "Point":
            assert "radius_m" in ft["properties"], ft["id"]
    return {ft["id"]: ft for ft in features}


def write_zones(features):
    # One feature per line: stable, diff-friendly, still plain GeoJSON.
    body = ",\n".join(json.dumps(ft, ensure_ascii=False) for ft in features)
    text = ('{"type": "FeatureCollection",\n "name": "zonewatch default scenario: Sirte-Jufra (ILLUSTRATIVE)",\n'
            ' "features": [\n' + body + "\n]}\n")
    (HERE / "zones.geojson").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Units.
# ---------------------------------------------------------------------------------------
UNITS = [
    # unit_id, side, class, role, foreign, home
    ("GNA-MECH-1", "GNA", "tank", "military", False, "camp_misrata"),
    ("GNA-INF-2", "GNA", "infantry", "military", False, "camp_mitiga"),
    ("GNA-ARTY-3", "GNA", "artillery", "military", False, "camp_misrata"),
    ("GNA-MLRS-4", "GNA", "mlrs", "military", False, "camp_watiya"),
    ("GNA-AIR-5", "GNA", "aircraft", "military", False, "camp_watiya"),
    ("GNA-FTC-1", "GNA", "drone", "training", True, ""),
    ("GNA-FGN-1", "GNA", "infantry", "military", True, ""),
    ("GNA-JPF-1", "GNA", "police", "police", False, ""),
    ("LAAF-MECH-1", "LAAF", "tank", "military", False, "camp_benghazi"),
    ("LAAF-INF-2", "LAAF", "infantry", "military", False, "camp_tamanhint"),
    ("LAAF-ARTY-2", "LAAF", "artillery", "military", False, "camp_benina"),
    ("LAAF-MLRS-4", "LAAF", "mlrs", "military", False, "camp_benghazi"),
    ("LAAF-AIR-5", "LAAF", "aircraft", "military", False, "camp_benina"),
    ("LAAF-FTC-1", "LAAF", "air_defence", "training", True, ""),
    ("LAAF-FGN-1", "LAAF", "infantry", "military", True, ""),
    ("LAAF-JPF-1", "LAAF", "police", "police", False, ""),
    ("PFG-1", "GNA", "guard", "pfg", False, ""),
    ("JMC-MON-1", "JMC", "observer", "monitor", False, ""),
    ("JMC-MON-2", "JMC", "observer", "monitor", False, ""),
    ("XG-1", "none", "infantry", "military", True, ""),
]


def write_units():
    lines = ["unit_id,side,class,role,foreign,home"]
    for u in UNITS:
        lines.append(f"{u[0]},{u[1]},{u[2]},{u[3]},{'true' if u[4] else 'false'},{u[5]}")
    (HERE / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Rules. Written as text (the TOML layout is part of what the engine is tested on).
# ---------------------------------------------------------------------------------------
JAN23 = "2021-01-23T00:00:00Z"  # T0 + 92 d: "within three months"

RULES_TOML = f'''# zonewatch default scenario: rules of an ILLUSTRATIVE Sirte-Jufra ceasefire agreement.
#
# Modelled on the 23 Oct 2020 Geneva ceasefire (5+5 JMC) and on Minsk-style weapon bands.
# T0 = 2020-10-23T00:00:00Z. Zones are in zones.geojson, units in units.csv.
# Nothing here is the text of a real agreement; ids, zones and distances are invented.
# Generated by generate.py — edit that, not this file.
#
# Parties: the rules bind sides GNA and LAAF (their units, police and foreign backers).
# The designated group XG-1 (side "none") is therefore outside every party rule; the one
# rule that reaches it by attribute alone (foreign_out: who foreign = true) exempts it
# by id.
#
# Tracking options (zonewatch check --incidents): units here report every 6-36 h, so every
# rule lets {MAX_GAP} of silence pass before an incident is cut in two (max_gap). In the DMZ
# an incident counts as sustained from 12 h and 3 reports, and ends only 500 m back out
# (hysteresis_m: LAAF-INF-2 lingers on its edge); the 25 km artillery band has the same
# hysteresis (LAAF-ARTY-2 sits on it); a unit out of its camp for less than a day is a
# transient incident, never confirmed.

# Foreign training crews leave Libya immediately: land, air and sea. The sea is the
# 12-nautical-mile territorial sea (22224 m), given as margin_m; it also absorbs the
# 1:110m coastline, which cuts off Sirte, Misrata and Tripoli by 2-6 km.
[[rule]]
id = "training_out"
kind = "keep_out"
zones = ["libya"]
margin_m = {TERRITORIAL_SEA_M}
from = "2020-10-23T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
roles = ["training"]

# All foreign forces out of Libya (land, air, sea) within three months.
[[rule]]
id = "foreign_out"
kind = "keep_out"
zones = ["libya"]
margin_m = {TERRITORIAL_SEA_M}
from = "{JAN23}"
max_gap = "{MAX_GAP}"
[rule.who]
foreign = true
[rule.except]
units = ["XG-1"]

# The parties' own military units back in their camps by the deadline.
[[rule]]
id = "camps"
kind = "stay_in"
zones = ["home"]
from = "{JAN23}"
max_gap = "{MAX_GAP}"
min_duration = "1d"
[rule.who]
sides = ["GNA", "LAAF"]
classes = ["tank", "infantry", "aircraft"]
roles = ["military"]
foreign = false

# Artillery and MLRS: in their camp or in their side's holding area.
[[rule]]
id = "camps_heavy_gna"
kind = "stay_in"
zones = ["home", "holding_misrata"]
from = "{JAN23}"
max_gap = "{MAX_GAP}"
min_duration = "1d"
[rule.who]
sides = ["GNA"]
classes = ["artillery", "mlrs"]
roles = ["military"]
foreign = false

[[rule]]
id = "camps_heavy_laaf"
kind = "stay_in"
zones = ["home", "holding_brega"]
from = "{JAN23}"
max_gap = "{MAX_GAP}"
min_duration = "1d"
[rule.who]
sides = ["LAAF"]
classes = ["artillery", "mlrs"]
roles = ["military"]
foreign = false

# The DMZ from the deadline: only the joint police and the monitors.
[[rule]]
id = "dmz"
kind = "keep_out"
zones = ["dmz_road", "dmz_sirte", "dmz_jufra"]
margin_m = 0
from = "{JAN23}"
max_gap = "{MAX_GAP}"
min_duration = "12h"
min_reports = 3
hysteresis_m = 500
[rule.who]
sides = ["GNA", "LAAF"]
[rule.except]
roles = ["police", "monitor"]

# Weapon bands, Minsk style, each side measured from its OWN contact line:
# tanks 15 km from T0+15 d, artillery 25 km and MLRS 35 km from T0+39 d.
[[rule]]
id = "gna_tank_15km"
kind = "keep_out"
zones = ["gna_line"]
margin_m = 15000
from = "2020-11-07T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA"]
classes = ["tank"]

[[rule]]
id = "gna_artillery_25km"
kind = "keep_out"
zones = ["gna_line"]
margin_m = 25000
from = "2020-12-01T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA"]
classes = ["artillery"]

[[rule]]
id = "gna_mlrs_35km"
kind = "keep_out"
zones = ["gna_line"]
margin_m = 35000
from = "2020-12-01T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA"]
classes = ["mlrs"]

[[rule]]
id = "laaf_tank_15km"
kind = "keep_out"
zones = ["laaf_line"]
margin_m = 15000
from = "2020-11-07T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["LAAF"]
classes = ["tank"]

[[rule]]
id = "laaf_artillery_25km"
kind = "keep_out"
zones = ["laaf_line"]
margin_m = 25000
from = "2020-12-01T00:00:00Z"
max_gap = "{MAX_GAP}"
min_reports = 2
hysteresis_m = 500
[rule.who]
sides = ["LAAF"]
classes = ["artillery"]

[[rule]]
id = "laaf_mlrs_35km"
kind = "keep_out"
zones = ["laaf_line"]
margin_m = 35000
from = "2020-12-01T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["LAAF"]
classes = ["mlrs"]

# Oil installations: Petroleum Facilities Guard only.
[[rule]]
id = "oil_pfg_only"
kind = "keep_out"
zones = ["oil_es_sider", "oil_ras_lanuf", "oil_brega", "oil_zillah"]
margin_m = 0
from = "2020-10-23T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA", "LAAF"]
[rule.except]
roles = ["pfg"]

# The coastal road Abu Grein-Sirte stays closed to the parties' military units until it
# reopens on 30 Jul 2021 (from then on only convoys are banned: a later, count-based rule).
[[rule]]
id = "coastal_road_closed"
kind = "keep_out"
zones = ["coastal_road"]
margin_m = 0
from = "2020-10-23T00:00:00Z"
until = "2021-07-30T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA", "LAAF"]
roles = ["military"]

# No military unit within 1 km of the monitors' base perimeter once UNSC 2570 (16 Apr 2021)
# sends monitors. The base is a polygon grown by 200 m; the margin grows it by 1 km more.
[[rule]]
id = "monitors_base_perimeter"
kind = "keep_out"
zones = ["monitors_base"]
margin_m = 1000
from = "2021-04-16T00:00:00Z"
max_gap = "{MAX_GAP}"
[rule.who]
sides = ["GNA", "LAAF"]
roles = ["military"]
'''


def check_rules(zones_by_id):
    """Parse our own TOML back and check ids, zone references and homes."""
    import tomllib

    rules = tomllib.loads(RULES_TOML)["rule"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "duplicate rule id"
    units = {u[0]: dict(side=u[1], **{"class": u[2]}, role=u[3], foreign=u[4], home=u[5]) for u in UNITS}
    for u in units.values():
        assert u["home"] == "" or u["home"] in zones_by_id, u
    for r in rules:
        assert r["kind"] in ("keep_out", "stay_in")
        for z in r["zones"]:
            assert z in zones_by_id or (r["kind"] == "stay_in" and z == "home"), (r["id"], z)
        if r["kind"] == "stay_in" and "home" in r["zones"]:
            for uid, u in units.items():
                if covers(r, uid, u):
                    assert u["home"], f"{uid} covered by {r['id']} has no home"
    return rules


def filter_matches(flt, uid, u):
    for key, attr in (("sides", "side"), ("classes", "class"), ("roles", "role")):
        if key in flt and u.get(attr) not in flt[key]:
            return False
    if "units" in flt and uid not in flt["units"]:
        return False
    if "foreign" in flt and u.get("foreign") != flt["foreign"]:
        return False
    return True


def covers(rule, uid, u):
    return filter_matches(rule.get("who", {}), uid, u) and not ("except" in rule and filter_matches(rule["except"], uid, u))


# ---------------------------------------------------------------------------------------
# Tracks: per unit, a list of legs in time; each leg places the unit somewhere.
# ---------------------------------------------------------------------------------------
def direct(p, azi, dist_m):
    g = GEOD.Direct(p[1], p[0], azi, dist_m)
    return (g["lon2"], g["lat2"])


def azimuth(a, b):
    return GEOD.Inverse(a[1], a[0], b[1], b[0])["azi1"]


def lerp(a, b, u):
    return (a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u)


def offset_from_segment(a, b, u, side, dist_m):
    """The point dist_m from the point at fraction u of segment a-b (straight in lon/lat),
    perpendicular to it, on side 'east', 'west', 'north' or 'south'. For a point beside
    the middle of a long, nearly straight stretch the nearest point of the line is that
    foot, so its distance to the line is dist_m to within a few metres."""
    foot = lerp(a, b, u)
    az = azimuth(foot, b)
    left, right = az - 90.0, az + 90.0
    lean = {"east": lambda z: math.sin(math.radians(z)), "west": lambda z: -math.sin(math.radians(z)),
            "north": lambda z: math.cos(math.radians(z)), "south": lambda z: -math.cos(math.radians(z))}[side]
    return direct(foot, left if lean(left) > 0 else right, dist_m)


@dataclass
class Leg:
    start: datetime
    end: datetime
    kind: str  # "stay", "move", "band", "gone"
    a: tuple = None  # stay: centre; move: from
    b: tuple = None  # move: to
    r: float = 0.0  # stay: jitter radius (m); move: jitter (m)
    band: tuple = None  # (segment a, segment b, u range, side, mean dist, sd)


def stay(t1, t2, centre, r):
    return Leg(day(t1), day(t2), "stay", centre, None, r)


def move(t1, t2, a, b, jitter=300):
    return Leg(day(t1), day(t2), "move", a, b, jitter)


def band(t1, t2, seg_a, seg_b, side, mean, sd, u=(0.3, 0.7)):
    return Leg(day(t1), day(t2), "band", band=(seg_a, seg_b, u, side, mean, sd))


def gone(t1):
    return Leg(day(t1), END, "gone")


def position(leg: Leg, t: datetime, rng: random.Random):
    if leg.kind == "stay":
        # uniform in the disc of radius r
        return direct(leg.a, rng.uniform(0, 360), leg.r * math.sqrt(rng.random()))
    if leg.kind == "move":
        u = (t - leg.start) / (leg.end - leg.start)
        p = lerp(leg.a, leg.b, u)
        return direct(p, rng.uniform(0, 360), leg.r * math.sqrt(rng.random()))
    if leg.kind == "band":
        a, b, (u1, u2), side, mean, sd = leg.band
        return offset_from_segment(a, b, rng.uniform(u1, u2), side, rng.gauss(mean, sd))
    return None


# Useful places for tracks.
GNA_FRONT = (15.86, 31.10)  # ~6 km west of the GNA line, south of the coastal road
GNA_REAR = (15.62, 31.05)  # ~28 km west of the GNA line
LAAF_FRONT = (16.10, 31.10)  # ~10 km east of the LAAF line
LAAF_REAR = (16.30, 31.02)  # ~30 km east of the LAAF line, ~30 km west of the DMZ road
MALTA = (14.51, 35.90)
TUNIS = (10.18, 36.80)
NIGER = (12.60, 21.60)  # ~190 km beyond Libya's border
HOLDING_BREGA = (19.62, 30.33)

# The LAAF line's segment beside which LAAF-ARTY-2 sits near its 25 km band edge.
LAAF_SEG = ((16.01, 31.28), (15.985, 31.13))
# The DMZ road segment where LAAF-INF-2 lingers at the band's west edge.
DMZ_SEG = ((16.52, 30.60), (16.33, 29.80))


# The coarse coastline edge north-west of Misrata (13.91868,32.71196 -> 15.24563,32.26508,
# as rounded in zones.geojson): GNA-FGN-1's ship waits just beyond the territorial sea
# on its outward (north) perpendicular.
COAST_NW_OF_MISRATA = ((13.91868, 32.71196), (15.24563, 32.26508))


TRACKS = {
    # Complies with everything: leaves the tank band before it is in force, goes home by
    # an inland route (not the closed coastal road), and stays well inside its camp.
    "GNA-MECH-1": [
        stay("2020-10-23", "2020-11-04", GNA_FRONT, 2000),
        move("2020-11-04", "2020-11-06", GNA_FRONT, GNA_REAR),
        stay("2020-11-06", "2021-01-10", GNA_REAR, 3000),
        move("2021-01-10", "2021-01-14", GNA_REAR, (15.10, 31.30)),
        move("2021-01-14", "2021-01-20", (15.10, 31.30), MISRATA),
        stay("2021-01-20", "2021-09-01", MISRATA, 2500),
    ],
    # Mans a checkpoint on the closed coastal road (confirmed coastal_road_closed), goes
    # home along it, complies in camp, then travels after the road reopened (not flagged
    # by the road rule any more, but outside its camp: camps).
    "GNA-INF-2": [
        stay("2020-10-23", "2020-12-20", (15.80, 31.395), 600),
        move("2020-12-20", "2020-12-24", (15.80, 31.395), ABU_GREIN, 200),
        move("2020-12-24", "2021-01-15", ABU_GREIN, MITIGA),
        stay("2021-01-15", "2021-08-05", MITIGA, 1800),
        stay("2021-08-05", "2021-08-12", (15.45, 31.434), 800),
        stay("2021-08-12", "2021-09-01", MITIGA, 1800),
    ],
    # Violates the 25 km band only BEFORE it is in force (18 km from its line until
    # 28 Nov), then complies: holding area from mid-January (which overlaps its camp).
    "GNA-ARTY-3": [
        stay("2020-10-23", "2020-11-25", (15.72, 31.12), 1500),
        move("2020-11-25", "2020-11-28", (15.72, 31.12), (15.55, 31.15)),
        stay("2020-11-28", "2021-01-05", (15.55, 31.15), 2500),
        move("2021-01-05", "2021-01-10", (15.55, 31.15), (15.10, 31.30)),
        move("2021-01-10", "2021-01-18", (15.10, 31.30), MISRATA_ACADEMY),
        stay("2021-01-18", "2021-09-01", MISRATA_ACADEMY, 2000),
    ],
    # Withdraws late: ~30 km from its line until 5 Dec, inside the 35 km MLRS band for
    # five days after it came into force (confirmed), then home to Al-Watiya.
    "GNA-MLRS-4": [
        stay("2020-10-23", "2020-12-05", (15.60, 30.95), 1500),
        move("2020-12-05", "2020-12-07", (15.60, 30.95), (15.35, 30.95)),
        stay("2020-12-07", "2021-01-12", (15.35, 30.95), 3000),
        move("2021-01-12", "2021-01-21", (15.35, 30.95), WATIYA),
        stay("2021-01-21", "2021-09-01", WATIYA, 3500),
    ],
    # Air unit: detached to Misrata before the deadline (no rule), home in time.
    "GNA-AIR-5": [
        stay("2020-10-23", "2020-11-01", WATIYA, 3500),
        stay("2020-11-01", "2020-12-15", MISRATA_ACADEMY, 1500),
        stay("2020-12-15", "2021-09-01", WATIYA, 3500),
    ],
    # Foreign training crew: still at Al-Watiya and Mitiga for two weeks after T0
    # (training_out confirmed from the first instant), then out via Malta.
    "GNA-FTC-1": [
        stay("2020-10-23", "2020-11-03", WATIYA, 2500),
        move("2020-11-03", "2020-11-05", WATIYA, MITIGA, 1000),
        move("2020-11-05", "2020-11-07", MITIGA, MALTA, 1000),
        stay("2020-11-07", "2020-11-20", MALTA, 3000),
        gone("2020-11-20"),
    ],
    # Foreign contingent: at the front, then leaves by sea just before the deadline.
    # Its last reports (24-30 Jan) come from a ship sitting on the territorial-sea limit
    # (22224 m +- 150 m off the coarse coastline, accuracy up to 500 m: possible flags).
    "GNA-FGN-1": [
        stay("2020-10-23", "2021-01-08", (15.84, 30.90), 2500),
        move("2021-01-08", "2021-01-18", (15.84, 30.90), MITIGA, 1000),
        stay("2021-01-18", "2021-01-22", MITIGA, 1500),
        band("2021-01-22", "2021-01-31", *COAST_NW_OF_MISRATA, "north", TERRITORIAL_SEA_M, 150, (0.4, 0.6)),
        gone("2021-01-31"),
    ],
    # Joint police (GNA component): Misrata, then DMZ patrols (allowed: police).
    "GNA-JPF-1": [
        stay("2020-10-23", "2021-01-20", MISRATA, 3000),
        move("2021-01-20", "2021-01-25", MISRATA, SIRTE, 1000),
        stay("2021-01-25", "2021-09-01", (16.58, 30.90), 20000),
    ],
    # Violates with margin: 9-14 km from its own line for two weeks after the tank band is
    # in force (confirmed), then pulls back; returns to Benghazi LATE (three weeks after
    # the deadline) along the coast through the DMZ at Sirte.
    "LAAF-MECH-1": [
        stay("2020-10-23", "2020-11-21", LAAF_FRONT, 3000),
        move("2020-11-21", "2020-11-23", LAAF_FRONT, LAAF_REAR),
        stay("2020-11-23", "2021-01-20", LAAF_REAR, 3000),
        move("2021-01-20", "2021-01-26", LAAF_REAR, (16.80, 31.12), 1000),
        move("2021-01-26", "2021-02-01", (16.80, 31.12), BEN_JAWAD, 1000),
        move("2021-02-01", "2021-02-08", BEN_JAWAD, (19.75, 30.30), 1000),
        move("2021-02-08", "2021-02-13", (19.75, 30.30), BENGHAZI, 1000),
        stay("2021-02-13", "2021-09-01", BENGHAZI, 3000),
    ],
    # In Sirte before the DMZ deadline (not flagged), then lingers on the DMZ's west edge
    # south of Ghardabiya for four weeks after it (10 km +- 300 m from the road: a mix of
    # possible and confirmed dmz flags, and confirmed camps flags), then to Tamanhint.
    "LAAF-INF-2": [
        stay("2020-10-23", "2021-01-15", SIRTE, 6000),
        move("2021-01-15", "2021-01-22", SIRTE, lerp(*DMZ_SEG, 0.5), 2000),
        band("2021-01-22", "2021-02-20", *DMZ_SEG, "west", DMZ_HALF_WIDTH_M, 300),
        move("2021-02-20", "2021-02-26", lerp(*DMZ_SEG, 0.6), SOKNA, 1000),
        move("2021-02-26", "2021-03-05", SOKNA, TAMANHINT, 1000),
        stay("2021-03-05", "2021-09-01", TAMANHINT, 3500),
    ],
    # Sits on its 25 km band edge for three weeks after the band is in force (25 km +-
    # 300 m, accuracies up to 500 m: possible and confirmed), then to the holding area.
    "LAAF-ARTY-2": [
        stay("2020-10-23", "2020-11-28", (16.20, 31.20), 2000),
        band("2020-11-28", "2020-12-20", *LAAF_SEG, "east", 25000, 300),
        move("2020-12-20", "2020-12-23", (16.26, 31.21), (16.45, 31.00)),
        stay("2020-12-23", "2021-01-10", (16.45, 31.00), 1500),
        move("2021-01-10", "2021-01-22", (16.45, 31.00), HOLDING_BREGA, 1000),
        stay("2021-01-22", "2021-09-01", HOLDING_BREGA, 2200),
    ],
    # Complies (out of the MLRS band in time, holding area by the deadline) — except one
    # GPS glitch on 14 Mar 2021 that teleports it ~400 km west for a single report.
    "LAAF-MLRS-4": [
        stay("2020-10-23", "2020-11-25", (16.20, 31.05), 1500),
        move("2020-11-25", "2020-11-28", (16.20, 31.05), (16.60, 30.30)),
        stay("2020-11-28", "2021-01-05", (16.60, 30.30), 3000),
        move("2021-01-05", "2021-01-15", (16.60, 30.30), HOLDING_BREGA, 1000),
        stay("2021-01-15", "2021-09-01", HOLDING_BREGA, 2200),
    ],
    # Air unit at Jufra (inside the DMZ circle) until four days after the deadline.
    "LAAF-AIR-5": [
        stay("2020-10-23", "2021-01-27", JUFRA, 2500),
        stay("2021-01-27", "2021-09-01", BENINA, 3000),
    ],
    # Foreign training crew: stays at Jufra (training_out from T0; foreign_out and dmz
    # from the deadline), then Brak, then leaves into Niger in June.
    "LAAF-FTC-1": [
        stay("2020-10-23", "2021-03-15", JUFRA, 3000),
        move("2021-03-15", "2021-03-20", JUFRA, BRAK, 1000),
        stay("2021-03-20", "2021-05-31", BRAK, 3000),
        move("2021-05-31", "2021-06-06", BRAK, NIGER, 1000),
        stay("2021-06-06", "2021-06-15", NIGER, 3000),
        gone("2021-06-15"),
    ],
    # Foreign contingent that never leaves: Sirte (close to the monitors' base after
    # 16 Apr), Ras Lanuf oil zone (partly in the town, a hole), then Jufra.
    "LAAF-FGN-1": [
        stay("2020-10-23", "2021-04-10", (16.56, 31.19), 3000),
        stay("2021-04-10", "2021-05-01", (16.545, 31.1795), 1800),
        move("2021-05-01", "2021-05-05", (16.545, 31.1795), RAS_LANUF, 1000),
        stay("2021-05-05", "2021-06-30", (18.57, 30.49), 2500),
        move("2021-06-30", "2021-07-06", (18.57, 30.49), JUFRA, 1000),
        stay("2021-07-06", "2021-09-01", JUFRA, 4000),
    ],
    # Joint police (LAAF component): Sirte and Ghardabiya (allowed in the DMZ).
    "LAAF-JPF-1": [
        stay("2020-10-23", "2021-09-01", lerp(SIRTE, GHARDABIYA, 0.5), 9000),
    ],
    # Petroleum Facilities Guard: inside the oil zones (allowed).
    "PFG-1": [
        stay("2020-10-23", "2021-02-01", (18.35, 30.625), 2000),
        stay("2021-02-01", "2021-06-01", (18.60, 30.51), 1500),
        stay("2021-06-01", "2021-09-01", (19.60, 30.41), 1500),
    ],
    # Monitors: the base in Sirte, and patrols down the DMZ road (allowed).
    "JMC-MON-1": [
        stay("2020-10-23", "2021-09-01", (16.545, 31.1795), 600),
    ],
    "JMC-MON-2": [
        stay("2020-10-23", "2021-03-01", lerp(GHARDABIYA, (16.52, 30.60), 0.5), 12000),
        stay("2021-03-01", "2021-09-01", lerp(WADDAN, JUFRA, 0.5), 12000),
    ],
    # The UN-designated group: around Zillah and in its oil fields — never flagged.
    "XG-1": [
        stay("2020-10-23", "2021-04-01", (17.45, 28.48), 4000),
        stay("2021-04-01", "2021-09-01", (17.68, 28.64), 5000),
    ],
}

# Report cadence (hours between reports) and the sources each unit is seen by.
SOURCES = {
    # source: (accuracy range in metres)
    "gps": (5, 30),
    "uav": (20, 150),
    "humint": (150, 500),
}
CADENCE_H = (6, 36)  # mean 21 h: ~360 reports per unit over the 10 months


def source_weights(unit_id):
    if unit_id.startswith("JMC-"):
        return {"gps": 0.95, "uav": 0.05, "humint": 0.0}
    if unit_id in ("XG-1", "LAAF-FGN-1", "GNA-FGN-1", "LAAF-FTC-1", "GNA-FTC-1"):
        return {"gps": 0.1, "uav": 0.5, "humint": 0.4}
    return {"gps": 0.55, "uav": 0.3, "humint": 0.15}


def leg_at(legs, t):
    for leg in legs:
        if leg.start <= t < leg.end:
            return leg
    return None


def build_reports(rng: random.Random):
    rows = []
    glitch_done = False
    dup_done = False
    for unit_id, *_ in UNITS:
        legs = TRACKS[unit_id]
        weights = source_weights(unit_id)
        names = [s for s in SOURCES if weights[s] > 0]
        t = T0 + timedelta(seconds=rng.randrange(0, 12 * 3600))
        while t < END:
            leg = leg_at(legs, t)
            if leg is not None and leg.kind != "gone":
                p = position(leg, t, rng)
                src = rng.choices(names, [weights[s] for s in names])[0]
                lo, hi = SOURCES[src]
                acc = rng.randint(lo, hi)
                rows.append((t, unit_id, p, acc, src))
                if unit_id == "LAAF-MLRS-4" and not glitch_done and t >= day("2021-03-14"):
                    # GPS glitch: 40 minutes after a good report, one report ~400 km west
                    # of where the unit really is (~600 km/h: an impossible speed).
                    rows.append((t + timedelta(minutes=40), unit_id, direct(p, 272.0, 400000.0), 10, "gps"))
                    glitch_done = True
                if unit_id == "LAAF-INF-2" and not dup_done and t >= day("2021-02-09"):
                    # The same observation relayed twice: an exact duplicate (another id).
                    rows.append((t, unit_id, p, acc, src))
                    dup_done = True
            t += timedelta(seconds=rng.randrange(CADENCE_H[0] * 3600, CADENCE_H[1] * 3600))
    assert glitch_done and dup_done
    rows.sort(key=lambda r: (r[0], r[1]))
    out = ["report_id,unit_id,time,lon,lat,accuracy_m,source"]
    for i, (t, unit_id, p, acc, src) in enumerate(rows, 1):
        out.append(f"S{i:05d},{unit_id},{rfc3339(t)},{p[0]:.6f},{p[1]:.6f},{acc},{src}")
    (HERE / "reports.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(rows)


def main():
    rng = random.Random(SEED)
    features = build_zones()
    zones_by_id = validate_zones(features)
    write_zones(features)
    rules = check_rules(zones_by_id)
    (HERE / "rules.toml").write_text(RULES_TOML, encoding="utf-8")
    write_units()
    n = build_reports(rng)
    # Sanity: the places the scenario leans on are where we think they are.
    libya = shape(zones_by_id["libya"]["geometry"])
    assert libya.covers(ShpPoint(*JUFRA)) and not libya.covers(ShpPoint(*SIRTE))
    print(f"{len(features)} zones, {len(rules)} rules, {len(UNITS)} units, {n} reports")


if __name__ == "__main__":
    main()
