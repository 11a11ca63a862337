"""The synthesis tables (biểu tổng hợp) of a unit for a period: by unit directly below, by kind of subject, by
quota group, and the KHT cases by reason.

The members' table reconciles as the statistical forms expect: members present at the end of the period = not
reviewed with a recorded reason (exempt, suspended, admitted less than six months before) + without a review
(an omission) + with a review ("Có bản kiểm điểm": opened, whatever its state, a draft included; the column is not
"đã kiểm điểm", which would read as submitted); with a review = rated at a level + not yet rated. Each table is a
few GROUP BY queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Substr

from danhgia.orgs.models import PARTY_KINDS, SEGMENT, Unit, UnitKind
from danhgia.people.models import Membership, MemberStatus, QuotaGroup, SubjectKind
from danhgia.periods.models import Period
from danhgia.reports.common import AUTHORITY, MEMBER_KINDS, in_view, rulebook
from danhgia.reports.dashboard import Levels, omitted_members, present_at
from danhgia.reviews.models import DecisionKind, Exclusion, Review, ReviewKind
from danhgia.reviews.opening import EXCLUSION_REASONS
from danhgia.reviews.states import OUT_OF_PERIOD

if TYPE_CHECKING:
    from danhgia.reports.common import AnyUser

# Columns of "not reviewed, with the reason" (opening.py writes these reasons); anything else is "other".
EXCLUSION_KEYS = {text: key for key, text in EXCLUSION_REASONS.items()}
EXCLUSION_COLUMNS = [
    (MemberStatus.EXEMPT, "Miễn công tác và sinh hoạt đảng"),
    (MemberStatus.SUSPENDED, "Đình chỉ sinh hoạt đảng"),
    ("new", "Mới kết nạp chưa đủ 6 tháng"),
    ("other", "Lý do khác"),
]


@dataclass
class MemberRow:
    label: str
    unit: Unit | None = None
    direct: bool = False
    present: int = 0
    excluded: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _ in EXCLUSION_COLUMNS})
    omitted: int = 0
    levels: Levels = field(default_factory=Levels)

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    @property
    def difference(self) -> int:
        """present − (excluded + omitted + reviewed): zero when the figures reconcile."""
        return self.present - self.excluded_total - self.omitted - self.levels.reviewed

    def add(self, other: MemberRow) -> None:
        self.present += other.present
        self.omitted += other.omitted
        for key, n in other.excluded.items():
            self.excluded[key] += n
        self.levels.merge(other.levels)


@dataclass
class OrgRow:
    """Organizations (or subjects of one kind) reviewed: the not-yet-rated split into too new and undecided."""

    label: str
    unit: Unit | None = None
    direct: bool = False  # the unit itself, not a unit below
    too_new: int = 0  # founded less than six months before the end of the period: not rated (R05)
    levels: Levels = field(default_factory=Levels)
    note: str = ""

    @property
    def undecided(self) -> int:
        return self.levels.undecided - self.too_new

    def add(self, other: OrgRow) -> None:
        self.too_new += other.too_new
        self.levels.merge(other.levels)


@dataclass
class KindSection:
    title: str
    rows: list[OrgRow]
    total: OrgRow | None  # a subtotal when the section has several rows


@dataclass
class GroupRow:
    group: QuotaGroup | None  # None: reviews in no quota group
    row: OrgRow


@dataclass
class KhtRow:
    rule: str
    text: str
    source: str
    members: int = 0
    leaders: int = 0
    orgs: int = 0

    @property
    def total(self) -> int:
        return self.members + self.leaders + self.orgs


@dataclass
class Synthesis:
    unit: Unit
    period: Period
    members: list[MemberRow]
    members_total: MemberRow
    orgs: list[OrgRow]
    orgs_total: OrgRow
    kinds: list[KindSection]
    groups: list[GroupRow]
    kht: list[KhtRow]
    kht_subjects: dict[str, int]  # KHT subjects (not reasons) per column: members, leaders, orgs
    # Reviews the ordinary steps could not decide (reviews/stuck.py), said apart: decided without a passed proposal
    # ("unproposed", counted at their level) and excluded by the authority ("excluded", among "Lý do khác").
    stuck: dict[str, int] = field(default_factory=dict)


def _six_months_before(day: dt.date) -> dt.date:
    month = day.month - 6
    year = day.year + (month - 1) // 12
    return day.replace(year=year, month=(month - 1) % 12 + 1, day=min(day.day, 28))


def _ordered(unit: Unit, paths: set[str]) -> list[tuple[str, Unit]]:
    """The units at the given paths (the unit itself first, then party organizations, then bodies, by name)."""
    units = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    order = sorted(units, key=lambda p: (p != unit.path, units[p].kind not in PARTY_KINDS, units[p].sort_key))
    return [(p, units[p]) for p in order]


@dataclass(frozen=True)
class Counted:
    """One line of the period's single aggregate over its reviews."""

    child: str  # path of the unit directly below (or of the unit itself) where the subject was reviewed
    kind: str
    unit_kind: str | None
    group_id: int | None
    level: str | None
    too_new: bool
    n: int


def review_counts(unit: Unit, period: Period, viewer: AnyUser) -> list[Counted]:
    """Every table of reviews comes from this one GROUP BY: by unit below, kind, kind of unit, quota group, level
    and "founded less than six months ago" (a few thousand lines for a province, one pass over its reviews)."""
    prefix = len(unit.path) + SEGMENT
    rows = (
        Review.objects.filter(in_view(unit, viewer, period=period), period=period)
        # An excluded review (stuck.py) is counted with the exclusions, as not reviewed with its reason.
        .exclude(state__in=OUT_OF_PERIOD)
        .annotate(child=Substr("context__path", 1, prefix), new=_too_new(_six_months_before(period.ends_on)))
        .values_list("child", "kind", "unit__kind", "quota_group_id", "decision__level", "new")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [Counted(child, kind, unit_kind, group, level or None, bool(new), n)
            for child, kind, unit_kind, group, level, new, n in rows]  # fmt: skip


def _add(row: OrgRow, c: Counted) -> None:
    row.levels.add(c.level, c.n)
    if c.too_new and not c.level and c.kind in {ReviewKind.PARTY_ORG, ReviewKind.UNIT, ReviewKind.COLLECTIVE}:
        row.too_new += c.n


def members_by_unit(
    unit: Unit, period: Period, viewer: AnyUser, counts: list[Counted]
) -> tuple[list[MemberRow], MemberRow]:
    """Members present, not reviewed (with the reason), without a review, reviewed and rated, per unit below."""
    rows: dict[str, MemberRow] = defaultdict(lambda: MemberRow(""))
    child = Substr("unit__path", 1, len(unit.path) + SEGMENT)
    in_scope = in_view(unit, viewer, "unit__path")
    for path, n in (
        Membership.objects.filter(present_at(period), in_scope)
        .annotate(child=child)
        .values_list("child")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[path].present = n
    for path, reason, n in (
        Exclusion.objects.filter(in_view(unit, viewer, "unit__path", period=period), period=period)
        .annotate(child=child)
        .values_list("child", "reason")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[path].excluded[EXCLUSION_KEYS.get(reason, "other")] += n
    for path, n in (
        Membership.objects.filter(omitted_members(period, unit, viewer))
        .annotate(child=child)
        .values_list("child")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[path].omitted = n
    for c in counts:
        if c.kind in MEMBER_KINDS:
            rows[c.child].levels.add(c.level, c.n)
    result = []
    total = MemberRow("Tổng cộng")
    for path, found in _ordered(unit, set(rows)):
        row = rows[path]
        row.unit, row.direct, row.label = found, path == unit.path, found.name
        result.append(row)
        total.add(row)
    return result, total


def orgs_by_unit(unit: Unit, counts: list[Counted]) -> tuple[list[OrgRow], OrgRow]:
    """Party organizations reviewed, per unit directly below."""
    rows: dict[str, OrgRow] = defaultdict(lambda: OrgRow(""))
    for c in counts:
        if c.kind == ReviewKind.PARTY_ORG:
            _add(rows[c.child], c)
    result, total = [], OrgRow("Tổng cộng")
    for path, found in _ordered(unit, set(rows)):
        row = rows[path]
        row.unit, row.direct, row.label = found, path == unit.path, found.name
        result.append(row)
        total.add(row)
    return result, total


def _too_new(cutoff: dt.date) -> ExpressionWrapper:
    return ExpressionWrapper(Q(unit__founded_on__gt=cutoff), output_field=BooleanField())


KIND_SECTIONS: list[tuple[str, list[str]]] = [
    ("Đảng viên", [ReviewKind.MEMBER, ReviewKind.MEMBER_OUTSIDE]),
    ("Cán bộ lãnh đạo, quản lý", [ReviewKind.LEADER]),
    ("Tổ chức đảng", [ReviewKind.PARTY_ORG]),
    ("Tập thể lãnh đạo, quản lý", [ReviewKind.COLLECTIVE]),
    ("Cơ quan, đơn vị, Mặt trận Tổ quốc, đoàn thể", [ReviewKind.UNIT]),
]
UNIT_KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind.values)}


def by_kind(counts: list[Counted]) -> list[KindSection]:
    """Subjects by kind: members, leaders, party organizations by kind of organization, collectives, bodies."""
    rows: dict[tuple[str, str], OrgRow] = {}
    for c in counts:
        # People and collectives are one line per kind; organizations and bodies one line per kind of unit.
        key = (c.kind, (c.unit_kind or "") if c.kind in {ReviewKind.PARTY_ORG, ReviewKind.UNIT} else "")
        row = rows.get(key)
        if row is None:
            label = UnitKind(key[1]).label if key[1] else ReviewKind(c.kind).label
            row = rows[key] = OrgRow(label)
        _add(row, c)
    sections = []
    for title, kinds in KIND_SECTIONS:
        keys = sorted(
            (k for k in rows if k[0] in kinds), key=lambda k: (kinds.index(k[0]), UNIT_KIND_ORDER.get(k[1], 0))
        )
        if not keys:
            continue
        section_rows = [rows[k] for k in keys]
        total = None
        if len(section_rows) > 1:
            total = OrgRow(f"Cộng: {title.lower()}")
            for row in section_rows:
                total.add(row)
        sections.append(KindSection(title, section_rows, total))
    return sections


def by_group(counts: list[Counted]) -> list[GroupRow]:
    """Subjects by quota group (the groups of similar roles the 20 % applies in); the ungrouped last."""
    rows: dict[int | None, OrgRow] = defaultdict(lambda: OrgRow(""))
    for c in counts:
        _add(rows[c.group_id], c)
    groups = QuotaGroup.objects.filter(pk__in=[g for g in rows if g is not None]).select_related("unit")
    result = [GroupRow(g, rows[g.pk]) for g in sorted(groups, key=lambda g: (g.unit.path, g.subject_kind, g.name))]
    for g in result:
        assert g.group is not None
        g.row.label = g.group.name
        g.row.note = SubjectKind(g.group.subject_kind).label
    if None in rows:
        rows[None].label = "Không thuộc nhóm đối tượng tương đồng nào"
        result.append(GroupRow(None, rows[None]))
    return result


def kht_by_reason(unit: Unit, period: Period, viewer: AnyUser) -> tuple[list[KhtRow], dict[str, int]]:
    """KHT subjects by the reason the engine gave when the level was decided (a subject may have several)."""
    book = rulebook(period.regime)
    rows: dict[str, KhtRow] = {}
    subjects: Counter[str] = Counter()
    kht = Review.objects.filter(in_view(unit, viewer, period=period), period=period, decision__level="KHT")
    for kind, engine in kht.values_list("kind", "decision__engine"):
        column = "members" if kind in MEMBER_KINDS else "leaders" if kind == ReviewKind.LEADER else "orgs"
        subjects[column] += 1
        for rule in book.kht_causes(list((engine or {}).get("reasons") or [])):
            text = book.get(rule)
            row = rows.get(rule)
            if row is None:
                row = rows[rule] = KhtRow(rule, text.text, text.source)
            setattr(row, column, getattr(row, column) + 1)
    ordered = sorted(rows.values(), key=lambda r: (r.rule == AUTHORITY, -r.total, r.rule))
    return ordered, {c: subjects[c] for c in ("members", "leaders", "orgs")}


def synthesis(unit: Unit, period: Period, viewer: AnyUser) -> Synthesis:
    counts = review_counts(unit, period, viewer)
    members, members_total = members_by_unit(unit, period, viewer, counts)
    orgs, orgs_total = orgs_by_unit(unit, counts)
    kht, kht_subjects = kht_by_reason(unit, period, viewer)
    return Synthesis(
        unit=unit,
        period=period,
        members=members,
        members_total=members_total,
        orgs=orgs,
        orgs_total=orgs_total,
        kinds=by_kind(counts),
        groups=by_group(counts),
        kht=kht,
        kht_subjects=kht_subjects,
        stuck=stuck_counts(unit, period, viewer),
    )


def stuck_counts(unit: Unit, period: Period, viewer: AnyUser) -> dict[str, int]:
    """How many were decided without a passed proposal, and how many excluded by the authority (stuck.py)."""
    unproposed = Review.objects.filter(
        in_view(unit, viewer, period=period), period=period, decision__kind=DecisionKind.UNPROPOSED
    ).count()
    excluded = Exclusion.objects.filter(
        in_view(unit, viewer, "unit__path", period=period), period=period, review__isnull=False
    ).count()
    return {"unproposed": unproposed, "excluded": excluded}


PDF_GROUPS = 60  # above this many quota groups the PDF sums them by kind (the workbook keeps every group)


def groups_by_kind(groups: list[GroupRow]) -> list[OrgRow]:
    """Quota groups summed by kind of subject and kind of unit (the ungrouped apart), for a printable page."""
    rows: dict[tuple[str, str], OrgRow] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for g in groups:
        key = (g.group.subject_kind, g.group.unit.kind) if g.group is not None else ("", "")
        row = rows.get(key)
        if row is None:
            label = f"{SubjectKind(key[0]).label} — {UnitKind(key[1]).label}" if key[0] else g.row.label
            row = rows[key] = OrgRow(label)
        row.add(g.row)
        counts[key] += 1
    for key, row in rows.items():
        if key[0]:
            row.note = f"{counts[key]} nhóm"
    return [rows[k] for k in sorted(rows, key=lambda k: (not k[0], k))]
