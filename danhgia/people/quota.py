"""Quota groups: their filling rules (typed data, validated on load) and the services that maintain them.

A rule says which subjects of a period belong to a group, e.g. "all members of grassroots organization
X" or "the heads of every commune party committee under the province". Filling is set-based: one query
selects the candidates, one bulk insert adds them. Entries added by hand are kept when refilling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.dates import today
from danhgia.lib.text import clean_name
from danhgia.orgs.models import Unit, UnitKind, in_subtree, subtree_q
from danhgia.people.models import (
    PERSON_SUBJECTS,
    EntrySource,
    Membership,
    MemberStatus,
    Person,
    Post,
    PostRole,
    QuotaGroup,
    QuotaGroupEntry,
    SubjectKind,
)
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import load_spec

if TYPE_CHECKING:
    from danhgia.accounts.models import User
    from danhgia.periods.models import Period


RULE_KINDS = {
    "manual": "Lập danh sách thủ công",
    "members_under": "Toàn bộ đảng viên thuộc một tổ chức",
    "post_holders": "Người giữ chức vụ trong các đơn vị cùng loại",
    "units": "Các tổ chức, đơn vị cùng loại",
    "collectives": "Tập thể lãnh đạo, quản lý của các đơn vị cùng loại",
}
# Which subjects each rule can produce.
RULE_SUBJECTS = {
    "manual": frozenset(SubjectKind.values),
    "members_under": frozenset({SubjectKind.MEMBER}),
    "post_holders": frozenset({SubjectKind.LEADER, SubjectKind.MEMBER}),
    "units": frozenset({SubjectKind.PARTY_ORG, SubjectKind.UNIT}),
    "collectives": frozenset({SubjectKind.COLLECTIVE}),
}


@dataclass(frozen=True)
class QuotaRule:
    """A validated rule. `under` is the unit whose subtree is searched."""

    kind: str
    under: int | None = None
    unit_kinds: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    grassroots_only: bool = False
    title_contains: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.under is not None:
            data["under"] = self.under
        if self.unit_kinds:
            data["unit_kinds"] = list(self.unit_kinds)
        if self.roles:
            data["roles"] = list(self.roles)
        if self.grassroots_only:
            data["grassroots_only"] = True
        if self.title_contains:
            data["title_contains"] = self.title_contains
        return data


def parse_rule(data: dict[str, Any]) -> QuotaRule:
    """Validate a rule read from the database or a form; errors name the field, in Vietnamese."""
    if not isinstance(data, dict):
        raise ValidationError({"rule": "Quy tắc phải là một đối tượng JSON."})
    kind = data.get("kind", "manual")
    if kind not in RULE_KINDS:
        raise ValidationError({"rule": f"Loại quy tắc «{kind}» không được hỗ trợ."})
    known = {"kind", "under", "unit_kinds", "roles", "grassroots_only", "title_contains"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError({"rule": f"Trường không hợp lệ trong quy tắc: {', '.join(unknown)}."})
    if kind == "manual":
        return QuotaRule(kind="manual")
    under = data.get("under")
    if not isinstance(under, int) or isinstance(under, bool):
        raise ValidationError({"rule": "Quy tắc cần «under»: mã đơn vị phạm vi tìm kiếm."})
    unit_kinds = tuple(data.get("unit_kinds") or ())
    bad_kinds = [k for k in unit_kinds if k not in UnitKind.values]
    if bad_kinds:
        raise ValidationError({"rule": f"Loại đơn vị không hợp lệ: {', '.join(map(str, bad_kinds))}."})
    if kind in {"post_holders", "units", "collectives"} and not unit_kinds:
        raise ValidationError({"rule": "Quy tắc cần ít nhất một loại đơn vị («unit_kinds»)."})
    roles = tuple(data.get("roles") or ())
    bad_roles = [r for r in roles if r not in PostRole.values]
    if bad_roles:
        raise ValidationError({"rule": f"Vai trò không hợp lệ: {', '.join(map(str, bad_roles))}."})
    if kind == "post_holders" and not roles:
        roles = (PostRole.HEAD,)
    return QuotaRule(
        kind=kind,
        under=under,
        unit_kinds=unit_kinds,
        roles=roles,
        grassroots_only=bool(data.get("grassroots_only", False)),
        title_contains=str(data.get("title_contains", "")).strip(),
    )


def rule_description(rule: QuotaRule, units: dict[int, Unit] | None = None) -> str:
    """A Vietnamese sentence describing the rule, for the group page."""
    text = RULE_KINDS[rule.kind]
    if rule.kind == "manual":
        return text
    under = (units or {}).get(rule.under or 0)
    parts = [text]
    if rule.unit_kinds:
        parts.append("(" + ", ".join(UnitKind(k).label for k in rule.unit_kinds) + ")")
    if rule.roles:
        parts.append("— " + ", ".join(PostRole(r).label.lower() for r in rule.roles))
    if rule.title_contains:
        parts.append(f"— chức vụ có «{rule.title_contains}»")
    if rule.grassroots_only:
        parts.append("— chỉ tổ chức cơ sở đảng")
    parts.append(f"thuộc {under.name}" if under else f"thuộc đơn vị #{rule.under}")
    return " ".join(parts)


def reference_day(period: Period) -> dt.date:
    """Membership and posts are taken as they stand on the last day of the period (or today, if earlier)."""
    return min(period.ends_on, today()) if period.starts_on <= today() else period.ends_on


def _valid_on(day: dt.date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def rule_candidates(rule: QuotaRule, *, period: Period) -> tuple[str, QuerySet[Any]]:
    """("person" | "unit", ids of the subjects the rule selects), as one lazy query."""
    if rule.kind == "manual" or rule.under is None:
        return "person", Person.objects.none().values_list("pk", flat=True)
    under = Unit.objects.get(pk=rule.under)
    day = reference_day(period)
    if rule.kind == "members_under":
        ids = (
            Membership.objects.filter(
                subtree_q(under.path, "unit__path"),
                _valid_on(day, "valid_from", "valid_to"),
                status=MemberStatus.ACTIVE,
            )
            .values_list("member__person_id", flat=True)
            .distinct()
        )
        return "person", ids
    units = Unit.objects.filter(subtree_q(under.path), kind__in=rule.unit_kinds).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )
    if rule.grassroots_only:
        units = units.filter(is_grassroots=True)
    if rule.kind == "post_holders":
        posts = Post.objects.filter(_valid_on(day, "starts_on", "ends_on"), unit__in=units, role__in=rule.roles)
        if rule.title_contains:
            posts = posts.filter(title__icontains=rule.title_contains)
        return "person", posts.values_list("person_id", flat=True).distinct()
    if rule.kind == "collectives":
        units = units.exclude(collective_name="")
    return "unit", units.values_list("pk", flat=True)


@dataclass(frozen=True)
class RateLimits:
    """The HTXS rates a group of a period may have.

    `default` is the regime's rate (20 % under every regime so far); `regulation` the highest the regulation lets
    the competent authority set (QĐ 366 Art. 11 §1.5: 25 % for an outstanding organisation, unit; QĐ 132 and
    QĐ 124 allow no more than 20 %); `maximum` is that, or the installation's DANHGIA_QUOTA_MAX_RATE when higher
    (a what-if, a regulation changed before the rulebook), never above 1."""

    regime: str
    default: Decimal
    regulation: Decimal
    maximum: Decimal
    source: str

    @property
    def raised(self) -> bool:
        return self.maximum > self.regulation


def rate_limits(period: Period) -> RateLimits:
    from danhgia.reviews.presentation import clean_source

    spec = load_spec(Regime(period.regime)).quota
    default = Decimal(str(spec.rate))
    regulation = Decimal(str(spec.max_rate)) if spec.max_rate is not None else default
    source = spec.exception.source if spec.max_rate is not None and spec.exception is not None else spec.source
    configured = getattr(settings, "DANHGIA_QUOTA_MAX_RATE", None)
    maximum = regulation
    if configured is not None:
        maximum = max(regulation, min(Decimal(str(configured)), Decimal(1)))
    return RateLimits(period.regime, default, regulation, maximum, clean_source(source))


def percent(rate: Decimal) -> str:
    """0.25 → "25%", 0.125 → "12,5%" (the Vietnamese decimal comma)."""
    text = f"{(rate * 100).normalize():f}".replace(".", ",")
    return f"{text}%"


def check_rate(*, period: Period, rate: Decimal | None, reason: str, decided_by: str) -> None:
    """Refuse, naming the field and the limit, a rate the regulation of the period does not allow (every way a rate
    is set comes here: the group form, this module's services, the admin)."""
    if rate is None:
        return
    limits = rate_limits(period)
    errors: dict[str, str] = {}
    if rate <= 0:
        errors["rate"] = f"Tỷ lệ HTXS tối đa phải lớn hơn 0 (để trống: theo quy định, {percent(limits.default)})."
    elif rate > limits.maximum:
        if limits.raised:
            errors["rate"] = (
                f"Tỷ lệ HTXS tối đa không được vượt quá {percent(limits.maximum)} "
                f"(mức tối đa cấu hình cho hệ thống; quy định {limits.regime}: {percent(limits.regulation)})."
            )
        else:
            errors["rate"] = (
                f"Tỷ lệ HTXS tối đa không được vượt quá {percent(limits.maximum)} theo quy định của kỳ "
                f"({limits.regime}: {limits.source})."
            )
    if rate != limits.default and not reason.strip():
        errors["rate_reason"] = f"Tỷ lệ khác {percent(limits.default)} cần ghi rõ căn cứ, lý do."
    if rate > limits.default and not decided_by.strip():
        # QĐ 366 Art. 11 §1.5: "cấp có thẩm quyền quyết định tỉ lệ … không vượt quá 25%".
        errors["rate_decided_by"] = (
            f"Tỷ lệ trên {percent(limits.default)} chỉ áp dụng khi cấp có thẩm quyền quyết định: "
            "hãy ghi cấp quyết định, số và ngày văn bản."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def quota_group_create(
    *,
    period: Period,
    unit: Unit,
    name: str,
    subject_kind: str,
    actor: User | None,
    rule: dict[str, Any] | None = None,
    rate: Decimal | None = None,
    rate_reason: str = "",
    rate_decided_by: str = "",
) -> QuotaGroup:
    parsed = parse_rule(rule or {"kind": "manual"})
    if subject_kind not in RULE_SUBJECTS[parsed.kind]:
        raise ValidationError({"subject_kind": f"Quy tắc «{RULE_KINDS[parsed.kind]}» không áp dụng cho đối tượng này."})
    if parsed.under is not None:
        under = Unit.objects.filter(pk=parsed.under).first()
        if under is None or not in_subtree(under.path, unit.path):
            raise ValidationError({"rule": "Đơn vị trong quy tắc phải thuộc phạm vi của nhóm."})
    if not in_subtree(unit.path, period.unit.path):
        raise ValidationError({"unit": "Phạm vi của nhóm phải thuộc phạm vi của kỳ đánh giá."})
    check_rate(period=period, rate=rate, reason=rate_reason, decided_by=rate_decided_by)
    group = QuotaGroup(
        period=period,
        unit=unit,
        name=clean_name(name),
        subject_kind=subject_kind,
        rule=parsed.as_json(),
        rate=rate,
        rate_reason=rate_reason.strip(),
        rate_decided_by=rate_decided_by.strip(),
    )
    group.full_clean()
    group.save()
    record(
        actor=actor,
        action=Action.QUOTA_GROUP_CREATED,
        target=group,
        unit=unit,
        new={
            "name": group.name,
            "subject_kind": subject_kind,
            "rule": group.rule,
            "rate": rate,
            "rate_decided_by": group.rate_decided_by,
        },
    )
    return group


@dataclass(frozen=True)
class FillResult:
    added: int
    removed: int
    total: int
    # Subjects the rule selects but that already belong to another group of the same kind in the period.
    conflicts: list[tuple[int, str]]
    # Changes refused because decisions were taken under a group's quota (reviews/regroup.py): subject, reason.
    refused: list[tuple[int, str]] = field(default_factory=list)


def _regroup():  # type: ignore[no-untyped-def]
    """The reviews follow the entries (reviews/regroup.py); imported late, the reviews app being above this one."""
    from danhgia.reviews import regroup

    return regroup


def _refuse_if_deciding(group: QuotaGroup) -> None:
    """A group whose reviews await their decision or are decided is the frame of those decisions: its list is
    locked, for everyone. Adding to it would raise its cap as surely as removing would lower it (a decider who
    owns the period's rules, the provincial officer, could otherwise grow the group they decide in)."""
    if _regroup().group_in_decision(group):
        raise ValidationError(
            {"group": f"Nhóm «{group.name}» đang được quyết định xếp loại (có đối tượng đang chờ quyết định hoặc "
             "đã quyết định): danh sách của nhóm đã khóa, vì tỷ lệ HTXS được tính trên danh sách này."}
        )  # fmt: skip


@transaction.atomic
def quota_group_fill(*, group: QuotaGroup, actor: User | None) -> FillResult:
    """(Re)apply the group's rule: add what it selects, drop rule entries it no longer selects. After opening, the
    reviews of the subjects added or dropped move with them; those that cannot move (decisions taken under a
    group's quota) keep their place and are reported."""
    regroup = _regroup()
    group = QuotaGroup.objects.select_for_update().select_related("period").get(pk=group.pk)
    _refuse_if_deciding(group)
    rule = parse_rule(group.rule)
    target, ids = rule_candidates(rule, period=group.period)
    fk = "person_id" if target == "person" else "unit_id"
    wanted = set(ids)
    existing = QuotaGroupEntry.objects.filter(group=group)
    rule_entries = {getattr(e, fk): e.pk for e in existing.filter(source=EntrySource.RULE)}
    present = set(existing.values_list(fk, flat=True))
    stale_subjects = [subject for subject in rule_entries if subject not in wanted]
    leaving = regroup.plan(period=group.period, subject_kind=group.subject_kind, subjects=stale_subjects, target=None)
    stale = [rule_entries[subject] for subject in stale_subjects if subject not in leaving.refused]
    QuotaGroupEntry.objects.filter(pk__in=stale).delete()
    regroup.apply(moves=leaving.movable, target=None, actor=actor)
    taken = dict(
        QuotaGroupEntry.objects.filter(period=group.period, subject_kind=group.subject_kind, **{f"{fk}__in": wanted})
        .exclude(group=group)
        .values_list(fk, "group__name")
    )
    joining = regroup.plan(
        period=group.period,
        subject_kind=group.subject_kind,
        subjects=sorted(wanted - present - set(taken)),
        target=group,
    )
    new = sorted(wanted - present - set(taken) - set(joining.refused))
    QuotaGroupEntry.objects.bulk_create(
        [
            QuotaGroupEntry(
                group=group, period=group.period, subject_kind=group.subject_kind, source=EntrySource.RULE, **{fk: i}
            )
            for i in new
        ],
        batch_size=2000,
    )
    regroup.apply(moves=joining.movable, target=group, actor=actor)
    result = FillResult(
        added=len(new),
        removed=len(stale),
        total=QuotaGroupEntry.objects.filter(group=group).count(),
        conflicts=sorted(taken.items()),
        refused=sorted({**leaving.refused, **joining.refused}.items()),
    )
    record(
        actor=actor,
        action=Action.QUOTA_GROUP_FILLED,
        target=group,
        unit=group.unit,
        new={
            "added": result.added,
            "removed": result.removed,
            "total": result.total,
            "conflicts": len(result.conflicts),
            "refused": len(result.refused),
        },
    )
    return result


@transaction.atomic
def quota_group_add(
    *, group: QuotaGroup, actor: User | None, person: Person | None = None, unit: Unit | None = None
) -> QuotaGroupEntry:
    group = QuotaGroup.objects.select_for_update().select_related("period", "unit").get(pk=group.pk)
    _refuse_if_deciding(group)
    is_person = group.subject_kind in PERSON_SUBJECTS
    if (is_person and person is None) or (not is_person and unit is None):
        raise ValidationError({"subject": "Hãy chọn đối tượng phù hợp với nhóm."})
    subject: dict[str, Any] = {"person": person} if is_person else {"unit": unit}
    other = (
        QuotaGroupEntry.objects.filter(period=group.period, subject_kind=group.subject_kind, **subject)
        .select_related("group")
        .first()
    )
    if other is not None:
        raise ValidationError({"subject": f"Đối tượng đã thuộc nhóm «{other.group.name}» trong kỳ này."})
    regroup = _regroup()
    subject_id = person.pk if person is not None else unit.pk if unit is not None else 0
    moving = regroup.plan(period=group.period, subject_kind=group.subject_kind, subjects=[subject_id], target=group)
    if moving.refused:
        raise ValidationError({"subject": moving.reason()})
    entry = QuotaGroupEntry.objects.create(
        group=group, period=group.period, subject_kind=group.subject_kind, source=EntrySource.MANUAL, **subject
    )
    regroup.apply(moves=moving.movable, target=group, actor=actor)
    record(
        actor=actor,
        action=Action.QUOTA_GROUP_ENTRY_ADDED,
        target=group,
        unit=group.unit,
        new={"person": person.pk if person else None, "unit": unit.pk if unit else None, "label": str(person or unit)},
    )
    return entry


@transaction.atomic
def quota_group_remove(*, entry: QuotaGroupEntry, actor: User | None) -> None:
    """Take a subject out of its group; after opening, its undecided review leaves the group too (refused while
    the group has decisions: they were taken under its quota)."""
    group = QuotaGroup.objects.select_for_update().select_related("period", "unit").get(pk=entry.group_id)
    _refuse_if_deciding(group)
    regroup = _regroup()
    subject_id = entry.person_id or entry.unit_id or 0
    moving = regroup.plan(period=group.period, subject_kind=group.subject_kind, subjects=[subject_id], target=None)
    if moving.refused:
        raise ValidationError({"subject": moving.reason()})
    label = str(entry.person or entry.unit)
    old = {"person": entry.person_id, "unit": entry.unit_id, "label": label, "source": entry.source}
    entry.delete()
    regroup.apply(moves=moving.movable, target=None, actor=actor)
    record(actor=actor, action=Action.QUOTA_GROUP_ENTRY_REMOVED, target=group, unit=group.unit, old=old)


@transaction.atomic
def quota_group_delete(*, group: QuotaGroup, actor: User | None) -> None:
    """Delete a group; after opening its reviews become ungrouped, each audited. Refused once the group has
    decisions: they were taken under its quota."""
    group = QuotaGroup.objects.select_for_update().select_related("unit").get(pk=group.pk)
    regroup = _regroup()
    if regroup.group_decided(group):
        raise ValidationError(
            {"group": f"Nhóm «{group.name}» đã có quyết định xếp loại: không xóa được, vì các quyết định đã tính "
             "theo tỷ lệ của nhóm này."}
        )  # fmt: skip
    _refuse_if_deciding(group)
    regroup.apply(moves=regroup.group_reviews(group), target=None, actor=actor)
    old = {
        "name": group.name,
        "subject_kind": group.subject_kind,
        "entries": group.entries.count(),
        "period": group.period_id,
    }
    unit = group.unit
    label = str(group)
    group.delete()
    record(actor=actor, action=Action.QUOTA_GROUP_DELETED, unit=unit, old=old, label=label)
