"""The `danhgia` command.

danhgia classify FILE|-     classify a case file (pure engine, no database)
danhgia demo [--scale 1]    seed the demo province (demo mode only)
danhgia remind [--loop]     deadline reminders (self-review, meeting, decision, opinion sheets)
danhgia <django command>    any Django management command: migrate, runserver, createsuperuser, ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "classify":
        # The engine needs no Django: keep its start-up fast.
        from danhgia.rules.cli import main as classify_main

        return classify_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["danhgia", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
