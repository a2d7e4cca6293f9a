"""Every figure of 统计 against values worked out by hand from a scenario with known timings.

Monday 2026-11-23 (Asia/Shanghai), the sample community, figures read at Wed 11-25 09:00:

  #1 09:00 municipal g1  claim 09:10 (10m)  resolve 11:00 (2h)   满意 → closed
  #2 09:30 utility   g2  claim 10:30 (60m)  resolve 12:30        不满意 → reopened, still open
  #3 10:00 building  g1  claim 10:05 (5m)   resolve 10:45 (45m)  基本满意 → closed
  #4 13:00 care      g1  claim 13:20 (20m)  resolve 18:00 (5h)   no rating → closed 11-24 18:00
  #5 14:00 sanitation g2 never claimed (assigned to 周磊: 李娜 has #2 open)

  received 5; claimed 4; response due 5 (4 claimed + #5 unclaimed past 15m);
  responded 2 (#1, #3 within 15m) → 响应率 40%
  resolved 3 (#1, #3, #4; #2 was reopened) → 解决率 60%; closed 3
  overdue 1: #4 (care 4h, took 5h); #2 (utility 48h, open 47.5h) and #5 (sanitation 48h,
             open 43h) are not overdue yet (limits from [overdue.limits] defaults)
  rated 3 (#1 满意, #3 基本满意, #2 不满意) → 满意率 2/3
  median claim of 10m, 60m, 5m, 20m → (10m + 20m) / 2 = 15m; median resolve of 2h, 45m, 5h → 2h
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.cli.simulate import Simulation
from bot.reporting.periods import day_period, parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from tests.support.known_day import at, known_day
from tests.support.scenarios import play


@pytest.fixture
async def sim(sample_config, db_url: str):
    sim = await known_day(sample_config, db_url)
    yield sim
    await sim.app.stop()


async def report_for(sim: Simulation, scope: Scope | None = None):
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        day = day_period(datetime(2026, 11, 23).date(), config.timezone)
        return await stats.report(day, scope or Scope())


async def test_scenario_categories_are_as_planned(sim: Simulation) -> None:
    from tests.support.scenarios import ticket_json

    tickets = await ticket_json(sim)
    assert [(t["category"], t["grid"], t["status"], t["rating"]) for t in tickets.values()] == [
        ("municipal", "g1", "closed", "satisfied"),
        ("utility", "g2", "claimed", None),
        ("building", "g1", "closed", "fair"),
        ("care", "g1", "closed", None),
        ("sanitation", "g2", "assigned", None),
    ]


async def test_totals_match_hand_computed(sim: Simulation) -> None:
    limits = limits_from_config(sim.app.config)
    assert limits.response == timedelta(minutes=15)
    assert limits.for_category("utility") == timedelta(hours=48)
    assert limits.for_category("care") == timedelta(hours=4)
    total = (await report_for(sim)).total
    assert total.received == 5
    assert total.cancelled == 0
    assert total.claimed == 4
    assert (total.responded, total.response_due) == (2, 5)
    assert total.response_rate == pytest.approx(0.4)
    assert total.resolved == 3
    assert total.resolution_rate == pytest.approx(0.6)
    assert total.closed == 3
    # #4 care took 5h against 4h. #2 utility has been open 47.5h of its 48h, #5 sanitation
    # 43h of 48h: neither is overdue yet.
    assert total.overdue == 1
    assert (total.rated, total.satisfied, total.fair, total.dissatisfied) == (3, 1, 1, 1)
    assert total.satisfaction_rate == pytest.approx(2 / 3)
    assert total.median_claim == timedelta(minutes=15)
    assert total.median_resolve == timedelta(hours=2)


async def test_by_grid_and_category(sim: Simulation) -> None:
    report = await report_for(sim)
    g1, g2 = report.by_grid["g1"], report.by_grid["g2"]
    assert (g1.received, g1.claimed, g1.responded, g1.response_due) == (3, 3, 2, 3)
    assert (g1.resolved, g1.closed, g1.overdue, g1.rated, g1.satisfied + g1.fair) == (3, 3, 1, 2, 2)
    assert g1.median_claim == timedelta(minutes=10)
    assert g1.median_resolve == timedelta(hours=2)
    assert (g2.received, g2.claimed, g2.responded, g2.response_due) == (2, 1, 0, 2)
    assert (g2.resolved, g2.overdue, g2.rated, g2.dissatisfied) == (0, 0, 1, 1)
    assert g2.median_claim == timedelta(minutes=60)
    assert g2.median_resolve is None
    assert set(report.by_category) == {"municipal", "utility", "building", "care", "sanitation"}
    care = report.by_category["care"]
    assert (care.received, care.resolved, care.overdue) == (1, 1, 1)
    assert care.median_claim == timedelta(minutes=20)
    assert care.median_resolve == timedelta(hours=5)
    # A grid filter gives exactly that grid's slice.
    only_g2 = await report_for(sim, Scope(grids=("g2",)))
    assert only_g2.total.received == 2
    assert only_g2.total.median_claim == timedelta(minutes=60)


async def test_overdue_grows_with_time_and_lists_open_work(sim: Simulation) -> None:
    await play(sim, [at("12:00", day=25)])  # #2 now 50.5h open, #5 46h
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        total, rows = await stats.overdue_tickets()
        assert (total, [t.id for t in rows]) == (1, [2])
        report = await stats.report(day_period(datetime(2026, 11, 23).date(), config.timezone))
        assert report.total.overdue == 2
    await play(sim, [at("15:00", day=25)])  # #5 now 49h
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        total, rows = await stats.overdue_tickets()
        assert [t.id for t in rows] == [2, 5]
        assert (await stats.overdue_tickets(Scope(assignee="wx-li")))[0] == 1
        assert (await stats.overdue_tickets(Scope(assignee="wx-zhou")))[0] == 1
        assert (await stats.overdue_tickets(Scope(grids=("g1",)))) == (0, [])


async def test_ranking(sim: Simulation) -> None:
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        period = parse_period("本周", sim.clock.now(), config.timezone)
        assert period is not None
        ranks = await stats.ranking(period)
    assert [(r.worker_id, r.resolved, r.rated, r.good) for r in ranks] == [("wx-wang", 3, 2, 2)]


async def test_daily_counts(sim: Simulation) -> None:
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        week = parse_period("本周", sim.clock.now(), config.timezone)
        assert week is not None
        counts = [n for _, n in await stats.daily_counts(week)]
    assert counts == [5, 0, 0, 0, 0, 0, 0]


async def test_empty_period_has_no_rates(sim: Simulation) -> None:
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        empty = await stats.report(day_period(datetime(2026, 11, 24).date(), config.timezone))
    assert empty.total.received == 0
    assert empty.total.response_rate is None
    assert empty.total.median_claim is None
