import math
import re

import h3
import numpy as np
import pytest
from esda import G_Local
from libpysal.weights import W, lat2W

from backend.analytics.estimation.hotspots import (
    ERROR_MISSING_SELF,
    ERROR_SHAPE_MISMATCH,
    Adjacency,
    benjamini_hochberg,
    confidence_bins,
    gi_star,
    hex_cells,
    hex_grid_for_polygon,
    hex_grid_values,
    hex_neighbors,
    lattice_neighbors,
    two_sided_p,
)

# A 2 km × 2 km box in San Miguel, Santiago (lon/lat, GeoJSON order).
STUDY_AREA = {
    "type": "Polygon",
    "coordinates": [[(-70.66, -33.51), (-70.64, -33.51), (-70.64, -33.49), (-70.66, -33.49), (-70.66, -33.51)]],
}


def _esda_z(values: np.ndarray, weights: W) -> np.ndarray:
    return G_Local(values, weights, transform="B", star=True, permutations=0).Zs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rook_lattice_matches_esda(seed):
    # Given Poisson counts on a 20 × 20 rook lattice
    values = np.random.default_rng(seed).poisson(3, 400).astype(float)
    # When
    ours = gi_star(values, lattice_neighbors(20, 20))
    # Then esda (which adds the self-weight itself for star=True) agrees
    np.testing.assert_allclose(ours.z, _esda_z(values, lat2W(20, 20, rook=True)), rtol=0, atol=1e-9)


def test_queen_lattice_with_skewed_counts_matches_esda():
    # Given mostly-zero, overdispersed counts on a 15 × 25 queen lattice
    rng = np.random.default_rng(7)
    values = rng.negative_binomial(1, 0.3, 375).astype(float)
    # When
    ours = gi_star(values, lattice_neighbors(15, 25, queen=True))
    # Then
    np.testing.assert_allclose(ours.z, _esda_z(values, lat2W(15, 25, rook=False)), rtol=0, atol=1e-9)


def test_h3_grid_matches_esda():
    # Given every resolution-9 cell of the study area with random counts
    cells = hex_grid_for_polygon(STUDY_AREA, 9)
    adjacency = hex_neighbors(cells)
    values = np.random.default_rng(3).poisson(2, len(cells)).astype(float)
    # libpysal gets the neighbours without self; esda adds self for star=True.
    neighbours = {
        i: [int(j) for j in adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]] if j != i]
        for i in range(len(cells))
    }
    # When
    ours = gi_star(values, adjacency)
    # Then
    assert len(cells) > 40
    np.testing.assert_allclose(ours.z, _esda_z(values, W(neighbours, silence_warnings=True)), rtol=0, atol=1e-9)


def test_hand_computed_gi_star_on_a_path():
    # Given a path of 4 cells 0–1–2–3 with values 1, 2, 3, 10 (mean 4, population sd √12.5)
    adjacency = Adjacency(np.array([0, 2, 5, 8, 10]), np.array([0, 1, 0, 1, 2, 1, 2, 3, 2, 3]))
    # When
    result = gi_star([1, 2, 3, 10], adjacency)
    # Then cell 3: local sum 13, c = 2, z = (13 − 8)/(√12.5·√(2·2/3)) = 5/√(50/3)
    assert result.z[3] == pytest.approx(5 / math.sqrt(50 / 3), abs=1e-12)
    # cell 1: local sum 6, c = 3, z = (6 − 12)/(√12.5·√(3·1/3)) = −6/√12.5
    assert result.z[1] == pytest.approx(-6 / math.sqrt(12.5), abs=1e-12)


def test_constant_values_give_zero_z_and_no_bins():
    # Given a flat surface (esda would return NaN)
    # When
    result = gi_star(np.full(400, 4.0), lattice_neighbors(20, 20))
    # Then
    assert np.all(result.z == 0)
    assert np.all(result.p_two_sided == 1)
    assert np.all(result.bins == 0)


def test_all_zero_values_give_zero_z():
    # Given / When
    result = gi_star(np.zeros(9), lattice_neighbors(3, 3))
    # Then
    assert np.all(result.z == 0)


def test_a_planted_hotspot_is_binned_hot():
    # Given a 30 × 30 lattice of ones with a 3 × 3 block of 20s in the middle
    values = np.ones((30, 30))
    values[14:17, 14:17] = 20
    # When
    result = gi_star(values.ravel(), lattice_neighbors(30, 30))
    # Then the centre of the block is a 99% hotspot and a far corner is not significant
    assert result.bins[15 * 30 + 15] == 3
    assert result.bins[0] == 0


def test_adjacency_without_self_is_refused():
    # Given a rook lattice without the diagonal
    adjacency = lattice_neighbors(3, 3)
    rows = np.repeat(np.arange(9), np.diff(adjacency.indptr))
    keep = adjacency.indices != rows
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=9))])
    # When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_MISSING_SELF)):
        gi_star(np.arange(9.0), (indptr, adjacency.indices[keep]))


def test_mismatched_sizes_are_refused():
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_SHAPE_MISMATCH)):
        gi_star(np.arange(8.0), lattice_neighbors(3, 3))


def test_two_sided_p_from_erfc():
    # Given / When
    p = two_sided_p(np.array([0.0, 1.96, -1.96, 2.5758293035489]))
    # Then
    np.testing.assert_allclose(p, [1.0, 0.04999579029644087, 0.04999579029644087, 0.01], rtol=0, atol=1e-12)


def test_benjamini_hochberg_by_hand():
    # Given p = 0.04, 0.5, 0.041 (n = 3). Sorted: 0.04 (rank 1), 0.041 (2), 0.5 (3)
    # p·n/rank = 0.12, 0.0615, 0.5; the running minimum from the top gives 0.0615, 0.0615, 0.5
    # When
    adjusted = benjamini_hochberg([0.04, 0.5, 0.041])
    # Then
    np.testing.assert_allclose(adjusted, [0.0615, 0.5, 0.0615], rtol=0, atol=1e-15)


def test_benjamini_hochberg_second_example():
    # Given p = 0.01, 0.04, 0.03, 0.005: sorted ranks give 0.02, 0.02, 0.04, 0.04
    # When
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    # Then
    np.testing.assert_allclose(adjusted, [0.02, 0.04, 0.04, 0.02], rtol=0, atol=1e-15)
    assert benjamini_hochberg([]).size == 0


def test_confidence_bins_use_strict_thresholds_and_the_sign_of_z():
    # Given
    z = np.array([4.0, -4.0, 2.2, -2.0, 1.7, 0.5, 3.0, 2.0])
    p = np.array([0.001, 0.005, 0.03, 0.049, 0.08, 0.5, 0.01, 0.10])
    # When / Then: p exactly 0.01 is only 95%, p exactly 0.10 is not significant
    assert confidence_bins(z, p).tolist() == [3, -3, 2, -2, 1, 0, 2, 0]


def test_hex_cells_counts_points_per_cell():
    # Given three points, two in the same cell
    latitudes = [-33.5000, -33.50001, -33.5200]
    longitudes = [-70.6500, -70.65001, -70.6500]
    # When
    counts = hex_cells(latitudes, longitudes, resolution=9)
    # Then
    same = h3.latlng_to_cell(-33.5, -70.65, 9)
    other = h3.latlng_to_cell(-33.52, -70.65, 9)
    assert counts == {same: 2, other: 1}


def test_grid_includes_empty_cells_and_each_cell_neighbours_itself():
    # Given the study area grid and one point in it
    cells = hex_grid_for_polygon(STUDY_AREA)
    counts = hex_cells([-33.5], [-70.65])
    # When
    values = hex_grid_values(cells, counts)
    adjacency = hex_neighbors(cells)
    # Then
    assert cells == sorted(cells)
    assert all(h3.get_resolution(cell) == 9 for cell in cells)
    assert values.sum() == 1
    assert np.count_nonzero(values == 0) == len(cells) - 1
    degree = np.diff(adjacency.indptr)
    assert degree.max() == 7  # interior cells: themselves plus six neighbours
    assert degree.min() >= 2
    rows = np.repeat(np.arange(len(cells)), degree)
    assert np.count_nonzero(adjacency.indices == rows) == len(cells)
