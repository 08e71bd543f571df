"""`duikou duplicates`: likely duplicate projects (重复建设), best first."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from duikou.checks.duplicates import ScanOptions, scan
from duikou.checks.duplicates.reasons import reason_texts
from duikou.checks.duplicates.review import refresh_queue
from duikou.checks.duplicates.scan import DEFAULT_THRESHOLD, DEFAULT_YEAR_WINDOW
from duikou.core.context import change_context


class Command(BaseCommand):
    help = (
        "列出疑似重复项目（同一或相邻受援地、年度相近、名称相似），已审核的不再列出。"
        " Print likely duplicate projects with scores and reasons; pairs already reviewed are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only pairs with a project of this plan year")
        parser.add_argument("--json", action="store_true", help='JSON: {"pairs": [{"a", "b", "score", …}]}')
        parser.add_argument(
            "--threshold", type=float, default=DEFAULT_THRESHOLD, help="lowest score shown (0–1)"
        )
        parser.add_argument(
            "--year-window",
            type=int,
            default=DEFAULT_YEAR_WINDOW,
            help="plan years two projects may be apart",
        )
        parser.add_argument("--no-phases", action="store_true", help="leave out pairs that look like phases")
        parser.add_argument(
            "--save", action="store_true", help="also refresh the review queue (/checks/duplicates/)"
        )

    def handle(self, *args, **options):
        if not 0 <= options["threshold"] <= 1:
            raise CommandError("--threshold 须在 0 到 1 之间。 --threshold must be between 0 and 1.")
        if options["year_window"] < 0:
            raise CommandError("--year-window 不能为负数。 --year-window must not be negative.")
        scan_options = ScanOptions(
            threshold=options["threshold"],
            year_window=options["year_window"],
            include_phases=not options["no_phases"],
        )
        candidates = scan(year=options["year"], options=scan_options)
        if options["save"]:
            with change_context(user=None, source="command", note="duikou duplicates --save"):
                counts = refresh_queue(candidates, year=options["year"])
            self.stderr.write(
                "审核清单已更新：新增 {created}，更新 {updated}，移除 {removed}。"
                " Review queue refreshed.".format(**counts)
            )
        with translation.override(translation.get_language() or "zh-hans"):
            if options["json"]:
                self.print_json(candidates)
            else:
                self.print_table(candidates)

    def print_json(self, candidates):
        pairs = [
            {
                "a": candidate.first.code,
                "b": candidate.second.code,
                "score": candidate.score,
                "kind": candidate.kind,
                "reasons": reason_texts(candidate.reasons),
                "a_name": candidate.first.name,
                "b_name": candidate.second.name,
            }
            for candidate in candidates
        ]
        self.stdout.write(json.dumps({"pairs": pairs}, ensure_ascii=False, indent=2))

    def print_table(self, candidates):
        for candidate in candidates:
            self.stdout.write(
                f"{candidate.score:.3f}  {candidate.first.code} {candidate.first.name}\n"
                f"       {candidate.second.code} {candidate.second.name}\n"
                f"       {'；'.join(reason_texts(candidate.reasons))}"
            )
        self.stdout.write(f"疑似重复 {len(candidates)} 对 · {len(candidates)} pairs")
