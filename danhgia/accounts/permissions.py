"""The permission vocabulary and the role → permission matrix: the one place that says who may do what.

Names follow "<resource>:<action>". Row-level scope (which subtree) comes from the role assignment;
this matrix only says what a role may do inside its scope. docs/permissions.md is generated from it
(`danhgia permissions`); update both together.
"""

from enum import StrEnum

from danhgia.accounts.models import Role


class Perm(StrEnum):
    ORGS_VIEW = "orgs:view"  # the tree, units, their posts and same-level bodies
    ORGS_EDIT = "orgs:edit"
    PEOPLE_VIEW = "people:view"  # member lists, person files, search
    PEOPLE_EDIT = "people:edit"  # transfers, status changes, posts
    PERIODS_VIEW = "periods:view"
    PERIODS_MANAGE = "periods:manage"
    QUOTAS_MANAGE = "quotas:manage"
    AUDIT_VIEW = "audit:view"
    REVIEWS_VIEW = "reviews:view"  # review files in scope (self-review, opinions in aggregate, meeting, decision)
    REVIEWS_MANAGE = "reviews:manage"  # meetings, opinion requests, reopening, facts, shortcomings, collective reports
    REVIEWS_APPRAISE = "reviews:appraise"  # the advisory body's appraisal
    REVIEWS_DECIDE = "reviews:decide"  # decide levels for the committees in scope (the review's authority)
    COMPLAINTS_HANDLE = "complaints:handle"
    ADMIN = "admin:all"  # Django admin (data managers) and account management


_READ = {Perm.ORGS_VIEW, Perm.PEOPLE_VIEW, Perm.PERIODS_VIEW, Perm.REVIEWS_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.OFFICER: frozenset(
        _READ
        | {Perm.ORGS_EDIT, Perm.PEOPLE_EDIT, Perm.PERIODS_MANAGE, Perm.QUOTAS_MANAGE, Perm.AUDIT_VIEW}
        | {Perm.REVIEWS_MANAGE, Perm.REVIEWS_APPRAISE, Perm.REVIEWS_DECIDE, Perm.COMPLAINTS_HANDLE}
    ),
    Role.COMMITTEE_SECRETARY: frozenset(
        _READ | {Perm.QUOTAS_MANAGE, Perm.REVIEWS_MANAGE, Perm.REVIEWS_DECIDE, Perm.COMPLAINTS_HANDLE}
    ),
    Role.CELL_SECRETARY: frozenset(_READ | {Perm.REVIEWS_MANAGE}),
    # A member sees only their own file (granted by `access_person`, not by scope) and the periods.
    Role.MEMBER: frozenset({Perm.PERIODS_VIEW}),
    # The Fatherland Front sees the organizations and their leaders, not members' personal data.
    Role.FRONT: frozenset({Perm.ORGS_VIEW, Perm.PERIODS_VIEW}),
    Role.INSPECTOR: frozenset(_READ | {Perm.AUDIT_VIEW}),
}
