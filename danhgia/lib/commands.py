"""Command-line commands that speak Vietnamese: argparse's own errors are English."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

ARGPARSE_WORDS = {
    "argument ": "tham số ",
    "invalid choice": "lựa chọn không hợp lệ",
    "choose from": "chọn một trong",
    "expected one argument": "cần một giá trị",
    "unrecognized arguments": "tham số không được hỗ trợ",
    "the following arguments are required": "thiếu tham số",
}


class VietnameseCommand(BaseCommand):
    """A bad command line is said in Vietnamese, exits 2 and changes nothing."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def vietnamese_error(message: str) -> NoReturn:
            for english, vietnamese in ARGPARSE_WORDS.items():
                message = message.replace(english, vietnamese)
            if parser.called_from_command_line:
                sys.stderr.write(f"Lỗi: {message}\nXem: danhgia {subcommand} --help\n")
                sys.exit(2)
            raise CommandError(f"Tham số không hợp lệ: {message}", returncode=2)

        parser.error = vietnamese_error  # type: ignore[method-assign]
        return parser
