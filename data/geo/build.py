#!/usr/bin/env python3
"""Builds Netra's compact map geometry from the boundary GeoJSON in ../shared/data (dev-only input).

    python3 data/geo/build.py [SHARED_DATA_DIR]     # default: ../shared/data beside the repository

Writes data/geo/provinces.paths and data/geo/regencies.paths: one line per region,
`CODE<TAB>SVG path data`, already projected into the map's coordinate system so the product only
has to paste the paths into an <svg>. Projection: equirectangular (plate carrée) on lon 94..142 E,
lat 11 S..6 N, 100 units per degree (x = (lon - 94) * 100, y = (6 - lat) * 100), which keeps
Indonesia's shape within ~2 % (cos 11 deg = 0.98) and gives a 4800 x 1700 view box. Coordinates are
rounded to whole units (0.01 deg, about 1.1 km), rings are simplified with Douglas-Peucker and
islands smaller than a few units are dropped (never a region's largest ring). Standard library only.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
LON0, LAT0, SCALE = 94.0, 6.0, 100.0


def project(lon, lat):
    return (round((lon - LON0) * SCALE), round((LAT0 - lat) * SCALE))


def dp(points, tol):
    """Douglas-Peucker on an open polyline (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, idx = d, i
        if best > tol:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    return [p for p, k in zip(points, keep) if k]


def ring_area(r):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1]))) / 2.0


def simplify_ring(coords, tol):
    pts = []
    for lon, lat in coords:
        p = project(lon, lat)
        if not pts or pts[-1] != p:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        return pts
    # Split the closed ring at its farthest point from the start so DP keeps the shape.
    far = max(range(len(pts)), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
    first = dp(pts[: far + 1], tol)
    second = dp(pts[far:] + [pts[0]], tol)
    return first[:-1] + second[:-1]


def path_of(rings):
    out = []
    for r in rings:
        x, y = r[0]
        seg = [f"M{x} {y}"]
        rel = []
        for (x0, y0), (x1, y1) in zip(r, r[1:]):
            rel.append(f"{x1 - x0} {y1 - y0}")
        seg.append("l" + " ".join(rel) + "z")
        out.append("".join(seg))
    # SVG accepts "3-4" for "3 -4"; drop the space before a minus sign.
    return "".join(out).replace(" -", "-")


def build(src, dst, tol, min_area):
    features = json.load(open(src, encoding="utf-8"))["features"]
    lines = []
    for f in sorted(features, key=lambda f: f["properties"]["code"]):
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings = []
        for poly in polys:
            for i, ring in enumerate(poly):
                r = simplify_ring(ring, tol)
                if len(r) >= 3:
                    rings.append((i == 0, r))
        if not rings:
            raise SystemExit(f"{f['properties']['code']}: no ring survived simplification")
        largest = max(ring_area(r) for _, r in rings)
        kept = [r for outer, r in rings if ring_area(r) >= min_area or ring_area(r) == largest]
        lines.append(f"{f['properties']['code']}\t{path_of(kept)}")
    with open(dst, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{dst}: {len(lines)} regions, {os.path.getsize(dst):,} bytes")


if __name__ == "__main__":
    big = os.path.join(SHARED, "geo-big-ardian28")
    build(os.path.join(big, "provinces-38.big.kemendagri.geojson"), os.path.join(HERE, "provinces.paths"), 3.0, 12.0)
    build(os.path.join(big, "regencies.kemendagri2025.geojson"), os.path.join(HERE, "regencies.paths"), 1.2, 3.0)
