"""The `duikou` command: Django's management commands under one name.

`duikou load-reference`, `duikou generate --scale 0.1`, `duikou stats --json`,
`duikou migrate` … Hyphenated names map to the underscored command modules,
so both `load-reference` and `load_reference` work.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.config.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "duikou"

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
