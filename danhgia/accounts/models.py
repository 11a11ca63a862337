"""Users and their roles, each role scoped to a subtree of the organization tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    # The person this account belongs to (a member sees their own file through it).
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user", verbose_name="Cá nhân"
    )
    # Accounts created by `danhgia demo`, with published passwords: they can log in only in demo mode.
    is_demo = models.BooleanField("Tài khoản trình diễn", default=False)

    class Meta:
        verbose_name = "Tài khoản"
        verbose_name_plural = "Tài khoản"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name (first_name).
        return f"{self.last_name} {self.first_name}".strip()


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    OFFICER = "officer", "Cán bộ ban tổ chức"
    COMMITTEE_SECRETARY = "committee_secretary", "Bí thư cấp ủy"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    MEMBER = "member", "Đảng viên"
    FRONT = "front", "Đại diện Mặt trận Tổ quốc"
    INSPECTOR = "inspector", "Kiểm tra, giám sát (chỉ xem)"


class RoleAssignment(models.Model):
    """A role over the subtree rooted at `unit`. A user may hold several roles over several subtrees."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("Vai trò", max_length=24, choices=Role.choices)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Phạm vi")

    class Meta:
        verbose_name = "Vai trò"
        verbose_name_plural = "Vai trò và phạm vi"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="role_assignment_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} — {self.unit}"
