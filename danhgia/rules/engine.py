"""The classification engine: a case in, levels with reasons out. Pure Python, no database.

Two stages.

1. Each subject alone (`_evaluate`): not-rated cases, KHT cases, the gates of each level from HTXS down
   (the subject gets the highest level whose conditions all hold), caps. The result is `eligible`. Subjects
   whose checks answer alike share one evaluation, learnt once per kind and presence of facts (`_Paths`).
2. Resolution in dependency order: a subject that heads a body (or whose rules read linked subjects)
   waits for them. Quota groups are processed whole, in topological order of the groups: within a group
   every subject's level before the quota is min(eligible, proposed, the level of the body it heads, linked
   rules); then the quota keeps the best-ranked candidates at HTXS. So a body downgraded by its own group's
   quota caps its head. A cycle between groups (or a body and its head in one group) cannot be ordered and
   is refused as bad input.

Everything is deterministic: candidates are ordered by rank (descending, no rank last) then id, results
come in the input order, warnings are sorted.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from danhgia.rules import levels, quota
from danhgia.rules.case import Case, CaseError, Quota, Subject, as_of, resolve_regime
from danhgia.rules.checks import FALSE, MISSING, MITIGATED, TRUE, Context, LinkParams, linked_at_least, present
from danhgia.rules.memory import gc_paused
from danhgia.rules.output import Output, QuotaResult, Reason, Result
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import Compiled, KindRules, NamedRule, Rule, RulebookError, compile_rulebook

NAMES = levels.NAMES
HTXS, HTT, HT, KHT, NONE = levels.HTXS, levels.HTT, levels.HT, levels.KHT, levels.NONE
WARNING_SAMPLE = 20  # subjects named in an aggregated warning


@dataclass(frozen=True)
class GroupQuota:
    rate: float
    base: str
    rounding: str
    min_cap: int
    decided_by: str | None
    reason: str | None
    unconfirmed: list[str]


class _Reasons:
    """Reason structs, and the tuples of them and of missing rule ids, shared between subjects: a national
    case has millions of subjects but only a few hundred distinct reason lists."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], Reason] = {}
        self._tuples: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def shared(self, items: list[Any]) -> tuple[Any, ...]:
        if not items:
            return ()
        key = tuple(items)
        return self._tuples.setdefault(key, key)

    def get(self, rule: Rule | NamedRule, effect: str, text: str | None = None) -> Reason:
        key = (rule.id, effect, text or "")
        reason = self._cache.get(key)
        if reason is None:
            reason = Reason(rule.id, effect, text or rule.description, rule.source, not rule.confirmed)
            self._cache[key] = reason
        return reason


def _step(high: int, low: int) -> str:
    return levels.STEPS[(high, low)]


@dataclass(slots=True)
class _Eval:
    rated: bool
    eligible: int
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    decide: bool
    not_rated_reason: str | None
    # The conditions of `eligible` that could not be checked for lack of facts (gates answering MISSING).
    unverified: tuple[str, ...] = ()
    bare: bool = False  # nothing recorded (checks.present is 0): evaluates like every bare subject of its kind


def _evaluate(kr: KindRules, answer: Callable[[Rule], int], reasons: _Reasons, undecided: NamedRule) -> _Eval:
    """One subject on its own: everything but the proposal, the body it heads, linked rules and the quota.

    A rule whose facts are missing does not fire (case-format.md): it never makes KHT, never fails a level's
    condition and never caps. It is listed under `missing`; a missing condition of the level reached is also
    listed under `unverified`, so that the competent authority sees the level was not checked against facts.
    Missing data is never evidence against a person.

    `answer(rule)`: the rule's check on the subject. The evaluation reads the subject only through it, so that the
    same answers always give the same evaluation (`_Paths` relies on it).
    """
    missing: list[str] = []
    for r in kr.not_rated:
        a = answer(r)
        if a == TRUE:
            return _Eval(False, NONE, (r.hit,), (), False, r.not_rated_reason)
        if a == MISSING:
            missing.append(r.id)
    out: list[Reason] = []
    kht = decide = False
    for r in kr.kht:
        a = answer(r)
        if a == TRUE:
            kht = True
            out.append(r.hit)
        elif a == MITIGATED:
            decide = True
            out.append(r.mitigated)
        elif a == MISSING:
            missing.append(r.id)
    for r in kr.decide:
        a = answer(r)
        if a == TRUE:
            decide = True
            out.append(r.hit)
        elif a == MISSING:
            missing.append(r.id)
    if kht:
        return _Eval(True, KHT, reasons.shared(out), reasons.shared(missing), decide, None)
    # The highest level whose conditions all hold (QĐ 366 Art. 11: "đồng thời, phải đáp ứng các điều kiện").
    level = NONE
    gaps: list[str] = []
    for at, gates in kr.levels:
        failed = False
        gaps = []
        for r in gates:
            a = answer(r)
            if a == FALSE:
                failed = True
                out.append(r.hit)
            elif a == MISSING:
                gaps.append(r.id)
        if gaps:
            missing.extend(gaps)
        if not failed:
            level = at
            break
    if level < HT:
        if undecided.effect == "KHT":
            # QĐ 132 / HD 21: not meeting the standard of HT is KHT (conditions that failed on facts, never on
            # missing ones: a missing condition does not fail).
            out.append(reasons.get(undecided, "→KHT"))
            return _Eval(True, KHT, reasons.shared(out), reasons.shared(missing), decide, None)
        # No level's conditions hold and no KHT case applies: the regulation gives no answer (R114).
        out.append(reasons.get(undecided, "needs_decision"))
        return _Eval(True, NONE, reasons.shared(out), reasons.shared(missing), True, None)
    for r in kr.caps:
        a = answer(r)
        if a == TRUE and r.level < level:
            out.append(r.capped[level])
            level = r.level
        elif a == MISSING:
            missing.append(r.id)
    return _Eval(
        True, level, reasons.shared(out), reasons.shared(missing), decide, None, reasons.shared(gaps) if gaps else ()
    )


# A node of `_Paths`: the next check to call (its function and parameters) and the node each answer leads to.
_Node = tuple[Callable[..., int], Any, dict[int, Any]]


class _Paths:
    """`_evaluate` specialised per kind of subject and presence mask (checks.present), learnt as it goes.

    For a given kind and mask the checks that are called are those whose facts are recorded (the others' answers
    are known: Rule.absent), and which one comes next depends only on the answers so far. So each (kind, mask) has
    a tree: a node calls one check, its answer picks the child, a leaf is the evaluation, shared by every subject
    that reaches it. A subject costs its own checks and a dict lookup per check; the lists of reasons and missing
    rules are built once per leaf (a province has a few thousand leaves for 100,000 subjects). A path not seen yet
    is evaluated in full (`_evaluate`) and added to the tree."""

    def __init__(self, compiled: Compiled, ctx: Context, reasons: _Reasons) -> None:
        self.by_kind = compiled.by_kind
        self.ctx = ctx
        self.reasons = reasons
        self.undecided = compiled.spec.undecided
        self.roots: dict[tuple[str, int], Any] = {}  # _Node or, without checks to call, _Eval

    def evaluate(self, s: Subject, have: int) -> _Eval:
        key = (s.kind, have)
        node: Any = self.roots.get(key)
        if node is None:
            return self._learn(s, have, key)
        ctx = self.ctx
        while node.__class__ is tuple:
            fn, params, children = node
            node = children.get(fn(s, params, ctx))
            if node is None:
                return self._learn(s, have, key)
        return node

    def _learn(self, s: Subject, have: int, key: tuple[str, int]) -> _Eval:
        """Evaluate `s` in full, recording the checks called and their answers, and add the path to the tree."""
        ctx = self.ctx
        calls: list[tuple[Rule, int]] = []

        def answer(r: Rule) -> int:
            if not r.mask & have:
                return r.absent
            a = r.fn(s, r.params, ctx)
            calls.append((r, a))
            return a

        e = _evaluate(self.by_kind[s.kind], answer, self.reasons, self.undecided)
        e.bare = not have
        if not calls:
            self.roots[key] = e
            return e
        node: Any = self.roots.get(key)
        if node is None:
            node = self.roots[key] = (calls[0][0].fn, calls[0][0].params, {})
        for n, (r, a) in enumerate(calls):
            fn, params, children = node
            assert fn is r.fn and params is r.params, "the same answers must call the same checks"
            if n + 1 == len(calls):
                children[a] = e
            else:
                nxt = children.get(a)
                if nxt is None:
                    nxt = children[a] = (calls[n + 1][0].fn, calls[n + 1][0].params, {})
                node = nxt
        return e


def _quota_for(case: Case, compiled: Compiled) -> tuple[list[GroupQuota | None], list[str]]:
    """Each group's quota: its own settings, else the case's, else the rulebook's; None for "no cap"."""
    spec = compiled.spec.quota
    options_min_cap = case.options.min_cap if case.options and case.options.min_cap is not None else None
    warnings: list[str] = []
    file_q = case.quota

    def pick(group_q: Quota | None, name: str) -> Any:
        for q in (group_q, file_q):
            value = getattr(q, name) if q is not None else None
            if value is not None:
                return value
        return None

    def resolve(group_q: Quota | None, where: str) -> GroupQuota:
        rate = pick(group_q, "rate")
        base, rounding = pick(group_q, "base"), pick(group_q, "rounding")
        unconfirmed: list[str] = [
            part
            for part, chosen in (("base", base), ("rounding", rounding), ("min_cap", options_min_cap))
            if part in spec.unconfirmed and chosen is None
        ]
        rate = spec.rate if rate is None else rate
        decided_by = pick(group_q, "decided_by")
        if spec.max_rate is not None and rate > spec.max_rate:
            warnings.append(
                f"{where}: tỷ lệ {rate:g} vượt mức tối đa {spec.max_rate:g} của quy định (chỉ để tính thử)."
            )
        elif rate != spec.rate and not decided_by:
            warnings.append(
                f"{where}: tỷ lệ {rate:g} khác {spec.rate:g} nhưng không ghi người quyết định (decided_by)."
            )
        return GroupQuota(
            rate, base or spec.base, rounding or spec.rounding,
            spec.min_cap if options_min_cap is None else options_min_cap,
            decided_by, pick(group_q, "reason"), unconfirmed,
        )  # fmt: skip

    result: list[GroupQuota | None] = []
    for i, group in enumerate(case.groups):
        if group.quota is None:
            result.append(None)  # explicitly no cap
        elif isinstance(group.quota, Quota):
            result.append(resolve(group.quota, f"groups[{i}].quota"))
        else:
            result.append(resolve(None, "quota"))
    return result, warnings


def _order(
    case: Case, compiled: Compiled, group_of: list[int], index: dict[str, int], dependent: list[int]
) -> list[int]:
    """Processing order of the nodes (groups, then ungrouped subjects as their own nodes), dependencies first.

    `dependent`: the subjects that may depend on others (a body headed, linked subjects), in input order; the others
    depend on nobody."""
    n_groups = len(case.groups)

    def node(i: int) -> int:
        g = group_of[i]
        return g if g >= 0 else n_groups + i

    edges: dict[int, set[int]] = {}
    blame: dict[tuple[int, int], int] = {}
    links = compiled.uses_links
    subjects = case.subjects
    for i in dependent:
        s = subjects[i]
        if s.heads is None and not (links and s.same_level):
            continue  # depends on nobody
        deps = []
        if s.heads is not None:
            deps.append(index[s.heads])
        if compiled.uses_links and s.same_level and compiled.by_kind[s.kind].linked:
            deps.extend(index[x] for x in s.same_level)
        for j in deps:
            a, b = node(i), node(j)
            if a == b:
                where = (
                    f"subjects[{i}].heads"
                    if s.heads is not None and index[s.heads] == j
                    else f"subjects[{i}].same_level"
                )
                if i == j or a >= n_groups:
                    raise CaseError(where, "head_cycle", f"«{s.id}» phụ thuộc chính nó.")
                raise CaseError(
                    where,
                    "head_cycle",
                    f"«{s.id}» và «{case.subjects[j].id}» cùng nhóm «{case.groups[a].id}» mà mức của «{s.id}» "
                    f"phụ thuộc mức của «{case.subjects[j].id}»: hãy tách thành hai nhóm.",
                )
            edges.setdefault(a, set()).add(b)
            blame.setdefault((a, b), i)
    # Kahn's algorithm over the nodes that have dependencies; the others can go in any order.
    waiting = {a: len(bs) for a, bs in edges.items()}
    dependents: dict[int, list[int]] = {}
    for a, bs in edges.items():
        for b in bs:
            dependents.setdefault(b, []).append(a)
    all_nodes = list(range(n_groups)) + [n_groups + i for i, g in enumerate(group_of) if g < 0]
    queue = deque(x for x in all_nodes if x not in waiting)
    order: list[int] = []
    while queue:
        x = queue.popleft()
        order.append(x)
        for a in dependents.get(x, ()):
            waiting[a] -= 1
            if waiting[a] == 0:
                queue.append(a)
    if len(order) < len(all_nodes):
        stuck = sorted(a for a, left in waiting.items() if left > 0)
        a = stuck[0]
        b = next(b for b in sorted(edges[a]) if b in waiting and waiting[b] > 0)
        i = blame[(a, b)]

        def label(x: int) -> str:
            return f"nhóm «{case.groups[x].id}»" if x < n_groups else f"«{case.subjects[x - n_groups].id}»"

        raise CaseError(
            f"subjects[{i}].heads" if case.subjects[i].heads else f"subjects[{i}].same_level",
            "head_cycle",
            f"Vòng phụ thuộc giữa {', '.join(label(x) for x in stuck[:6])}: "
            "không thể xếp loại đơn vị trước người đứng đầu.",
        )
    return order


def classify(case: Case) -> Output:
    """Classify every subject of a validated case (case.decode validates)."""
    with gc_paused():
        return _classify(case)


def _classify(case: Case) -> Output:
    regime: Regime = resolve_regime(case)
    ctx = Context(year=case.year or as_of(case).year, as_of=as_of(case))
    try:
        compiled = compile_rulebook(regime, case.options, case.local_rules)
    except RulebookError as exc:
        if exc.path.startswith(("local_rules", "options")):
            raise CaseError(exc.path, "invalid_rule", exc.message) from None
        raise
    spec = compiled.spec
    reasons = _Reasons()
    group_quota, warnings = _quota_for(case, compiled)
    group_index = {g.id: i for i, g in enumerate(case.groups)}
    subjects = case.subjects
    index = {s.id: i for i, s in enumerate(subjects)}
    n = len(subjects)
    n_groups = len(case.groups)
    by_name = levels.BY_NAME
    capped_by_proposal = {
        (high, low): reasons.get(spec.proposed, _step(high, low)) for high in range(len(NAMES)) for low in range(high)
    }
    by_kind = compiled.by_kind
    linked_rules = {kind: kr.linked for kind, kr in by_kind.items() if kr.linked} if compiled.uses_links else {}

    # One pass: each subject's evaluation, its group, and, for a subject that depends on nobody (no body headed, no
    # linked rules), its level before the quota (eligible, capped by the proposal) and its place in its group's
    # count. Those that depend on others wait for them (the resolution below, in `_order`).
    paths = _Paths(compiled, ctx, reasons)
    evaluate, roots = paths.evaluate, paths.roots
    evals: list[_Eval] = []
    group_of: list[int] = []
    final = [NONE] * n
    # What the resolution adds to a subject, kept beside its evaluation (which subjects share): reasons, and the
    # conditions it could not check (the body headed or linked subjects without a level).
    added: list[tuple[Reason, ...]] = [()] * n
    added_missing: dict[int, tuple[str, ...]] = {}
    dependent: list[int] = []
    candidates: list[list[int]] = [[] for _ in range(n_groups)]  # each group's subjects at HTXS before the quota
    htt = [0] * n_groups  # and how many at HTT
    for i, s in enumerate(subjects):
        have = present(s)
        e = roots.get((s.kind, have))  # a leaf at the root: subjects of this kind and mask need no check (bare ones)
        if e.__class__ is not _Eval:
            e = evaluate(s, have)
        evals.append(e)
        g = -1 if s.group is None else group_index[s.group]
        group_of.append(g)
        if s.heads is not None or (linked_rules and s.kind in linked_rules):
            dependent.append(i)
            continue
        level = e.eligible
        if level < 0 or not e.rated or e.decide:
            # Not rated, or left to the competent authority (R75, R78, R114): no level, no place in the quota.
            continue
        if s.proposed is not None:
            proposed = by_name[s.proposed]
            if proposed < level:
                added[i] = (capped_by_proposal[(level, proposed)],)
                level = proposed
        final[i] = level
        if g >= 0:
            if level == HTXS:
                candidates[g].append(i)
            elif level == HTT:
                htt[g] += 1
    positions: list[int | None] = [None] * n
    quota_out: list[QuotaResult] = []
    quota_rule = NamedRule(id="quota", description=spec.quota.description, source=spec.quota.source)

    def pre_quota(i: int) -> int:
        """The level before the quota: eligible, capped by the proposal, the body headed, linked rules.

        A subject left to the competent authority (R75, R78, R114) has no level: it takes no quota place.
        """
        e = evals[i]
        level = e.eligible
        if level < 0 or not e.rated:
            return level
        if e.decide:
            return NONE
        s = subjects[i]
        if s.proposed is not None:
            proposed = by_name[s.proposed]
            if proposed < level:
                added[i] = (capped_by_proposal[(level, proposed)],)
                level = proposed
        if s.heads is not None:
            body = final[index[s.heads]]
            if body < 0:
                # The body has no level: its head is not capped by it, and the head's level is not verified.
                added_missing[i] = (spec.head.id,)
            elif body < level:
                added[i] += (reasons.get(spec.head, _step(level, body), f"{spec.head.description} («{s.heads}»)"),)
                level = body
        for r in linked_rules.get(s.kind, ()):
            assert isinstance(r.params, LinkParams)
            answer = linked_at_least([final[index[x]] for x in s.same_level], r.params)
            if answer == MISSING:
                added_missing[i] = (*added_missing.get(i, ()), r.id)
            elif r.effect == "requires" and answer == FALSE and level >= r.level:
                added[i] += (reasons.get(r, _step(level, r.level - 1)),)
                level = r.level - 1
            elif r.effect == "max" and answer == TRUE and level > r.level:
                added[i] += (reasons.get(r, _step(level, r.level)),)
                level = r.level
        return level

    def quota_order(i: int) -> tuple[bool, float, str]:
        """Candidates by rank, descending, a null rank after every number, then by id."""
        s = subjects[i]
        rank = s.rank
        return rank is None, -(rank or 0.0), s.id

    waiting: list[list[int]] = [[] for _ in range(n_groups)]
    for i in dependent:
        if group_of[i] >= 0:
            waiting[group_of[i]].append(i)
    alone = set(dependent)
    for node in _order(case, compiled, group_of, index, dependent):
        if node >= n_groups:
            i = node - n_groups
            if i in alone:
                final[i] = pre_quota(i)
            continue
        for i in waiting[node]:
            level = final[i] = pre_quota(i)
            if level == HTXS:
                candidates[node].append(i)
            elif level == HTT:
                htt[node] += 1
        cands = candidates[node]
        group_htt = htt[node]
        q = group_quota[node]
        if q is None:
            quota_out.append(
                QuotaResult(
                    group=case.groups[node].id, rule=spec.quota.rule, rate=None, base=None, rounding=None,
                    candidates=len(cands), htt=group_htt, granted=len(cands), cap=None, downgraded=[],
                    tie_at_cutoff=False,
                )
            )  # fmt: skip
            continue
        cands.sort(key=quota_order)
        the_cap = quota.cap(
            base=q.base,
            rate=quota.exact(q.rate),
            htt=group_htt,
            candidates=len(cands),
            rounding=q.rounding,
            min_cap=q.min_cap,
        )
        kept = min(len(cands), the_cap)
        group = case.groups[node]
        tie = 0 < kept < len(cands) and subjects[cands[kept - 1]].rank == subjects[cands[kept]].rank
        over = reasons.get(quota_rule, "HTXS→HTT", f"Vượt tỷ lệ {q.rate * 100:g}% của nhóm «{group.name or group.id}»")
        for position, i in enumerate(cands, start=1):
            positions[i] = position
            if position > kept:
                added[i] += (over,)
                final[i] = HTT
        if tie:
            warnings.append(
                f"Nhóm «{group.id}»: «{subjects[cands[kept - 1]].id}» và «{subjects[cands[kept]].id}» "
                "bằng hạng tại ngưỡng tỷ lệ; cấp có thẩm quyền quyết định."
            )
        quota_out.append(
            QuotaResult(
                group=group.id,
                rule=spec.quota.rule,
                rate=q.rate,
                base=q.base,
                rounding=q.rounding,
                candidates=len(cands),
                htt=group_htt,
                granted=kept,
                cap=the_cap,
                downgraded=[subjects[i].id for i in cands[kept:]],
                tie_at_cutoff=tie,
                decided_by=q.decided_by,
                reason=q.reason,
                unconfirmed=q.unconfirmed,
            )
        )

    results: list[Result] = []
    append = results.append
    undecided = []
    unverified_ids = []
    level_name = {level: levels.name(level) for level in range(NONE, len(NAMES))}
    bare_final: dict[tuple[str, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    with_score = regime == Regime.R2025
    for i, (s, e, level, more, place) in enumerate(zip(subjects, evals, final, added, positions, strict=True)):
        if not e.rated:
            append(
                Result(
                    id=s.id, rated=False, level=None, eligible=None, not_rated_reason=e.not_rated_reason,
                    reasons=e.reasons,
                )
            )  # fmt: skip
            continue
        if e.decide:
            undecided.append(s.id)
        resolved = added_missing.get(i, ()) if added_missing else ()
        if not resolved and level == e.eligible:
            # Its unchecked conditions were found while evaluating (`_unchecked`'s shortest path).
            unverified, missing = (e.unverified if level >= HT else ()), e.missing
        elif e.bare and not resolved:
            # Bare subjects of a kind at the same final level have the same conditions left unchecked.
            known = bare_final.get((s.kind, level))
            if known is None:
                known = bare_final[(s.kind, level)] = _unchecked(s, e, level, compiled, ctx, reasons, resolved)
            unverified, missing = known
        else:
            unverified, missing = _unchecked(s, e, level, compiled, ctx, reasons, resolved)
        if unverified:
            unverified_ids.append(s.id)
        score = s.score if with_score else None
        append(
            Result(
                id=s.id,
                rated=True,
                level=level_name[level],
                eligible=level_name[e.eligible],
                needs_decision=e.decide,
                score=None if score is None else score.general + score.task,
                quota_position=place,
                reasons=e.reasons + more if more else e.reasons,
                missing=missing,
                unverified=unverified or None,
            )
        )
    if unverified_ids:
        # The first ids in order, whatever the order of the subjects (not a sort of every id: most can be unverified).
        first = heapq.nsmallest(WARNING_SAMPLE, unverified_ids)
        sample = ", ".join(first) + (" …" if len(unverified_ids) > WARNING_SAMPLE else "")
        warnings.append(
            f"{len(unverified_ids)} đối tượng có mức xếp loại chưa được kiểm chứng vì thiếu dữ kiện (unverified); "
            f"thiếu dữ kiện không làm hạ mức, cấp có thẩm quyền xem xét: {sample}"
        )
    if undecided:
        first = heapq.nsmallest(WARNING_SAMPLE, undecided)  # the warning must not depend on the order of the subjects
        sample = ", ".join(first) + (" …" if len(undecided) > WARNING_SAMPLE else "")
        warnings.append(
            f"{len(undecided)} đối tượng cần cấp có thẩm quyền xem xét, quyết định (needs_decision): {sample}"
        )
    return Output(
        regime=regime.value,
        rulebook=spec.title,
        as_of=ctx.as_of,
        options=_options_report(case, compiled),
        results=results,
        quota=quota_out,
        warnings=sorted(warnings),
    )


def _unchecked(
    s: Subject, e: _Eval, level: int, compiled: Compiled, ctx: Context, reasons: _Reasons, resolved: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`unverified` and `missing` of a subject at its final level. `resolved`: what the resolution could not check
    (the body headed or linked subjects without a level).

    The conditions of the level the rules reached were found while evaluating; a final level set lower by the
    proposal, the body headed or the quota has conditions of its own, checked here. KHT and "no level" have no
    conditions to verify."""
    missing = reasons.shared([*e.missing, *resolved]) if resolved else e.missing
    if level < HT:
        return (), missing
    if level == e.eligible:
        return (reasons.shared([*e.unverified, *resolved]) if resolved else e.unverified), missing
    have = present(s)
    gaps = [
        r.id
        for r in compiled.by_kind[s.kind].gates[level]
        if (r.fn(s, r.params, ctx) if r.mask & have else r.absent) == MISSING
    ]
    unverified = reasons.shared([*gaps, *resolved])
    if gaps and not set(gaps) <= set(missing):  # a lower level's conditions, checked only now
        missing = reasons.shared([*missing, *(x for x in gaps if x not in missing)])
    return unverified, missing


def _options_report(case: Case, compiled: Compiled) -> dict[str, Any]:
    """The choices the regulations leave open, with the value used and whether it is confirmed."""
    q = compiled.spec.quota
    override = case.quota
    report: dict[str, Any] = {}
    for part, value, overridden in (
        ("quota_rate", q.rate, override.rate if override else None),
        ("quota_base", q.base, override.base if override else None),
        ("quota_rounding", q.rounding, override.rounding if override else None),
        ("quota_min_cap", q.min_cap, case.options.min_cap if case.options else None),
    ):
        name = part.removeprefix("quota_")
        entry: dict[str, Any] = {"value": value if overridden is None else overridden}
        if overridden is None and name in q.unconfirmed:
            entry["unconfirmed"] = True
            if name in q.notes:
                entry["note"] = q.notes[name]
        report[part] = entry
    unconfirmed_on = sorted(r.id for r in compiled.rules.values() if not r.confirmed)
    unconfirmed_off = sorted(r.id for r in compiled.spec.rules if not r.confirmed and r.id not in compiled.rules)
    report["unconfirmed_rules_applied"] = unconfirmed_on
    report["unconfirmed_rules_not_applied"] = unconfirmed_off
    if not compiled.spec.undecided.confirmed:
        report["undecided"] = {"value": "needs_decision", "unconfirmed": True, "note": compiled.spec.undecided.note}
    return report
