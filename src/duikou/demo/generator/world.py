"""The reference data the generator builds on, read once into plain structures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from duikou.geo.models import Division
from duikou.outcomes.models import Indicator
from duikou.pairings.models import Pairing
from duikou.parties.models import Organization
from duikou.programmes.models import Batch, Category, Programme

from ..calibration import SUPPORTER_WEIGHTS


@dataclass(frozen=True)
class Place:
    """A division a project or person can be placed in."""

    id: int
    code: str
    name: str
    short_name: str
    level: str
    zone: str
    parent_id: int | None
    valid_from: datetime.date | None
    is_xpcc: bool


@dataclass
class Supporter:
    id: int
    name: str
    short_name: str
    parent_name: str | None
    weight: int = 0
    # Places this supporter's pairings allow, with the pairing's start (None = from the start).
    pairings: list[tuple[Place, datetime.date | None]] = field(default_factory=list)


@dataclass
class World:
    programme: Programme
    categories: dict[str, Category]
    places: dict[int, Place]
    children: dict[int, list[Place]]
    supporters: dict[str, Supporter]
    batches: list[Batch]
    indicators: dict[str, Indicator]

    @property
    def top_supporters(self) -> list[Supporter]:
        return [s for name, s in sorted(self.supporters.items()) if name in SUPPORTER_WEIGHTS]

    def sub_supporters_of(self, supporter: Supporter) -> list[Supporter]:
        return [s for _, s in sorted(self.supporters.items()) if s.parent_name == supporter.name]

    def batch_on(self, date: datetime.date) -> Batch | None:
        return next((b for b in self.batches if b.starts <= date <= b.ends), None)


def load_world(programme_code: str = "xinjiang") -> World:
    programme = Programme.objects.get(code=programme_code)
    places = {
        d.pk: Place(d.pk, d.code, d.name, d.short_name, d.level, d.zone, d.parent_id, d.valid_from, d.is_xpcc)
        for d in Division.objects.order_by("code")
    }
    children: dict[int, list[Place]] = {}
    for place in places.values():
        if place.parent_id is not None:
            children.setdefault(place.parent_id, []).append(place)
    supporters = {
        o.name: Supporter(
            o.pk,
            o.name,
            o.short_name,
            o.parent.name if o.parent_id else None,
            SUPPORTER_WEIGHTS.get(o.name, 0),
        )
        for o in Organization.objects.supporters().select_related("parent").order_by("name")
    }
    for pairing in (
        Pairing.objects.filter(programme=programme, until__isnull=True)
        .select_related("supporter")
        .order_by("supporter__name", "division__code", "pk")
    ):
        supporters[pairing.supporter.name].pairings.append((places[pairing.division_id], pairing.since))
    return World(
        programme=programme,
        categories={c.code: c for c in Category.objects.filter(programme=programme)},
        places=places,
        children=children,
        supporters=supporters,
        batches=list(Batch.objects.filter(programme=programme).order_by("number")),
        indicators={i.code: i for i in Indicator.objects.all()},
    )
