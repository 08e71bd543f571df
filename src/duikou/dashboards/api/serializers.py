"""The aggregates' query (a scope, as `duikou stats` takes it) and the shapes of their answers.

The answers are built by `dashboards.queries` and `dashboards.charts` and encoded exactly like
`duikou stats --json` (money in yuan and rates as JSON numbers, dates as ISO strings): the
serializers below only describe them in the OpenAPI schema.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from duikou.geo.models import DivisionResolver
from duikou.parties.models import OrganizationResolver
from duikou.programmes.models import Programme

from ..queries import Scope

YEARS = {"min_value": 1990, "max_value": 2100}  # the models' own range for plan and fiscal years


class ScopeQuerySerializer(serializers.Serializer):
    """What the figures cover; the same options as `duikou stats` (docs/stats.md)."""

    programme = serializers.CharField(
        default="xinjiang", max_length=30, help_text="programme code · 援助计划代码 (default xinjiang)"
    )
    year = serializers.IntegerField(required=False, help_text="one plan / fiscal year", **YEARS)
    from_year = serializers.IntegerField(required=False, help_text="first year of a range", **YEARS)
    to_year = serializers.IntegerField(required=False, help_text="last year of a range", **YEARS)
    supporter = serializers.CharField(
        required=False,
        max_length=100,
        help_text="援疆省市 name, short name, alias or front HQ (浙江, 浙江省援疆指挥部), cities included",
    )
    division = serializers.CharField(
        required=False,
        max_length=100,
        help_text="division code, former code or name (653125, 莎车); includes the divisions under it",
    )
    as_of = serializers.DateField(required=False, help_text="count up to this day (default today)")

    def validate_programme(self, value):
        programme = Programme.objects.filter(code=value.strip()).first()
        if programme is None:
            raise serializers.ValidationError(_("找不到援助计划“{value}”").format(value=value))
        return programme

    def validate_supporter(self, value):
        supporter, message = OrganizationResolver().supporter_of(value)
        if supporter is None:
            raise serializers.ValidationError(message, code="does_not_exist")
        return supporter

    def validate_division(self, value):
        division, message = DivisionResolver().resolve(value)
        if division is None:
            raise serializers.ValidationError(message, code="does_not_exist")
        return division

    def validate(self, attrs):
        if "year" in attrs and ("from_year" in attrs or "to_year" in attrs):
            raise serializers.ValidationError(_("year 与 from_year / to_year 不能同时使用。"))
        first, last = attrs.get("from_year"), attrs.get("to_year")
        if first is not None and last is not None and first > last:
            raise serializers.ValidationError({"to_year": _("截止年度不能早于起始年度。")})
        return attrs

    def scope(self, **defaults) -> Scope:
        data = self.validated_data
        year = data.get("year")
        options = {
            "programme": data["programme"],
            "first_year": year if year is not None else data.get("from_year"),
            "last_year": year if year is not None else data.get("to_year"),
            "supporter": data.get("supporter"),
            "division": data.get("division"),
        }
        if data.get("as_of") is not None:
            options["as_of"] = data["as_of"]
        return Scope(**options)


def amount(**kwargs):
    """Yuan, as a JSON number with two decimals (the encoding of `duikou stats --json`)."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False, **kwargs)


def rate(**kwargs):
    """A fraction 0–1 with four decimals; null when there is no denominator."""
    return serializers.DecimalField(
        max_digits=10, decimal_places=4, coerce_to_string=False, allow_null=True, **kwargs
    )


class ScopeSerializer(serializers.Serializer):
    programme = serializers.CharField()
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    supporter = serializers.CharField(allow_null=True)
    division = serializers.CharField(allow_null=True)
    as_of = serializers.DateField()


class FundsSerializer(serializers.Serializer):
    planned = amount()
    arrived = amount()
    disbursed = amount()
    spent = amount()
    returned = amount()
    balance = amount()


class RatesSerializer(serializers.Serializer):
    arrival = rate()
    disbursement = rate()
    payment = rate()
    start = rate()
    completion = rate()


class ShareSerializer(serializers.Serializer):
    value = rate()
    amount = amount()
    target = rate()
    comparator = serializers.CharField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    target_from_year = serializers.IntegerField(allow_null=True)


class SharesSerializer(serializers.Serializer):
    aid_total = amount()
    livelihood = ShareSerializer()
    grassroots = ShareSerializer()
    south = ShareSerializer()


class ProjectCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    new_planned = serializers.IntegerField()
    new_started = serializers.IntegerField()
    due_to_complete = serializers.IntegerField()
    completed_of_due = serializers.IntegerField()


class PeopleSerializer(serializers.Serializer):
    in_post = serializers.IntegerField()
    in_post_on = serializers.DateField()
    person_times = serializers.IntegerField()
    person_times_by_kind = serializers.DictField(child=serializers.IntegerField())


class OutcomesSerializer(serializers.Serializer):
    jobs_created = serializers.IntegerField()
    jobs_formerly_poor = serializers.IntegerField()
    beneficiaries = serializers.IntegerField()
    people_trained = serializers.IntegerField()
    produce_sales_wan = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False)


class HeadlineFiguresSerializer(serializers.Serializer):
    """`duikou stats --json`, key for key (docs/stats.md)."""

    scope = ScopeSerializer()
    funds = FundsSerializer()
    rates = RatesSerializer()
    shares = SharesSerializer()
    projects = ProjectCountsSerializer()
    people = PeopleSerializer()
    outcomes = OutcomesSerializer()


class SupporterRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    aid = amount()
    planned = amount()
    arrived = amount()
    projects = serializers.IntegerField()
    arrival_rate = rate()
    url = serializers.CharField(help_text="the project registry page behind the row")


class CategoryRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    aid = amount()
    projects = serializers.IntegerField()
    counts_as_livelihood = serializers.BooleanField()
    url = serializers.CharField()


class ZoneRowSerializer(serializers.Serializer):
    zone = serializers.CharField()
    name = serializers.CharField()
    aid = amount()
    url = serializers.CharField()


class DivisionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    aid = amount()
    projects = serializers.IntegerField()
    jobs = serializers.IntegerField()
    url = serializers.CharField()


class YearSeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    data = serializers.ListField(child=amount(), help_text="Σ 援助资金 per year, in the order of `years`")


class ByYearSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    series = YearSeriesSerializer(many=True)
    links = serializers.DictField(child=serializers.CharField(), help_text="year → project registry page")
