import json

from django.core.management.base import BaseCommand

from duikou.reference.loader import load_reference


class Command(BaseCommand):
    help = (
        "加载参考数据（区划、单位、援疆计划、结对关系、指标）；可重复执行。 Load reference data (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, json_output=False, **options):
        counts = load_reference()
        if options["json"]:
            self.stdout.write(json.dumps(counts, ensure_ascii=False, sort_keys=True))
        elif counts:
            for key, value in sorted(counts.items()):
                self.stdout.write(f"{key}: {value}")
        else:
            self.stdout.write("参考数据已是最新，无变化。 Reference data up to date; nothing changed.")
