"""Great-circle distances, vectorised, and a BallTree for radius search."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def distance_matrix_km(a_units: np.ndarray, b_units: np.ndarray) -> np.ndarray:
    """Great-circle distance between every row of ``a`` (A×3) and ``b`` (B×3) → A×B, in km.

    Uses the chord length (well conditioned for short distances, unlike arccos of a dot product)."""
    diff = a_units[:, None, :] - b_units[None, :, :]
    chord = np.sqrt(np.einsum("abk,abk->ab", diff, diff))
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """One pair, plain Python (the reference implementation's distance)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class RadiusIndex:
    """A scikit-learn BallTree (haversine metric) over points, for 'everything within r km'."""

    def __init__(self, lat_deg: np.ndarray, lon_deg: np.ndarray) -> None:
        from sklearn.neighbors import BallTree  # here: importing scikit-learn takes seconds

        points = np.radians(np.column_stack((lat_deg, lon_deg)))
        self.tree = BallTree(points, metric="haversine") if len(points) else None  # none to search

    def within(self, lat: float, lon: float, radius_km: float) -> np.ndarray:
        if self.tree is None:
            return np.array([], dtype=np.int64)
        point = np.radians([[lat, lon]])
        return np.sort(self.tree.query_radius(point, r=radius_km / EARTH_RADIUS_KM)[0])

    def within_any(
        self, lat_deg: np.ndarray, lon_deg: np.ndarray, radii_km: np.ndarray
    ) -> np.ndarray:
        """Indices within each point's own radius, united (sorted, unique)."""
        if self.tree is None or len(lat_deg) == 0:
            return np.array([], dtype=np.int64)
        points = np.radians(np.column_stack((lat_deg, lon_deg)))
        hits = self.tree.query_radius(points, r=np.asarray(radii_km) / EARTH_RADIUS_KM)
        return np.unique(np.concatenate(hits)) if len(hits) else np.array([], dtype=np.int64)
