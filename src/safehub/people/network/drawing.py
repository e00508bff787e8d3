"""Lay a family network out as a genogram and describe the SVG shapes to draw.

Generations are rows (grandparents at the top); within a row, people sit under the mean position
of their parents and in birth order, and partners sit side by side. The layout depends only on
the data (ids break every tie), so the same network always draws the same picture and tests can
compare structure. No styles: the strict CSP refuses inline `style`, so the template uses SVG
presentation attributes with the values set here.
"""

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from ..constants import RelationshipKind, Sex
from .build import FamilyNetwork, NetworkLink, NetworkPerson, _birth_key

COLUMN = 170
ROW = 150
MARGIN = 40
RADIUS = 24
LABEL_CHARS = 22

BLACK, GREY, BLUE, RED, YELLOW, WHITE = "#0b0c0c", "#505a5f", "#1d70b8", "#d4351c", "#ffdd00", "#ffffff"
ENDED_DASH = "8 5"

_K = RelationshipKind
_DOWNWARD = {_K.PARENT, _K.STEP_PARENT, _K.CARER, _K.GRANDPARENT}
_SECONDARY = {_K.STEP_PARENT, _K.CARER, _K.HALF_SIBLING}
_LOOSE = {_K.HOUSEHOLD_MEMBER, _K.OTHER}


@dataclass
class Node:
    node: NetworkPerson
    x: int
    y: int
    href: str
    shape: str  # square | circle | diamond | triangle
    label: str
    detail: str
    title: str
    points: str = ""

    @property
    def person_id(self) -> Any:
        return self.node.person.pk

    @property
    def stroke_width(self) -> int:
        return 4 if self.node.is_focus else 2

    @property
    def fill(self) -> str:
        return YELLOW if self.node.is_focus else WHITE


@dataclass
class Edge:
    link: NetworkLink
    d: str
    stroke: str
    dashed: bool
    title: str


@dataclass
class Drawing:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)  # (y, label)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _shape(node: NetworkPerson) -> str:
    if node.is_unborn:
        return "triangle"
    if node.person.sex == Sex.MALE:
        return "square"
    if node.person.sex == Sex.FEMALE:
        return "circle"
    return "diamond"


def _points(shape: str, x: int, y: int) -> str:
    r = RADIUS
    if shape == "diamond":
        return f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"
    if shape == "triangle":
        return f"{x},{y - r} {x + r},{y + r} {x - r},{y + r}"
    return ""


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _detail(node: NetworkPerson) -> str:
    person = node.person
    if node.is_unborn:
        due = person.expected_date_of_birth
        return f"Unborn, due {due:%b %Y}" if due else "Unborn"
    parts = []
    if person.date_of_birth:
        parts.append(f"Born {person.date_of_birth:%Y}")
    if person.date_of_death:
        parts.append(f"died {person.date_of_death:%Y}")
    return ", ".join(parts) or "Birth date not recorded"


def _title(node: NetworkPerson) -> str:
    bits = [f"{node.person} ({_detail(node)})"]
    if node.is_focus:
        bits.append("the person this network is about")
    if node.is_deceased:
        bits.append("deceased")
    if node.in_household:
        bits.append("lives in their household")
    if node.flags:
        bits.append("flagged: " + ", ".join(node.flags))
    return "; ".join(bits)


def _order_rows(network: FamilyNetwork) -> dict[int, list[NetworkPerson]]:
    rows: dict[int, list[NetworkPerson]] = {}
    for node in network.people:
        rows.setdefault(node.generation, []).append(node)
    parents: dict[Any, set[Any]] = {}
    # Partners, current ones first: the first sits to the person's right, the second to their
    # left, so a person with a current and a former partner has both beside them.
    partners: dict[Any, list[tuple[bool, str, Any]]] = {}
    for link in network.links:
        if link.kind in _DOWNWARD:
            parents.setdefault(link.b.pk, set()).add(link.a.pk)
        elif link.kind == _K.PARTNER:
            partners.setdefault(link.a.pk, []).append((not link.is_current, str(link.b.pk), link.b.pk))
            partners.setdefault(link.b.pk, []).append((not link.is_current, str(link.a.pk), link.a.pk))
    position: dict[Any, int] = {}
    ordered: dict[int, list[NetworkPerson]] = {}
    for generation in sorted(rows):

        def key(node: NetworkPerson) -> tuple[int, float, Any]:
            above = [position[p] for p in parents.get(node.person.pk, ()) if p in position]
            centre = sum(above) / len(above) if above else 0.0
            return (0 if above else 1, centre, _birth_key(node.person))

        row_ids = {n.person.pk for n in rows[generation]}
        placed: list[NetworkPerson] = []
        seen: set[Any] = set()
        by_id = {n.person.pk: n for n in rows[generation]}
        for node in sorted(rows[generation], key=key):
            if node.person.pk in seen:
                continue
            placed.append(node)
            seen.add(node.person.pk)
            beside = [
                p for _, _, p in sorted(partners.get(node.person.pk, [])) if p in row_ids and p not in seen
            ]
            for index, partner in enumerate(beside):
                if index == 1:
                    placed.insert(placed.index(node), by_id[partner])
                else:
                    placed.append(by_id[partner])
                seen.add(partner)
        ordered[generation] = placed
        for index, node in enumerate(placed):
            position[node.person.pk] = index * 2 - len(placed)  # centred, comparable across rows
    return ordered


def draw(network: FamilyNetwork) -> Drawing:
    rows = _order_rows(network)
    widest = max((len(r) for r in rows.values()), default=1)
    width = max(widest * COLUMN + 2 * MARGIN, 360)
    height = len(rows) * ROW + MARGIN
    drawing = Drawing(width=width, height=height)
    where: dict[Any, Node] = {}
    for row_index, generation in enumerate(sorted(rows)):
        people = rows[generation]
        y = MARGIN + row_index * ROW + RADIUS
        start = (width - len(people) * COLUMN) // 2 + COLUMN // 2
        drawing.rows.append((y, people[0].generation_label))
        for column, node in enumerate(people):
            x = start + column * COLUMN
            shape = _shape(node)
            drawn = Node(
                node=node,
                x=x,
                y=y,
                href=reverse("people:detail", args=[node.person.pk]),
                shape=shape,
                label=_short(f"{node.person.given_name} {node.person.family_name}"),
                detail=_detail(node),
                title=_title(node),
                points=_points(shape, x, y),
            )
            drawing.nodes.append(drawn)
            where[node.person.pk] = drawn
    adjacent = _adjacent_pairs(rows)
    starts = _couple_starts(network, where, adjacent)
    for link in network.links:
        drawing.edges.append(
            _edge(link, where[link.a.pk], where[link.b.pk], adjacent, starts.get((link.a.pk, link.b.pk)))
        )
    return drawing


def _adjacent_pairs(rows: dict[int, list[NetworkPerson]]) -> set[frozenset[Any]]:
    pairs: set[frozenset[Any]] = set()
    for people in rows.values():
        for left, right in itertools.pairwise(people):
            pairs.add(frozenset({left.person.pk, right.person.pk}))
    return pairs


def _couple_starts(
    network: FamilyNetwork, where: dict[Any, Node], adjacent: set[frozenset[Any]]
) -> dict[tuple[Any, Any], int]:
    """A child of two partners drawn side by side hangs from the middle of their partner line,
    as in a genogram: {(parent id, child id): x of that middle}."""
    partners = {frozenset({link.a.pk, link.b.pk}) for link in network.links if link.kind == _K.PARTNER}
    parents: dict[Any, list[Any]] = {}
    for link in network.links:
        if link.kind == _K.PARENT:
            parents.setdefault(link.b.pk, []).append(link.a.pk)
    starts: dict[tuple[Any, Any], int] = {}
    for child, pair in parents.items():
        for first in pair:
            for second in pair:
                couple = frozenset({first, second})
                if first != second and couple in partners and couple in adjacent:
                    starts[(first, child)] = (where[first].x + where[second].x) // 2
    return starts


def _edge(
    link: NetworkLink, a: Node, b: Node, adjacent: set[frozenset[Any]], start: int | None = None
) -> Edge:
    r = RADIUS
    if link.kind in _DOWNWARD and a.y < b.y:
        middle = b.y - r - 22
        if start is not None:
            d = f"M {start} {a.y} V {middle} H {b.x} V {b.y - r}"
        else:
            d = f"M {a.x} {a.y + r} V {middle} H {b.x} V {b.y - r}"
    elif a.y != b.y:
        d = f"M {a.x} {a.y} L {b.x} {b.y}"
    else:
        left, right = (a, b) if a.x < b.x else (b, a)
        if link.kind == _K.PARTNER and frozenset({a.person_id, b.person_id}) in adjacent:
            d = f"M {left.x + r} {left.y} H {right.x - r}"
        elif link.kind == _K.PARTNER:
            d = f"M {left.x} {left.y + r} V {left.y + r + 16} H {right.x} V {right.y + r}"
        else:
            # Just above the people, under the parents' connectors (which run at r + 22).
            d = f"M {left.x} {left.y - r} V {left.y - r - 8} H {right.x} V {right.y - r}"
    stroke = BLUE if link.kind in _LOOSE else GREY if link.kind in _SECONDARY else BLACK
    dates = ""
    if link.relationship.valid_to is not None:
        dates = f" (ended {link.relationship.valid_to:%d/%m/%Y})"
    return Edge(link=link, d=d, stroke=stroke, dashed=not link.is_current, title=link.a_label + dates)
