import json
from collections import Counter

from django.core.management.base import BaseCommand

from duikou.demo.models import AnomalyKind, PlantedAnomaly


class Command(BaseCommand):
    help = (
        "列出演示数据集中预置的异常及其标签（供核查规则自测）。"
        " List the anomalies planted in the generated data set, with their labels."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=AnomalyKind.values, help="only this kind")
        parser.add_argument("--json", action="store_true", help="JSON: {counts, anomalies: [...]}")

    def handle(self, *args, kind=None, **options):
        anomalies = PlantedAnomaly.objects.select_related("project", "other_project", "supporter").order_by(
            "kind", "pk"
        )
        if kind:
            anomalies = anomalies.filter(kind=kind)
        rows = [
            {
                "kind": anomaly.kind,
                "label": anomaly.get_kind_display(),
                "project": anomaly.project.code if anomaly.project_id else None,
                "other_project": anomaly.other_project.code if anomaly.other_project_id else None,
                "supporter": anomaly.supporter.name if anomaly.supporter_id else None,
                "year": anomaly.year,
                "detail": anomaly.detail,
            }
            for anomaly in anomalies
        ]
        counts = Counter(row["kind"] for row in rows)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"counts": dict(sorted(counts.items())), "anomalies": rows}, ensure_ascii=False, indent=2
                )
            )
            return
        for row in rows:
            subject = (
                " ↔ ".join(code for code in (row["project"], row["other_project"]) if code)
                or f"{row['supporter']} {row['year']}"
            )
            self.stdout.write(
                f"{row['label']:<16} {subject}  {json.dumps(row['detail'], ensure_ascii=False)}"
            )
        self.stdout.write("合计 total: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
