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
    ADMIN = "admin:all"  # Django admin (data managers) and account management


_READ = {Perm.ORGS_VIEW, Perm.PEOPLE_VIEW, Perm.PERIODS_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.OFFICER: frozenset(
        _READ | {Perm.ORGS_EDIT, Perm.PEOPLE_EDIT, Perm.PERIODS_MANAGE, Perm.QUOTAS_MANAGE, Perm.AUDIT_VIEW}
    ),
    Role.COMMITTEE_SECRETARY: frozenset(_READ | {Perm.QUOTAS_MANAGE}),
    Role.CELL_SECRETARY: frozenset(_READ),
    # A member sees only their own file (granted by `access_person`, not by scope) and the periods.
    Role.MEMBER: frozenset({Perm.PERIODS_VIEW}),
    # The Fatherland Front sees the organizations and their leaders, not members' personal data.
    Role.FRONT: frozenset({Perm.ORGS_VIEW, Perm.PERIODS_VIEW}),
    Role.INSPECTOR: frozenset(_READ | {Perm.AUDIT_VIEW}),
}
