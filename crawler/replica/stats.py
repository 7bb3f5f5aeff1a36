"""Invent the statistics of each replica annual report, with the format's arithmetic right.

Keys come from ``statistics.toml`` (official cells of the report's format version); the
relations kept are those of ``checks.toml``: t3.balance, t3.outcome_total, t3.row_total,
t4.block_total, the 表二 heuristics, and across years carried_over = last year's
carried_forward and 现行有效件数 continuity.

Three profiles:

- ``distinct``: every cell a different non-zero number, so a value read from the wrong row or
  column is always detectable. Leaves come from one shared drawer of unused numbers; sums can
  still collide, so the report is redrawn until every cell is unique;
- ``small``: what a county body really prints: small numbers, many zeros, one or two blank cells;
- ``seed``: a seed report's hand-checked values (``spec/expected/<seed>.toml``), taken as they
  are; the report before it carries forward exactly what the seed says it carried over.

A blank cell is ``None`` and only ever replaces a zero, so checks that read blanks as 0 hold.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
REVIEW_BLOCKS = ("review", "litigation.direct", "litigation.after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
Values = dict[str, int | float | None]
Draw = Callable[[int, int], int]


def official_keys(spec: dict, version: str) -> list[str]:
    """Keys of every cell the national format of ``version`` prints, in table order."""
    return [
        key
        for key, stat in spec["stat"].items()
        if version in stat["versions"] and stat.get("official", True)
    ]


def application_rows(spec: dict, version: str) -> list[str]:
    """表三 row paths (``new``, ``outcome.granted`` …) of a version, in printed order."""
    rows = [
        key.removeprefix("applications.").rsplit(".", 1)[0]
        for key in official_keys(spec, version)
        if key.startswith("applications.")
    ]
    return list(dict.fromkeys(rows))


Plan = tuple[int, str, str, Values | None]  # year, version, profile, a seed report's values


def agency_statistics(spec: dict, plans: list[Plan], agency_kind: str, seed: str) -> dict[int, Values]:
    """Statistics for one agency's reports, given (year, version, profile, fixed) in year order."""
    rng = random.Random(seed)
    result: dict[int, Values] = {}
    previous: Values | None = None
    for index, (year, version, profile, fixed) in enumerate(plans):
        following = plans[index + 1] if index + 1 < len(plans) else None
        if fixed is not None:
            previous = result[year] = seed_report(spec, version, fixed, previous)
            continue
        fixed_next = following[3] if following else None
        forward = _carry_of(fixed_next, "carried_over") if fixed_next else None
        previous = result[year] = one_report(
            spec, version, profile, following[2] if following else None, agency_kind, previous, rng, forward
        )
    return result


def seed_report(spec: dict, version: str, fixed: Values, previous: Values | None) -> Values:
    """A seed report's own values, checked against the format and last year's carried-forward."""
    keys = official_keys(spec, version)
    if set(keys) != set(fixed):
        raise RuntimeError(f"seed values differ from statistics.toml: {sorted(set(keys) ^ set(fixed))}")
    if previous is not None and _carry_of(previous, "carried_forward") != _carry_of(fixed, "carried_over"):
        raise RuntimeError("last year's carried_forward is not what the seed report carried over")
    return {key: fixed[key] for key in keys}


def one_report(
    spec: dict,
    version: str,
    profile: str,
    following: str | None,
    agency_kind: str,
    previous: Values | None,
    rng: random.Random,
    forward: dict[str, int] | None = None,
) -> Values:
    """One report's values in the order of statistics.toml (``forward``: a fixed carried_forward)."""
    if profile == "distinct" and forward is not None:
        raise RuntimeError("a distinct report cannot precede a seed report, whose carried_over is fixed")
    carried_over = _carried_over(previous, profile, rng)
    for _ in range(2000):
        draw = unique_draw(rng, set(carried_over.values())) if profile == "distinct" else None
        values: Values = {}
        values.update(table_two(version, profile, agency_kind, previous, rng, draw))
        values.update(table_three(spec, version, profile, following, carried_over, rng, draw, forward))
        values.update(table_four(profile, agency_kind, rng, draw))
        if draw is None or all_distinct(values.values()):
            break
    else:
        raise RuntimeError(f"could not draw distinct values for a {version} report")
    if profile == "small":
        _blank_some_zeros(values, rng, count=rng.choice((1, 2)))
    keys = official_keys(spec, version)
    if set(keys) != set(values):
        raise RuntimeError(f"generated keys differ from statistics.toml: {sorted(set(keys) ^ set(values))}")
    return {key: values[key] for key in keys}


def unique_draw(rng: random.Random, used: set[int]) -> Draw:
    """A drawer of random integers in [low, high] that never returns the same number twice."""

    def draw(low: int, high: int) -> int:
        while True:
            number = rng.randint(low, high)
            if number not in used:
                used.add(number)
                return number

    return draw


def all_distinct(values: Iterable[int | float | None]) -> bool:
    """True when no value is zero, blank or repeated."""
    seen = list(values)
    return None not in seen and 0 not in seen and len(set(seen)) == len(seen)


def _carried_over(previous: Values | None, profile: str, rng: random.Random) -> dict[str, int]:
    """二、上年结转: last year's 四、结转下年度继续办理, or invented for the first report."""
    if previous is not None:
        return _carry_of(previous, "carried_forward")
    return _carry_values(profile, rng, None)


def _carry_of(values: Values, row: str) -> dict[str, int]:
    """A report's ``carried_over`` or ``carried_forward`` row by applicant column (blank = 0)."""
    return {col: values[f"applications.{row}.{col}"] or 0 for col in APPLICANTS}


def _carry_values(profile: str, rng: random.Random, draw: Draw | None) -> dict[str, int]:
    """Applications carried between years: distinct small numbers, or mostly zeros."""
    if draw is not None:
        return {col: draw(1, 30) for col in APPLICANTS}
    if profile == "distinct":
        return dict(zip(APPLICANTS, rng.sample(range(1, 24), len(APPLICANTS)), strict=True))
    return {col: (rng.choice((0, 0, 1, 2)) if col == "natural_person" else 0) for col in APPLICANTS}


def table_two(
    version: str,
    profile: str,
    agency_kind: str,
    previous: Values | None,
    rng: random.Random,
    draw: Draw | None,
) -> Values:
    """表二 主动公开: the 2019 or 2021 cells, respecting the t2.* checks."""
    if version == "2019":
        return _table_two_2019(rng, draw)
    return _table_two_2021(profile, agency_kind, previous, rng, draw)


def _table_two_2019(rng: random.Random, draw: Draw | None) -> Values:
    """2019 表二: 22 cells; 本年增/减 is signed and prior + change stays >= 0.

    Only reports on 2020 use this format here, and all of them are ``distinct``; without a
    drawer the cells are a quiet body's (zeros and a few items).
    """
    number = draw or (lambda low, high: rng.choice((0, 0, 0, 1, 2)))
    values: Values = {}
    for row in ("regulations", "normative_documents"):
        published = number(1, 300)
        values.update(
            {
                f"proactive.art20_1.{row}.newly_made": number(1, 300),
                f"proactive.art20_1.{row}.newly_published": published,
                f"proactive.art20_1.{row}.published_total": published + number(1, 300),
            }
        )
    for row in (
        "art20_5.licensing",
        "art20_5.other_services",
        "art20_6.penalty",
        "art20_6.coercion",
        "art20_8.fees",
    ):
        prior = number(301, 600)
        values[f"proactive.{row}.prior_year_items"] = prior
        values[f"proactive.{row}.change"] = number(1, 300) * rng.choice((1, -1)) if draw else 0
        if row != "art20_8.fees":
            values[f"proactive.{row}.decisions"] = number(601, 999)
    values["proactive.art20_9.procurement.projects"] = number(1, 300)
    values["proactive.art20_9.procurement.amount"] = round(rng.uniform(10, 99), 2) if draw else 0
    return values


def _table_two_2021(
    profile: str, agency_kind: str, previous: Values | None, rng: random.Random, draw: Draw | None
) -> Values:
    """2021 表二: 10 cells; 现行有效件数 continues last year's where there is one."""
    if draw is not None:
        values: Values = {key: draw(1, 300) for key in _TABLE_TWO_2021[:-1]}
        for row in ("regulations", "normative_documents"):  # issued <= in_force + repealed
            values[f"proactive.art20_1.{row}.in_force"] += values[f"proactive.art20_1.{row}.issued"]
        values["proactive.art20_8.fees.amount"] = round(rng.uniform(1, 60), 2)
        return values
    issued, repealed = rng.choice((0, 1, 1, 2)), rng.choice((0, 0, 1))
    before = previous.get("proactive.art20_1.normative_documents.in_force") if previous else None
    in_force = max((before or 0) + issued - repealed, issued)
    scale = {"coop": 0, "agri": 60, "market": 400}[agency_kind]
    return {
        "proactive.art20_1.regulations.issued": 0,
        "proactive.art20_1.regulations.repealed": 0,
        "proactive.art20_1.regulations.in_force": 0,
        "proactive.art20_1.normative_documents.issued": issued,
        "proactive.art20_1.normative_documents.repealed": repealed,
        "proactive.art20_1.normative_documents.in_force": in_force,
        "proactive.art20_5.licensing.decisions": rng.randint(scale, scale * 3) if scale else 0,
        "proactive.art20_6.penalty.decisions": rng.randint(scale // 10, scale // 4) if scale else 0,
        "proactive.art20_6.coercion.decisions": rng.randint(0, scale // 40) if scale else 0,
        "proactive.art20_8.fees.amount": 0,
    }


_TABLE_TWO_2021 = (
    "proactive.art20_1.regulations.issued",
    "proactive.art20_1.regulations.repealed",
    "proactive.art20_1.regulations.in_force",
    "proactive.art20_1.normative_documents.issued",
    "proactive.art20_1.normative_documents.repealed",
    "proactive.art20_1.normative_documents.in_force",
    "proactive.art20_5.licensing.decisions",
    "proactive.art20_6.penalty.decisions",
    "proactive.art20_6.coercion.decisions",
    "proactive.art20_8.fees.amount",
)


def table_three(
    spec: dict,
    version: str,
    profile: str,
    following: str | None,
    carried_over: dict[str, int],
    rng: random.Random,
    draw: Draw | None,
    forward: dict[str, int] | None = None,
) -> Values:
    """表三, balanced per column: 一、本年新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度."""
    outcome_rows = [
        row
        for row in application_rows(spec, version)
        if row.startswith("outcome.") and row != "outcome.total"
    ]
    # next year's carried_over is this carried_forward, so it must suit next year's profile
    if forward is None:
        forward = _carry_values(following or profile, rng, draw)
    if draw is not None:
        cells = {(row, col): draw(1, 300) for row in outcome_rows for col in APPLICANTS}
        handled = {col: sum(cells[(row, col)] for row in outcome_rows) for col in APPLICANTS}
        new = {col: handled[col] + forward[col] - carried_over[col] for col in APPLICANTS}
    else:
        new = {
            col: max(_new_applications(col, profile, rng), forward[col] - carried_over[col])
            for col in APPLICANTS
        }
        handled = {col: new[col] + carried_over[col] - forward[col] for col in APPLICANTS}
        cells = _spread(handled, outcome_rows, rng)
    rows = {row: {col: cells[(row, col)] for col in APPLICANTS} for row in outcome_rows}
    rows.update(
        {"new": new, "carried_over": carried_over, "outcome.total": handled, "carried_forward": forward}
    )
    values: Values = {}
    for row, by_col in rows.items():
        values.update({f"applications.{row}.{col}": by_col[col] for col in APPLICANTS})
        values[f"applications.{row}.total"] = sum(by_col.values())
    return values


def _new_applications(column: str, profile: str, rng: random.Random) -> int:
    """A quiet county body's new applications in one applicant column."""
    most = {"natural_person": 9, "commercial_enterprise": 3, "research_institution": 0}.get(column, 1)
    return rng.randint(0, most)


def _spread(handled: dict[str, int], rows: list[str], rng: random.Random) -> dict[tuple[str, str], int]:
    """Share each column's handled applications among the outcomes real bodies report most."""
    cells = dict.fromkeys(((row, col) for row in rows for col in APPLICANTS), 0)
    likely = [
        row
        for row in (
            "outcome.granted",
            "outcome.granted",
            "outcome.granted",
            "outcome.partially_granted",
            "outcome.unable.not_held",
            "outcome.not_processed.petition_complaint",
            "outcome.withheld.third_party_rights",
            "outcome.other.undivided",
            "outcome.other.no_correction",
        )
        if row in rows
    ]
    for col, count in handled.items():
        for _ in range(count):
            cells[(rng.choice(likely), col)] += 1
    return cells


def table_four(profile: str, agency_kind: str, rng: random.Random, draw: Draw | None) -> Values:
    """表四: three blocks of four outcomes and their 总计 (t4.block_total)."""
    values: Values = {}
    for block in REVIEW_BLOCKS:
        if draw is not None:
            parts = {part: draw(1, 99) for part in REVIEW_PARTS}
        else:
            busy = profile == "small" and agency_kind == "market" and block != "litigation.after_review"
            parts = {part: (rng.choice((0, 1)) if busy and part == "upheld" else 0) for part in REVIEW_PARTS}
        values.update({f"{block}.{part}": n for part, n in parts.items()})
        values[f"{block}.total"] = sum(parts.values())
    return values


def _blank_some_zeros(values: Values, rng: random.Random, count: int) -> None:
    """Leave ``count`` zero cells empty, as real reports do (a blank is not a zero)."""
    zeros = sorted(key for key, value in values.items() if value == 0)
    for key in rng.sample(zeros, min(count, len(zeros))):
        values[key] = None
