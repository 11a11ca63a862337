#!/usr/bin/env python3
"""Django's command-line utility; `danhgia` (danhgia/cli.py) wraps it with the project's own commands."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
