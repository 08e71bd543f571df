import json
import time

from django.core.management.base import BaseCommand, CommandError

from duikou.demo.generator import dataset_present, generate_dataset
from duikou.demo.wipe import wipe_dataset
from duikou.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "生成校准的援疆演示数据集（2010–2025）；--scale 1 约 4 万个项目。"
        " Generate the calibrated synthetic 援疆 data set (SF1 at --scale 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = SF1 (≈40,000 projects); 0.1 = a tenth"
        )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data set")
        parser.add_argument(
            "--replace", action="store_true", help="delete the loaded data set first (demo databases)"
        )
        parser.add_argument("--json", action="store_true", help="print counts and timings as JSON")

    def handle(self, *args, scale, seed, replace, **options):
        if scale <= 0 or scale > 50:
            raise CommandError("--scale must be in (0, 50].")
        if not Programme.objects.filter(code="xinjiang").exists():
            raise CommandError(
                "参考数据未加载，请先运行 duikou load-reference。 Run `duikou load-reference` first."
            )
        if dataset_present():
            if not replace:
                self.stdout.write(
                    "已有数据集，未做任何更改（如需重新生成请加 --replace）。"
                    " A data set is already loaded; nothing changed (use --replace to regenerate)."
                )
                return
            removed = wipe_dataset()
            self.stdout.write(f"已删除原数据集 · removed: {removed}")
        started = time.perf_counter()
        progress = (lambda message: None) if options["json"] else self.stdout.write
        batch = generate_dataset(scale=scale, seed=seed, progress=progress)
        seconds = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"counts": batch.counts, "parameters": batch.parameters, "seconds": seconds},
                    ensure_ascii=False,
                    sort_keys=True,
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"数据集已生成（{seconds} 秒）· data set generated in {seconds} s: "
                + ", ".join(f"{name} {count:,}" for name, count in batch.counts.items())
            )
        )
