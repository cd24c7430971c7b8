"""The `joinedup` console command: every Django management command, with dashed names.

`joinedup import-oruk FILE` is `manage.py import_oruk FILE`; the dash form is what the
README and DESIGN.md promise, the underscore form is what Django looks up.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
