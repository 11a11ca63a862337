"""Deadline reminders: who still has something to do in a phase that is due soon or already late.

Run by `danhgia remind` (once, from cron, or with --loop). Each reminder is a notification in the application
and an email to those with an address; a reminder is sent at most once a day per person and subject, however
often the command runs (the notification's key).

- self-review (phase "self_review"): each subject whose review is still a draft; for a body's report, those who
  manage the body;
- meeting (phase "meeting"): those who manage a unit with submitted reviews not yet proposed, one per unit;
- decision (phase "decision"): those who decide for a committee with proposals still undecided, one per
  committee;
- opinions: each respondent with an account whose sheet is still unanswered.

A secretary can also remind, from the cell's page, every member whose self-review is still a draft
(`remind_drafts`), at any time: the reminder carries the same key as the daily self-review reminder, so a member
is reminded at most once a day, by the command or by the button.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from danhgia.accounts.models import User
from danhgia.accounts.permissions import Perm
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.dates import today as local_today
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period, PeriodStatus
from danhgia.reviews import notify
from danhgia.reviews.access import is_own
from danhgia.reviews.models import PERSON_KINDS, Notification, Respondent, Review, ReviewState
from danhgia.reviews.states import DECIDABLE


@dataclass(frozen=True)
class Reminder:
    user: User
    key: str
    text: str
    url: str


def _window(period: Period, code: str, today: dt.date, days: int) -> dt.date | None:
    """The phase's deadline if it falls within `days` from today or has passed while the period is open."""
    phase = period.phases.filter(code=code).first()
    if phase is None or phase.starts_on > today or phase.deadline > today + dt.timedelta(days=days):
        return None
    return phase.deadline


def _when(deadline: dt.date, today: dt.date) -> str:
    if deadline < today:
        return f"đã quá hạn {deadline:%d/%m/%Y}"
    return f"hạn {deadline:%d/%m/%Y}"


def due(today: dt.date | None = None, days: int | None = None) -> list[Reminder]:
    """Every reminder owed today, across open periods."""
    today = today or local_today()
    days = settings.DANHGIA_REMIND_DAYS if days is None else days
    reminders: list[Reminder] = []
    for period in Period.objects.filter(status=PeriodStatus.OPEN):
        reminders += _self_review(period, today, days)
        reminders += _unit_steps(period, today, days)
        reminders += _opinion_sheets(period, today, days)
    return reminders


def _self_key(review_id: int, today: dt.date) -> str:
    """One self-review reminder per member and day, whoever sends it (the command or the secretary's button)."""
    return f"self:{review_id}:{today:%Y%m%d}"


def _self_review(period: Period, today: dt.date, days: int) -> list[Reminder]:
    deadline = _window(period, "self_review", today, days)
    if deadline is None:
        return []
    drafts = Review.objects.filter(period=period, state=ReviewState.DRAFT)
    people = dict(drafts.filter(kind__in=PERSON_KINDS).values_list("person_id", "pk"))
    out = []
    for user in User.objects.filter(is_active=True, person_id__in=list(people)):
        review_id = people[user.person_id]  # type: ignore[index]
        out.append(
            Reminder(
                user,
                _self_key(review_id, today),
                f"Nhắc việc: bản tự kiểm điểm {period.name} chưa nộp — {_when(deadline, today)}.",
                reverse("reviews-self", args=[review_id]),
            )
        )
    bodies = drafts.exclude(kind__in=PERSON_KINDS).values_list("context_id").annotate(n=Count("id"))
    out += _per_unit(
        dict(bodies), Perm.REVIEWS_MANAGE, "selfbody", period, today,
        "Nhắc việc: {unit} còn {n} báo cáo kiểm điểm tập thể chưa nộp — " + _when(deadline, today) + ".",
        lambda unit: reverse("reviews-unit", args=[period.pk, unit.pk]),
    )  # fmt: skip
    return out


def _unit_steps(period: Period, today: dt.date, days: int) -> list[Reminder]:
    out: list[Reminder] = []
    deadline = _window(period, "meeting", today, days)
    if deadline is not None:
        waiting = (
            Review.objects.filter(period=period, state=ReviewState.SUBMITTED)
            .values_list("context_id")
            .annotate(n=Count("id"))
        )
        out += _per_unit(
            dict(waiting), Perm.REVIEWS_MANAGE, "meeting", period, today,
            "Nhắc việc: {unit} còn {n} bản kiểm điểm chưa họp, đề xuất — " + _when(deadline, today) + ".",
            lambda unit: reverse("reviews-meeting", args=[period.pk, unit.pk]),
        )  # fmt: skip
    deadline = _window(period, "decision", today, days)
    if deadline is not None:
        waiting = (
            Review.objects.filter(period=period, state__in=DECIDABLE)
            .values_list("authority_id")
            .annotate(n=Count("id"))
        )
        out += _per_unit(
            dict(waiting), Perm.REVIEWS_DECIDE, "decide", period, today,
            "Nhắc việc: {unit} còn {n} đối tượng chờ quyết định xếp loại — " + _when(deadline, today) + ".",
            lambda unit: reverse("reviews-decisions", args=[period.pk]),
        )  # fmt: skip
    return out


def _per_unit(
    counts: dict[int, int],
    perm: Perm,
    what: str,
    period: Period,
    today: dt.date,
    template: str,
    url: Callable[[Unit], str],
) -> list[Reminder]:
    """One reminder per unit ({unit} and {n} filled in the template) to each user holding `perm` over it."""
    out = []
    for unit in Unit.objects.filter(pk__in=list(counts)):
        text = template.format(unit=unit.name, n=counts[unit.pk])
        for user in notify.managers_of(unit, perm):
            out.append(Reminder(user, f"{what}:{period.pk}:{unit.pk}:{today:%Y%m%d}", text, url(unit)))
    return out


def _opinion_sheets(period: Period, today: dt.date, days: int) -> list[Reminder]:
    sheets = Respondent.objects.filter(
        group__period=period,
        user__isnull=False,
        user__is_active=True,
        answered=False,
        revoked=False,
        group__deadline__gte=today,
        group__deadline__lte=today + dt.timedelta(days=days),
    ).select_related("user", "group")
    return [
        Reminder(
            s.user,  # type: ignore[arg-type]
            f"sheet:{s.pk}:{today:%Y%m%d}",
            f"Nhắc việc: phiếu cho ý kiến «{s.group.name}» chưa gửi — hạn {s.group.deadline:%d/%m/%Y}.",
            reverse("opinions-sheet", args=[s.pk]),
        )
        for s in sheets
    ]


@transaction.atomic
def send(reminders: list[Reminder]) -> int:
    """Send the reminders not yet sent (by key); returns how many were sent."""
    keys = {r.key for r in reminders}
    sent = set(
        Notification.objects.filter(key__in=keys, user_id__in={r.user.pk for r in reminders}).values_list(
            "user_id", "key"
        )
    )
    fresh = {(r.user.pk, r.key): r for r in reminders if (r.user.pk, r.key) not in sent}
    Notification.objects.bulk_create(
        [Notification(user=r.user, text=r.text[:300], url=r.url, key=r.key) for r in fresh.values()],
        batch_size=2000,
        ignore_conflicts=True,  # a concurrent run sent it meanwhile
    )
    mails = [
        (f"[DanhGia] {r.text[:120]}", f"{r.text}\n\n{settings.DANHGIA_SITE_URL}{r.url}", None, [r.user.email])
        for r in fresh.values()
        if r.user.email
    ]
    notify.send_after_commit(mails)
    return len(fresh)


def summary(reminders: list[Reminder]) -> dict[str, int]:
    return dict(Counter(r.key.split(":", 1)[0] for r in reminders))


@dataclass(frozen=True)
class Nudged:
    """What the secretary's reminder did: sent now, already reminded today, and who has no account to remind."""

    sent: int
    already: int
    without_account: list[str]


def drafts_in(period: Period, unit: Unit) -> list[Review]:
    """The members' self-reviews of a cell (or the persons reviewed in a body) still to be submitted."""
    return list(
        Review.objects.filter(period=period, context=unit, state=ReviewState.DRAFT, kind__in=PERSON_KINDS)
        .select_related("person")
        .order_by("person__sort_key")
    )


def reminded_today(reviews: list[Review], today: dt.date | None = None) -> int:
    today = today or local_today()
    keys = [_self_key(r.pk, today) for r in reviews]
    return Notification.objects.filter(key__in=keys).values("key").distinct().count()


@transaction.atomic
def remind_drafts(*, period: Period, unit: Unit, actor: User | None, today: dt.date | None = None) -> Nudged:
    """The secretary's button: remind each member of the unit whose self-review is still a draft (not the
    secretary's own), at most once a day each; audited with what was sent."""
    today = today or local_today()
    drafts = [r for r in drafts_in(period, unit) if not is_own(actor, r)]
    phase = period.phases.filter(code="self_review").first()
    when = f" — {_when(phase.deadline, today)}" if phase is not None else ""
    users: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, person_id__in=[r.person_id for r in drafts]):
        users.setdefault(user.person_id, []).append(user)  # type: ignore[arg-type]
    sender = f" ({unit.name} nhắc)" if unit.name else ""
    due = [
        Reminder(
            user,
            _self_key(review.pk, today),
            f"Nhắc việc{sender}: bản tự kiểm điểm {period.name} chưa nộp{when}.",
            reverse("reviews-self", args=[review.pk]),
        )
        for review in drafts
        for user in users.get(review.person_id or 0, [])
    ]
    already = reminded_today([r for r in drafts if r.person_id in users], today)
    sent = send(due)
    without = [r.subject_name for r in drafts if r.person_id not in users]
    record(
        actor=actor,
        action=Action.REMINDER_SENT,
        target=unit,
        unit=unit,
        new={
            "period": period.pk,
            "drafts": len(drafts),
            "sent": sent,
            "already": already,
            "without_account": len(without),
        },
    )
    return Nudged(sent=sent, already=already, without_account=without)
