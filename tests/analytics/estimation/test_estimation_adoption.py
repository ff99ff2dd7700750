import re

import pytest

from backend.analytics.estimation.adoption import (
    ERROR_NEGATIVE_COUNT,
    AdoptionRow,
    adoption_row,
    adoption_table,
    adoption_target,
)

# South Precinct comunas: (name, population, registered addresses, alerts).
SOUTH_PRECINCT = [
    ("San Miguel", 107_954, 5_400, 120),
    ("La Cisterna", 90_119, 9_100, 95),
    ("San Joaquín", 94_492, 3_000, 40),
    ("La Pintana", 177_335, 1_200, 15),
    ("San Ramón", 82_900, 8_290, 60),
    ("La Granja", 116_571, 4_000, 33),
    ("El Bosque", 162_505, 2_500, 21),
]


def test_targets_are_ten_percent_rounded_up():
    # Given / When / Then: ceil(10795.4), ceil(9011.9), ceil(9449.2), ceil(17733.5), 8290 exactly, ...
    assert [adoption_target(population) for _, population, _, _ in SOUTH_PRECINCT] == [
        10_796,
        9_012,
        9_450,
        17_734,
        8_290,  # 0.1 · 82 900 is 8290.000000000001 in floats; integer arithmetic keeps 8290
        11_658,
        16_251,
    ]


def test_south_precinct_table_with_totals():
    # Given
    rows = [
        adoption_row(registered, population, alerts, label=name)
        for name, population, registered, alerts in SOUTH_PRECINCT
    ]
    # When
    table = adoption_table(rows)
    # Then: compliance = round(100·registered/target, 1), e.g. 100·5400/10796 = 50.02 → 50.0
    assert [(row.label, row.target, row.missing, row.compliance_percent) for row in table] == [
        ("San Miguel", 10_796, 5_396, 50.0),
        ("La Cisterna", 9_012, 0, 101.0),
        ("San Joaquín", 9_450, 6_450, 31.7),
        ("La Pintana", 17_734, 16_534, 6.8),
        ("San Ramón", 8_290, 0, 100.0),
        ("La Granja", 11_658, 7_658, 34.3),
        ("El Bosque", 16_251, 13_751, 15.4),
        ("Total", 83_191, 49_789, 40.3),
    ]
    # The total target is the sum of targets (ceil of the summed population would be 83 188),
    # its missing the sum of shortfalls (La Cisterna's surplus does not offset the others),
    # and its compliance 100·33 490/83 191 = 40.26 → 40.3.
    assert table[-1] == AdoptionRow(
        label="Total",
        registered=33_490,
        population=831_876,
        alerts=384,
        target=83_191,
        missing=49_789,
        compliance_percent=40.3,
    )


def test_zero_population_has_no_target_and_no_compliance():
    # Given / When
    row = adoption_row(5, 0, 2)
    # Then
    assert (row.target, row.missing, row.compliance_percent) == (0, 0, None)


def test_empty_table_has_only_a_zero_totals_row():
    # Given / When
    table = adoption_table([])
    # Then
    assert table == [AdoptionRow("Total", 0, 0, 0, 0, 0, None)]


@pytest.mark.parametrize(("registered", "population", "alerts"), [(-1, 10, 0), (1, -10, 0), (1, 10, -1), (1.0, 10, 0)])
def test_invalid_counts_are_refused(registered, population, alerts):
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_NEGATIVE_COUNT)):
        adoption_row(registered, population, alerts)
