"""The municipal metrics (tenants.rollup's read side and its API on the platform host): every
district's figure from the totals it published to tenants_districtmetric, the total as Σ numerators
÷ Σ denominators, ranks, trends and small-count suppression.

In-process tests write DistrictMetric rows directly (rolled back). Besides the seeded districts
alpha and beta they add bare District rows without a schema: the read side must never look into a
district schema, so rows are all it needs. HTTP tests commit rows for alpha and beta in periods no
other test uses (2001–2003) and delete them afterwards."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backend.jobs.models import Job, JobState
from backend.metrics.definitions import BY_CODE, DEFINITIONS
from backend.metrics.periods import Period, PeriodKind
from backend.metrics.services import MUNICIPAL_REFRESH
from tenants.context import in_district, in_platform
from tenants.models import District, DistrictMetric, Municipality
from tenants.rollup import (
    DistrictMetricTotal,
    district_metrics_publish,
    municipal_figures,
    municipal_trend,
)
from tests.conftest import global_id
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

COMPUTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
COVERAGE = BY_CODE["org_coverage"]  # percent; numerator counts units; a subset
HOURS = BY_CODE["service_hours_per_member"]  # hours ÷ members: only the denominator counts
LED = BY_CODE["led_into_work"]  # people ÷ members: numerator counts, not a subset
Q3 = Period.parse("2026-Q3")


# --- helpers ---------------------------------------------------------------------------------


def _extra_districts(*codes: str) -> None:
    """Bare serving districts (no schema): enough for a read side that reads only the table."""
    municipality = Municipality.objects.get(code="testcity")
    District.objects.bulk_create(
        District(
            schema_name=f"district_{code}", code=code, name=f"{code}区", municipality=municipality
        )
        for code in codes
    )


def _put(
    code: str,
    metric: str,
    period: Period,
    numerator: int | str | Decimal,
    denominator: int | str | Decimal,
    breakdown: str = "",
) -> None:
    DistrictMetric.objects.update_or_create(
        district=District.objects.get(code=code),
        metric=metric,
        breakdown=breakdown,
        period_kind=period.kind.value,
        period_start=period.start,
        defaults={
            "period_end": period.end,
            "as_of": period.end,
            "numerator": Decimal(numerator),
            "denominator": Decimal(denominator),
            "computed_at": COMPUTED,
        },
    )


def _by_code(figures: Any) -> dict[str, Any]:
    return {figure.code: figure for figure in figures.districts}


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@pytest.fixture
def public(db: None) -> Iterator[None]:
    """In-process, in the public schema, rolled back afterwards, threshold 5 whatever the env.
    Only alpha and beta (and what the test adds) serve meanwhile: a district another test
    provisioned for real (tests/api/test_platform_roles.py) would join every figure."""
    with in_platform(), override_settings(MUNICIPAL_MIN_COUNT=5):
        District.objects.serving().exclude(code__in=["alpha", "beta"]).update(is_template=True)
        yield
    connection.set_schema_to_public()  # type: ignore[attr-defined]


# --- totals, values, suppression (in-process) ------------------------------------------------


@pytest.mark.django_db
def test_total_is_sum_of_counts_not_mean_of_rates(public: None) -> None:
    # alpha 5 of 10 units covered (50 %), beta 90 of 100 (90 %): the mean of the rates would be
    # 70 %, but 95 of 110 units are covered: 86.3636 %.
    _put("alpha", "org_coverage", Q3, 5, 10)
    _put("beta", "org_coverage", Q3, 90, 100)

    figures = municipal_figures(COVERAGE, Q3)

    rows = _by_code(figures)
    assert (rows["alpha"].value, rows["beta"].value) == (Decimal("50.0000"), Decimal("90.0000"))
    assert figures.total.numerator == 95
    assert figures.total.denominator == 110
    assert figures.total.value == Decimal("86.3636")
    assert figures.total.value != (rows["alpha"].value + rows["beta"].value) / 2
    assert figures.total.reporting_districts == 2
    assert figures.total.suppressed is False
    assert (figures.period, figures.threshold) == (Q3, 5)


@pytest.mark.django_db
def test_value_uses_the_scale_and_four_decimals(public: None) -> None:
    _put("alpha", "service_hours_per_member", Q3, "100.50", 30)  # 3.35 hours per member
    _put("beta", "org_coverage", Q3, 2, 3)  # another metric: not read
    _put("beta", "service_hours_per_member", Q3, 10, 7)  # 1.428571… → 1.4286

    figures = municipal_figures(HOURS, Q3)

    rows = _by_code(figures)
    assert rows["alpha"].value == Decimal("3.3500")
    assert rows["beta"].value == Decimal("1.4286")
    assert figures.total.value == Decimal("2.9865")  # 110.50 ÷ 37 = 2.98648…
    assert (figures.total.numerator, figures.total.denominator) == (Decimal("110.50"), 37)


@pytest.mark.django_db
def test_denominator_zero_gives_null_value_not_zero(public: None) -> None:
    _put("alpha", "org_coverage", Q3, 0, 0)  # no two-new organisations at all
    _put("beta", "org_coverage", Q3, 0, 0)

    figures = municipal_figures(COVERAGE, Q3)

    for row in figures.districts:
        assert (row.reported, row.suppressed) == (True, False)
        assert (row.numerator, row.denominator, row.value, row.rank) == (0, 0, None, None)
    assert (figures.total.numerator, figures.total.denominator) == (0, 0)
    assert figures.total.value is None
    assert figures.total.suppressed is False


@pytest.mark.django_db
def test_a_district_that_has_not_published_is_listed_without_figures(public: None) -> None:
    _put("alpha", "org_coverage", Q3, 40, 50)

    figures = municipal_figures(COVERAGE, Q3)

    beta = _by_code(figures)["beta"]
    assert (beta.reported, beta.suppressed, beta.numerator, beta.value, beta.rank) == (
        False,
        False,
        None,
        None,
        None,
    )
    assert (beta.as_of, beta.computed_at) == (None, None)
    assert figures.total.reporting_districts == 1
    assert figures.total.value == Decimal("80.0000")


@pytest.mark.django_db
def test_publish_through_the_district_job_function_is_what_is_read(public: None) -> None:
    """The district's own write path (district_metrics_publish, inside the district)."""
    with in_district("alpha"):
        district_metrics_publish(
            [
                DistrictMetricTotal(
                    metric="report_rate",
                    breakdown="",
                    period_kind="quarter",
                    period_start=Q3.start,
                    period_end=Q3.end,
                    as_of=date(2026, 9, 30),
                    numerator=Decimal(30),
                    denominator=Decimal(40),
                    computed_at=COMPUTED,
                )
            ]
        )
    figures = municipal_figures(BY_CODE["report_rate"], Q3)

    alpha = _by_code(figures)["alpha"]
    assert (alpha.numerator, alpha.denominator, alpha.value) == (30, 40, Decimal("75.0000"))
    assert (alpha.as_of, alpha.computed_at) == (date(2026, 9, 30), COMPUTED)


# Beta publishes 500 of 1000, so the total stays visible and shows alpha is still counted in it.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("metric", "numerator", "denominator", "suppressed"),
    [
        # The denominator: 1 … threshold − 1 is suppressed, the threshold is not.
        ("service_hours_per_member", "10.5", 4, True),
        ("service_hours_per_member", "10.5", 5, False),
        ("service_hours_per_member", "1", 100, False),  # hours are not a count of anybody
        ("service_hours_per_member", "0.5", 1, True),
        # The numerator when it counts people (led into work; not a subset of the denominator).
        ("led_into_work", 4, 100, True),
        ("led_into_work", 5, 100, False),
        ("led_into_work", 1, 100, True),
        ("led_into_work", 0, 100, False),  # nobody: nobody to identify
        ("led_into_work", 120, 4, True),
        ("led_into_work", 300, 100, False),  # not a subset: no complement to count
        # A subset metric: the complement (denominator − numerator) is a count too.
        ("org_coverage", 96, 100, True),
        ("org_coverage", 95, 100, False),
        ("org_coverage", 99, 100, True),
        ("org_coverage", 100, 100, False),
        ("org_coverage", 4, 100, True),
        ("org_coverage", 5, 100, False),
        ("org_coverage", 0, 0, False),
    ],
)
def test_small_counts_are_suppressed_at_threshold_minus_one_not_at_threshold(
    public: None, metric: str, numerator: int | str, denominator: int, suppressed: bool
) -> None:
    _put("alpha", metric, Q3, numerator, denominator)
    _put("beta", metric, Q3, 500, 1000)

    figures = municipal_figures(BY_CODE[metric], Q3)

    alpha = _by_code(figures)["alpha"]
    assert alpha.suppressed is suppressed
    if suppressed:
        assert (alpha.numerator, alpha.denominator, alpha.value, alpha.rank) == (None,) * 4
        assert alpha.computed_at == COMPUTED  # when, not what: still shown
    else:
        assert (alpha.numerator, alpha.denominator) == (Decimal(numerator), denominator)
    # Suppressed or not, alpha counts in the total.
    assert figures.total.suppressed is False
    assert figures.total.numerator == 500 + Decimal(numerator)
    assert figures.total.denominator == 1000 + denominator
    assert figures.total.reporting_districts == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alpha", "beta", "suppressed"),
    [
        ((3, 3), None, True),  # one small district alone: the total is that district
        ((10, 10), (8, 10), True),  # complement of the total: 2
        ((2, 2), (3, 3), False),  # 5 of 5: both districts hidden, the total is not
        ((1, 2), (1, 3), True),  # denominator 5 but numerator 2
    ],
)
def test_the_total_is_suppressed_by_the_same_rule(
    public: None, alpha: tuple[int, int], beta: tuple[int, int] | None, suppressed: bool
) -> None:
    _put("alpha", "org_coverage", Q3, *alpha)
    if beta is not None:
        _put("beta", "org_coverage", Q3, *beta)

    total = municipal_figures(COVERAGE, Q3).total

    assert total.suppressed is suppressed
    if suppressed:
        assert (total.numerator, total.denominator, total.value) == (None, None, None)
    else:
        assert (total.numerator, total.denominator, total.value) == (5, 5, Decimal("100.0000"))


@pytest.mark.django_db
def test_ranks_highest_first_ties_share_a_rank_and_unranked_districts(public: None) -> None:
    _extra_districts("rgamma", "rdelta", "repsilon", "rzeta", "reta")
    _put("alpha", "org_coverage", Q3, 80, 100)  # 80 %
    _put("beta", "org_coverage", Q3, 50, 100)  # 50 %
    _put("rgamma", "org_coverage", Q3, 25, 50)  # 50 %: ties with beta
    _put("rdelta", "org_coverage", Q3, 20, 100)  # 20 %: fourth, not third
    _put("repsilon", "org_coverage", Q3, 2, 4)  # suppressed: unranked
    _put("rzeta", "org_coverage", Q3, 0, 0)  # no value: unranked
    # reta publishes nothing: unranked

    figures = municipal_figures(COVERAGE, Q3)

    ranks = {row.code: row.rank for row in figures.districts}
    assert ranks == {
        "alpha": 1,
        "beta": 2,
        "rgamma": 2,
        "rdelta": 4,
        "repsilon": None,
        "rzeta": None,
        "reta": None,
    }
    assert [row.code for row in figures.districts] == sorted(ranks)  # listed in code order
    # 80 + 50 + 25 + 20 + 2 + 0 = 177 of 100 + 100 + 50 + 100 + 4 + 0 = 354: 50 %.
    assert (figures.total.numerator, figures.total.denominator) == (177, 354)
    assert figures.total.value == Decimal("50.0000")
    assert figures.total.reporting_districts == 6


@pytest.mark.django_db
def test_non_serving_districts_are_not_listed(public: None) -> None:
    template = District.objects.filter(is_template=True).first()
    if template is not None:
        DistrictMetric.objects.create(
            district=template,
            metric="org_coverage",
            period_kind="quarter",
            period_start=Q3.start,
            period_end=Q3.end,
            as_of=Q3.end,
            numerator=1000,
            denominator=1000,
            computed_at=COMPUTED,
        )
    _put("alpha", "org_coverage", Q3, 40, 50)

    figures = municipal_figures(COVERAGE, Q3)

    serving = set(District.objects.serving().values_list("code", flat=True))
    assert {row.code for row in figures.districts} == serving
    assert figures.total.numerator == 40


# --- trends (in-process) ---------------------------------------------------------------------


def _month(label: str) -> Period:
    return Period.parse(label)


@pytest.mark.django_db
def test_trend_ends_at_the_latest_published_period_and_skips_empty_ones(public: None) -> None:
    for label, alpha, beta in [
        ("2025-11", (10, 20), (30, 40)),
        ("2025-12", (12, 20), (30, 40)),
        # 2026-01: nobody published
        ("2026-02", (14, 20), None),
        ("2026-03", (16, 20), (36, 40)),
    ]:
        _put("alpha", "org_coverage", _month(label), *alpha)
        if beta:
            _put("beta", "org_coverage", _month(label), *beta)
    _put("alpha", "org_coverage", Period.parse("2026-Q2"), 1, 1)  # another kind: not read
    _put("alpha", "org_coverage", _month("2026-04"), 5, 5, breakdown="social_organisation")

    trend = municipal_trend(COVERAGE, PeriodKind.MONTH, last=3)

    # The latest month with data is 2026-03; the last three months are 2026-01 … 2026-03.
    assert [point.period.label for point in trend] == ["2026-02", "2026-03"]
    assert [point.total.value for point in trend] == [Decimal("70.0000"), Decimal("86.6667")]
    assert [_by_code(point)["beta"].reported for point in trend] == [False, True]

    five = municipal_trend(COVERAGE, PeriodKind.MONTH, last=5)
    assert [point.period.label for point in five] == ["2025-11", "2025-12", "2026-02", "2026-03"]
    # 2025-11: (10 + 30) ÷ (20 + 40) = 66.6667 %; 2025-12: 42 ÷ 60 = 70 %.
    assert [point.total.value for point in five[:2]] == [Decimal("66.6667"), Decimal("70.0000")]

    until = municipal_trend(COVERAGE, PeriodKind.MONTH, last=2, until=_month("2025-12"))
    assert [point.period.label for point in until] == ["2025-11", "2025-12"]

    by_breakdown = municipal_trend(
        COVERAGE, PeriodKind.MONTH, last=12, breakdown="social_organisation"
    )
    assert [point.period.label for point in by_breakdown] == ["2026-04"]
    assert by_breakdown[0].breakdown == "social_organisation"


@pytest.mark.django_db
def test_trend_of_quarters_and_years_and_of_nothing(public: None) -> None:
    for label, count in [("2025-Q3", 10), ("2025-Q4", 20), ("2026-Q1", 30)]:
        _put("alpha", "org_coverage", Period.parse(label), count, 40)
    _put("beta", "org_coverage", Period.parse("2024"), 5, 10)
    _put("beta", "org_coverage", Period.parse("2026"), 9, 10)

    quarters = municipal_trend(COVERAGE, PeriodKind.QUARTER, last=2)
    assert [point.period.label for point in quarters] == ["2025-Q4", "2026-Q1"]
    assert [point.total.value for point in quarters] == [Decimal("50.0000"), Decimal("75.0000")]

    years = municipal_trend(COVERAGE, PeriodKind.YEAR, last=3)
    assert [point.period.label for point in years] == ["2024", "2026"]
    assert [point.period.end for point in years] == [date(2024, 12, 31), date(2026, 12, 31)]

    assert municipal_trend(BY_CODE["feedback_rate"], PeriodKind.MONTH, last=12) == []


# --- the property: the total is the sum over the districts -----------------------------------

EXTRA = ("pa", "pb", "pc", "pd")
_district = st.one_of(
    st.none(),  # not published
    st.integers(0, 10**6).flatmap(
        lambda denominator: st.tuples(st.integers(0, denominator), st.just(denominator))
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [1, 5])
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(published=st.lists(_district, min_size=6, max_size=6))
def test_the_total_is_the_sum_over_districts(
    db: None, threshold: int, published: list[tuple[int, int] | None]
) -> None:
    with in_platform(), override_settings(MUNICIPAL_MIN_COUNT=threshold):
        if not District.objects.filter(code="pa").exists():
            _extra_districts(*EXTRA)
        DistrictMetric.objects.filter(metric="org_coverage", period_start=Q3.start).delete()
        codes = ("alpha", "beta", *EXTRA)
        for code, counts in zip(codes, published, strict=True):
            if counts is not None:
                _put(code, "org_coverage", Q3, *counts)

        figures = municipal_figures(COVERAGE, Q3)

    reported = [counts for counts in published if counts is not None]
    numerator = sum(n for n, _ in reported)
    denominator = sum(d for _, d in reported)
    total = figures.total
    assert total.reporting_districts == len(reported)
    if not reported:  # nothing published: no figures at all, not zeros
        assert (total.numerator, total.denominator, total.value) == (None, None, None)
    elif not total.suppressed:
        assert (total.numerator, total.denominator) == (numerator, denominator)
        expected = _half_up(Decimal(numerator * 100) / denominator) if denominator else None
        assert total.value == expected
    rows = _by_code(figures)
    for code, counts in zip(codes, published, strict=True):
        row = rows[code]
        if counts is None or row.suppressed:
            assert row.value is None
            continue
        n, d = counts
        assert (row.numerator, row.denominator) == (n, d)
        assert row.value == (_half_up(Decimal(n * 100) / d) if d else None)
    if threshold == 1:  # nothing is small: what is shown adds up to the total
        assert not total.suppressed
        shown = [row for row in figures.districts if row.reported]
        assert sum(row.numerator or 0 for row in shown) == (total.numerator or 0)
        assert sum(row.denominator or 0 for row in shown) == (total.denominator or 0)


# --- speed -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sixteen_districts_answer_in_well_under_20_ms(
    public: None, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [f"speed{i:02d}" for i in range(14)]
    _extra_districts(*extra)
    districts = list(District.objects.serving())
    assert len(districts) == 16
    months = [Period.parse("2026-11").previous(n) for n in range(36)]
    periods = months + [Period.parse("2026-Q4").previous(n) for n in range(12)]
    periods += [Period.parse("2026").previous(n) for n in range(3)]
    rows = [
        DistrictMetric(
            district=district,
            metric=definition.code,
            breakdown=breakdown,
            period_kind=period.kind.value,
            period_start=period.start,
            period_end=period.end,
            as_of=period.end,
            numerator=index % 97,
            denominator=100 + index % 13,
            computed_at=COMPUTED,
        )
        for index, (district, definition, breakdown, period) in enumerate(
            (district, definition, breakdown, period)
            for district in districts
            for definition in DEFINITIONS
            for breakdown in definition.breakdown_keys
            for period in periods
        )
    ]
    DistrictMetric.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DistrictMetric._meta.db_table}")

    def best_of(action: Any, times: int = 15) -> float:
        timings = []
        for _ in range(times):
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        return min(timings) * 1000

    one = best_of(lambda: municipal_figures(BY_CODE["participation_rate"], months[0], "mobile"))
    trend = best_of(lambda: municipal_trend(COVERAGE, PeriodKind.MONTH, last=36))
    figures = municipal_figures(BY_CODE["participation_rate"], months[0], "mobile")
    assert figures.total.reporting_districts == 16
    assert len(municipal_trend(COVERAGE, PeriodKind.MONTH, last=36)) == 36
    with capsys.disabled():
        print(
            f"\n{len(rows)} rows, 16 districts: one period {one:.2f} ms, 36 months {trend:.2f} ms"
        )
    assert one < 20
    assert trend < 100  # 576 figures; the SQL itself takes about 1 ms


# --- the API on the platform host (HTTP) -----------------------------------------------------


@pytest.fixture
def committed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Rows the test gunicorn can see: committed at once, removed by the test itself."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"] == settings.DATABASES["default"]["TEST"]["NAME"]
        with in_platform():
            yield
        connection.set_schema_to_public()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def analyst(api_url: str) -> GraphQLClient:
    client = GraphQLClient(api_url, "localhost")
    return client.as_user(client.login("analyst", PASSWORD))


@pytest.fixture
def published(committed: None) -> Iterator[None]:
    """alpha and beta's org coverage in 2001 (quarters) and a participation breakdown."""
    _put("alpha", "org_coverage", Period.parse("2001-Q1"), 10, 20)
    _put("beta", "org_coverage", Period.parse("2001-Q1"), 30, 40)
    _put("alpha", "org_coverage", Period.parse("2001-Q2"), 40, 50)
    _put("beta", "org_coverage", Period.parse("2001-Q2"), 70, 100)
    _put("alpha", "participation_rate", Period.parse("2001-Q2"), 2, 3, breakdown="mobile")
    _put("beta", "participation_rate", Period.parse("2001-Q2"), 50, 60, breakdown="mobile")
    try:
        yield
    finally:
        DistrictMetric.objects.filter(period_start__year=2001).delete()


FIGURE = "code name reported suppressed numerator denominator value rank asOf computedAt"
MUNICIPAL_METRIC = (
    "query($metric: String!, $period: String!, $breakdown: String) {"
    " municipalMetric(metric: $metric, period: $period, breakdown: $breakdown) {"
    " metric { code nameZh unit unitSymbol scale } breakdown"
    " period { kind label start end } threshold"
    f" districts {{ {FIGURE} }}"
    " total { reportingDistricts suppressed numerator denominator value asOf computedAt } } }"
)
TREND = (
    "query($metric: String!, $kind: PeriodKind!, $last: Int, $until: String,"
    " $breakdown: String) {"
    " municipalMetricTrend(metric: $metric, periodKind: $kind, last: $last, until: $until,"
    " breakdown: $breakdown) { period { label } total { value } districts { code value } } }"
)
DEFINITIONS_QUERY = (
    "{ metricDefinitions { code nameZh nameEn numerator denominator unit unitSymbol scale"
    " formula attributedAt breakdowns } }"
)
REFRESH = (
    "mutation($periods: [String!]) { refreshMunicipalMetrics(periods: $periods) {"
    " created job { id kind state progress finished } errors { field code message } } }"
)
JOB = "query($id: ID!) { municipalJob(id: $id) { id kind state stepsTotal finished } }"


@pytest.fixture(params=["platform", "analyst"])
def reader(request: pytest.FixtureRequest) -> GraphQLClient:
    client: GraphQLClient = request.getfixturevalue(request.param)
    return client


def test_metric_definitions_on_the_platform(reader: GraphQLClient) -> None:
    rows = reader.execute(DEFINITIONS_QUERY).data["metricDefinitions"]

    assert [row["code"] for row in rows] == [definition.code for definition in DEFINITIONS]
    coverage = rows[0]
    assert coverage["nameZh"] == "组织覆盖率"
    assert (coverage["unit"], coverage["unitSymbol"], coverage["scale"]) == ("PERCENT", "%", 100)
    assert coverage["breakdowns"] == ["non_public_enterprise", "social_organisation"]
    hours = next(row for row in rows if row["code"] == "service_hours_per_member")
    assert (hours["unit"], hours["scale"]) == ("HOURS_PER_MEMBER", 1)


def test_municipal_metric_over_http(reader: GraphQLClient, published: None) -> None:
    response = reader.execute(MUNICIPAL_METRIC, {"metric": "org_coverage", "period": "2001-Q2"})

    result = response.data["municipalMetric"]
    assert result["metric"]["code"] == "org_coverage"
    assert result["breakdown"] is None
    assert result["period"] == {
        "kind": "QUARTER",
        "label": "2001-Q2",
        "start": "2001-04-01",
        "end": "2001-06-30",
    }
    assert result["threshold"] == settings.MUNICIPAL_MIN_COUNT
    rows = {row["code"]: row for row in result["districts"]}
    assert {"alpha", "beta"} <= set(rows)
    alpha, beta = rows["alpha"], rows["beta"]
    assert (alpha["numerator"], alpha["denominator"], alpha["value"]) == (
        "40.00",
        "50.00",
        "80.0000",
    )
    assert (beta["value"], beta["rank"], alpha["rank"]) == ("70.0000", 2, 1)
    assert alpha["asOf"] == "2001-06-30"
    assert alpha["computedAt"].startswith("2026-11-20T03:00:00")
    # (40 + 70) ÷ (50 + 100) = 73.3333 %, not the mean of 80 % and 70 %.
    assert result["total"]["value"] == "73.3333"
    assert (result["total"]["numerator"], result["total"]["denominator"]) == ("110.00", "150.00")
    assert result["total"]["reportingDistricts"] == 2


def test_municipal_metric_breakdown_and_suppression_over_http(
    platform: GraphQLClient, published: None
) -> None:
    variables = {"metric": "participation_rate", "period": "2001-Q2", "breakdown": "mobile"}
    result = platform.execute(MUNICIPAL_METRIC, variables).data["municipalMetric"]

    assert result["breakdown"] == "mobile"
    rows = {row["code"]: row for row in result["districts"]}
    assert rows["alpha"]["suppressed"] is True  # 2 of 3 mobile members
    assert [rows["alpha"][key] for key in ("numerator", "denominator", "value", "rank")] == [
        None
    ] * 4
    # beta too: the total shown minus beta would give alpha back (complementary suppression).
    assert (rows["beta"]["suppressed"], rows["beta"]["rank"]) == (True, None)
    # alpha still counts: 52 of 63.
    assert (result["total"]["numerator"], result["total"]["value"]) == ("52.00", "82.5397")

    total_only = platform.execute(
        MUNICIPAL_METRIC, {"metric": "participation_rate", "period": "2001-Q2"}
    ).data["municipalMetric"]
    assert total_only["total"]["reportingDistricts"] == 0
    assert total_only["total"]["value"] is None


def test_municipal_metric_trend_over_http(reader: GraphQLClient, published: None) -> None:
    variables = {"metric": "org_coverage", "kind": "QUARTER", "last": 4, "until": "2001-06"}
    points = reader.execute(TREND, variables).data["municipalMetricTrend"]

    assert [point["period"]["label"] for point in points] == ["2001-Q1", "2001-Q2"]
    # 2001-Q1: 40 ÷ 60; 2001-Q2: 110 ÷ 150.
    assert [point["total"]["value"] for point in points] == ["66.6667", "73.3333"]
    values = {row["code"]: row["value"] for row in points[0]["districts"]}
    assert (values["alpha"], values["beta"]) == ("50.0000", "75.0000")


@pytest.mark.parametrize(
    ("query", "variables", "code", "argument"),
    [
        (MUNICIPAL_METRIC, {"metric": "nope", "period": "2026"}, "UNKNOWN_METRIC", "metric"),
        (
            MUNICIPAL_METRIC,
            {"metric": "org_coverage", "period": "2026-13"},
            "INVALID_PERIOD",
            "period",
        ),
        (MUNICIPAL_METRIC, {"metric": "org_coverage", "period": "26"}, "INVALID_PERIOD", "period"),
        (
            MUNICIPAL_METRIC,
            {"metric": "report_rate", "period": "2026", "breakdown": "mobile"},
            "UNKNOWN_BREAKDOWN",
            "breakdown",
        ),
        (TREND, {"metric": "org_coverage", "kind": "MONTH", "last": 0}, "OUT_OF_RANGE", "last"),
        (TREND, {"metric": "org_coverage", "kind": "MONTH", "last": 37}, "OUT_OF_RANGE", "last"),
        (TREND, {"metric": "x", "kind": "MONTH"}, "UNKNOWN_METRIC", "metric"),
        (
            TREND,
            {"metric": "org_coverage", "kind": "MONTH", "until": "2026-Q5"},
            "INVALID_PERIOD",
            "until",
        ),
    ],
)
def test_bad_arguments_are_errors_with_a_code(
    platform: GraphQLClient, query: str, variables: dict[str, Any], code: str, argument: str
) -> None:
    response = platform.execute(query, variables)

    assert response.status == 200
    assert response.body["data"] is None
    (error,) = response.body["errors"]
    assert error["extensions"] == {"code": code, "argument": argument}


def test_trend_of_36_is_allowed(platform: GraphQLClient) -> None:
    variables = {"metric": "org_coverage", "kind": "MONTH", "last": 36, "until": "1990-01"}
    assert platform.execute(TREND, variables).data["municipalMetricTrend"] == []


@pytest.mark.parametrize(
    "query",
    [
        DEFINITIONS_QUERY,
        '{ municipalMetric(metric: "org_coverage", period: "2026") { threshold } }',
        '{ municipalMetricTrend(metric: "org_coverage", periodKind: MONTH) { total { value } } }',
        '{ municipalJob(id: "Sm9iOnBsYXRmb3JtLjE=") { id } }',
        'mutation { refreshMunicipalMetrics(periods: ["2001-03"]) { created } }',
    ],
)
def test_needs_a_login(api_url: str, query: str) -> None:
    response = GraphQLClient(api_url, "localhost").execute(query)

    assert response.status == 401
    assert response.body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "query",
    [
        '{ municipalMetric(metric: "org_coverage", period: "2026") { threshold } }',
        '{ municipalMetricTrend(metric: "org_coverage", periodKind: MONTH) { total { value } } }',
        '{ municipalJob(id: "Sm9iOnBsYXRmb3JtLjE=") { id } }',
        'mutation { refreshMunicipalMetrics(periods: ["2001-03"]) { created } }',
    ],
)
def test_a_district_host_has_no_municipal_fields(alpha: GraphQLClient, query: str) -> None:
    response = alpha.execute(query)

    assert response.body.get("data") is None
    assert response.body["errors"]
    assert "Cannot query field" in response.body["errors"][0]["message"]


def test_refresh_returns_a_job_and_the_same_request_returns_the_same_job(
    platform: GraphQLClient, analyst: GraphQLClient, committed: None
) -> None:
    queue = Path(os.environ["CELERY_FILESYSTEM_DIR"]) / "celery-queue"
    waiting = set(queue.iterdir())
    first = platform.execute(REFRESH, {"periods": ["2001-03", "2001-Q1"]}).data[
        "refreshMunicipalMetrics"
    ]
    try:
        assert first["errors"] == []
        assert first["created"] is True
        job = first["job"]
        assert (job["kind"], job["state"], job["finished"]) == (MUNICIPAL_REFRESH, "QUEUED", False)

        # The same periods in another order, by another reader: the job already queued.
        again = analyst.execute(REFRESH, {"periods": ["2001-Q1", "2001-03"]}).data[
            "refreshMunicipalMetrics"
        ]
        assert (again["created"], again["job"]["id"]) == (False, job["id"])
        # Sent to the (test session's private) broker once, when the first request committed.
        sent = set(queue.iterdir()) - waiting
        assert len(sent) == 1

        for reader in (platform, analyst):
            polled = reader.execute(JOB, {"id": job["id"]}).data["municipalJob"]
            assert polled == {
                "id": job["id"],
                "kind": MUNICIPAL_REFRESH,
                "state": "QUEUED",  # no worker in this test: it stays queued
                "stepsTotal": 0,
                "finished": False,
            }
        stored = Job.objects.get(kind=MUNICIPAL_REFRESH, state=JobState.QUEUED)
        assert global_id("Job", "platform", stored.pk) == job["id"]
        assert stored.params == {"periods": [["month", "2001-03-01"], ["quarter", "2001-01-01"]]}
    finally:
        Job.objects.filter(kind=MUNICIPAL_REFRESH, dedupe_key__contains="2001-").delete()
        for message in set(queue.iterdir()) - waiting:  # no worker may run it later
            message.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("periods", "code"),
    [([], "OUT_OF_RANGE"), (["2026-13"], "INVALID"), (["2999"], "NOT_STARTED")],
)
def test_refresh_refuses_bad_periods(
    platform: GraphQLClient, committed: None, periods: list[str], code: str
) -> None:
    before = Job.objects.count()
    result = platform.execute(REFRESH, {"periods": periods}).data["refreshMunicipalMetrics"]

    assert (result["job"], result["created"]) == (None, None)
    assert [(error["field"], error["code"]) for error in result["errors"]] == [("periods", code)]
    assert Job.objects.count() == before


def test_municipal_job_ignores_ids_of_other_places_and_types(
    platform: GraphQLClient, committed: None
) -> None:
    job = Job.objects.create(kind="audit.other", dedupe_key="x", state=JobState.SUCCEEDED)
    try:
        for type_name, scope, pk in [("Job", "alpha", job.pk), ("PartyOrg", "platform", job.pk)]:
            node_id = global_id(type_name, scope, pk)
            assert platform.execute(JOB, {"id": node_id}).data["municipalJob"] is None
        # A platform job of another kind is not a municipal refresh.
        own = global_id("Job", "platform", job.pk)
        assert platform.execute(JOB, {"id": own}).data["municipalJob"] is None
    finally:
        job.delete()


def test_one_hidden_district_hides_the_next_smallest_so_the_total_gives_nothing_back(
    public: None,
) -> None:
    """With the total shown, a lone suppressed district would be the total minus the others."""
    _put("alpha", "org_coverage", Q3, 2, 3)  # small: suppressed
    _put("beta", "org_coverage", Q3, 40, 60)
    figures = municipal_figures(BY_CODE["org_coverage"], Q3)
    rows = _by_code(figures)
    assert figures.total.suppressed is False
    assert figures.total.numerator == 42
    assert (rows["alpha"].suppressed, rows["beta"].suppressed) == (True, True)
    assert (rows["beta"].numerator, rows["beta"].rank) == (None, None)
