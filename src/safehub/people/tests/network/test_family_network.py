"""The family network: who is drawn where, what is marked, and what is left out (issue 3 item 2)."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.urls import reverse

from safehub.access.constants import Level
from safehub.access.tests.factories import make_grant
from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.constants import RelationshipKind as K
from safehub.people.constants import RiskFlagKind, Sensitivity
from safehub.people.network.build import family_network
from safehub.people.network.drawing import draw
from safehub.people.services import relationship_add, risk_flag_add
from safehub.people.tests.factories import indexed_person, restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def svg_of(response) -> ET.Element:
    html = response.content.decode()
    start = html.index("<svg xmlns")
    inner_end = html.index("</svg>", start)  # the picture nested in the outer group
    end = html.index("</svg>", inner_end + 1) + len("</svg>")
    # Our own server-rendered SVG; parsing it also proves it is well-formed XML.
    return ET.fromstring(html[start:end])  # noqa: S314  # nosec B314


def picture(svg: ET.Element) -> ET.Element:
    """The role="img" drawing inside the outer group (which also holds the link layer)."""
    return svg.find(f"{SVG}svg")


def nodes(svg: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-person"): g for g in svg.iter(f"{SVG}g") if g.get("data-person")}


def links(svg: ET.Element) -> dict[str, ET.Element]:
    return {a.get("data-link"): a for a in svg.iter(f"{SVG}a")}


def edges(svg: ET.Element) -> list[ET.Element]:
    return [p for p in svg.iter(f"{SVG}path") if p.get("data-kind")]


def open_network(client, person):
    return client.get(reverse("people:network", args=[person.pk]))


def test_generations_shapes_and_marks(signed_in, family):
    client = signed_in(Role.SOCIAL_WORKER)
    f = family
    response = open_network(client, f["kid"])
    assert response.status_code == 200
    svg = svg_of(response)
    assert picture(svg).get("role") == "img"
    assert picture(svg).find(f"{SVG}title").text == "Family network of Kid Testfamily"
    assert picture(svg).find(f"{SVG}desc") is not None
    assert not list(picture(svg).iter(f"{SVG}a")), "an image must not contain links (axe nested-interactive)"
    drawn = nodes(svg)
    generation = {key: int(drawn[str(f[key].pk)].get("data-generation")) for key in f if key != "household"}
    assert generation == {
        "gran": -2,
        "mum": -1,
        "dad": -1,
        "ex": -1,
        "kid": 0,
        "sis": 0,
        "half": 0,
        "bump": 0,
        "lodger": -1,
    }
    shape = {key: drawn[str(f[key].pk)].get("data-shape") for key in ("dad", "mum", "ex", "bump")}
    assert shape == {"dad": "square", "mum": "circle", "ex": "diamond", "bump": "triangle"}
    kid = drawn[str(f["kid"].pk)]
    assert kid.get("data-focus") == "true"
    assert links(svg)[str(f["kid"].pk)].get("href") == reverse("people:detail", args=[f["kid"].pk])
    assert set(links(svg)) == set(drawn)
    assert drawn[str(f["gran"].pk)].get("data-deceased") == "true"
    household = {key for key in f if key != "household" and drawn[str(f[key].pk)].get("data-household")}
    assert household == {"mum", "dad", "sis", "lodger"}


def test_rows_are_ordered_oldest_generation_first(signed_in, family):
    svg = svg_of(open_network(signed_in(), family["kid"]))
    y_of = {}
    for person_id, g in nodes(svg).items():
        text = list(g.iter(f"{SVG}text"))[-2]
        y_of[person_id] = int(text.get("y"))
    f = family
    assert y_of[str(f["gran"].pk)] < y_of[str(f["mum"].pk)] < y_of[str(f["kid"].pk)]
    assert y_of[str(f["mum"].pk)] == y_of[str(f["dad"].pk)]


def test_each_relationship_is_one_edge_and_ended_ones_are_dashed(signed_in, family):
    svg = svg_of(open_network(signed_in(), family["kid"]))
    drawn = edges(svg)
    assert len(drawn) == 10
    ended = [e for e in drawn if e.get("data-current") == "false"]
    assert [(e.get("data-kind"), e.get("stroke-dasharray")) for e in ended] == [("partner", "8 5")]
    assert all(e.get("stroke-dasharray") is None for e in drawn if e.get("data-current") == "true")


def test_the_list_holds_the_same_relationships_from_both_sides(signed_in, family):
    response = open_network(signed_in(), family["kid"])
    html = response.content.decode()
    assert html.count('data-relationship="') == 10
    assert "Gran Testfamily is parent of Mum Testfamily" in html
    assert "Mum Testfamily is child of Gran Testfamily" in html
    assert html.count('<tr class="govuk-table__row" data-person=') == 9


def test_a_restricted_person_is_left_out_entirely(signed_in, family):
    """R22/T3: no node, no edge, no row, no count, no hint for a person the viewer may not see."""
    client = signed_in(Role.SOCIAL_WORKER)
    restrict(family["ex"])
    response = open_network(client, family["kid"])
    html = response.content.decode()
    assert str(family["ex"].pk) not in html
    assert "Ex Testfamily" not in html
    svg = svg_of(response)
    assert len(nodes(svg)) == 8
    assert len(edges(svg)) == 8
    assert "8 people and 8 relationships" in picture(svg).find(f"{SVG}desc").text
    main = html[html.index("<main") : html.index("</main>")].lower()
    assert "restricted" not in main
    assert "cannot see" not in main
    assert "not shown" not in main


def test_a_sealed_person_appears_to_a_user_granted_access(signed_in, family):
    client = signed_in(Role.SOCIAL_WORKER)
    restriction = restrict(family["ex"], Level.SEALED)
    make_grant(restriction, client.user)
    assert str(family["ex"].pk) in nodes(svg_of(open_network(client, family["kid"])))


def test_a_restricted_focus_person_is_a_404(signed_in, family):
    restrict(family["kid"])
    assert open_network(signed_in(), family["kid"]).status_code == 404


def test_a_user_without_people_access_is_refused(signed_in, family):
    assert open_network(signed_in(Role.PERFORMANCE_ANALYST), family["kid"]).status_code == 403


def test_names_are_escaped_in_the_svg_and_the_tables(signed_in, editor):
    """R40: a name is text, never markup."""
    focus = indexed_person(actor=editor, given_name='<script>alert("x")</script>', family_name='O"Neil & <b>')
    other = indexed_person(actor=editor, given_name="Plain", family_name="Person")
    relationship_add(actor=editor, person_a=focus, person_b=other, kind=K.SIBLING)
    response = open_network(signed_in(), focus)
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    svg = svg_of(response)
    assert (
        picture(svg).find(f"{SVG}title").text == 'Family network of <script>alert("x")</script> O"Neil & <b>'
    )


def test_flags_are_marked_only_for_viewers_who_may_see_them(make_user, client, family, editor, police):
    today = clock.today()
    add = {
        "actor": editor,
        "source_agency": police,
        "starts_on": today - timedelta(days=1),
        "review_on": today + timedelta(days=9),
    }
    risk_flag_add(person=family["lodger"], kind=RiskFlagKind.POSING_RISK_TO_CHILDREN, **add)
    risk_flag_add(
        person=family["dad"], kind=RiskFlagKind.MAPPA_NOMINAL, sensitivity=Sensitivity.SENSITIVE, **add
    )

    def flagged(role):
        client.force_login(make_user(role))
        drawn = nodes(svg_of(open_network(client, family["kid"])))
        return {key for key in ("lodger", "dad") if drawn[str(family[key].pk)].get("data-flagged")}

    assert flagged(Role.SOCIAL_WORKER) == {"lodger"}
    assert flagged(Role.MASH_MANAGER) == {"lodger", "dad"}


def test_the_network_stops_at_the_cap_and_says_so(make_user, family):
    user = make_user(Role.SOCIAL_WORKER)
    network = family_network(actor=user, person=family["kid"], limit=4)
    assert len(network.people) == 4
    assert network.capped
    whole = family_network(actor=user, person=family["kid"])
    assert len(whole.people) == 9
    assert not whole.capped


def test_the_capped_page_shows_a_message(signed_in, family, settings, monkeypatch):
    from safehub.people.network import build

    monkeypatch.setattr(build, "NETWORK_CAP", 3)
    monkeypatch.setattr(build.family_network, "__kwdefaults__", {"limit": 3, "today": None})
    html = open_network(signed_in(), family["kid"]).content.decode()
    assert "This network is larger than 3 people" in html


def test_two_degrees_only(editor, make_user, family):
    great = indexed_person(
        actor=editor, given_name="Great", family_name="Testfamily", date_of_birth=date(1925, 1, 1)
    )
    relationship_add(actor=editor, person_a=great, person_b=family["gran"], kind=K.PARENT)
    network = family_network(actor=make_user(Role.SOCIAL_WORKER), person=family["kid"])
    assert great.pk not in network.by_id()


def test_the_layout_is_deterministic(make_user, family):
    user = make_user(Role.SOCIAL_WORKER)
    first = draw(family_network(actor=user, person=family["kid"]))
    second = draw(family_network(actor=user, person=family["kid"]))
    assert [(n.person_id, n.x, n.y) for n in first.nodes] == [(n.person_id, n.x, n.y) for n in second.nodes]
    assert [e.d for e in first.edges] == [e.d for e in second.edges]


def test_partners_sit_side_by_side(make_user, family):
    drawing = draw(family_network(actor=make_user(Role.SOCIAL_WORKER), person=family["kid"]))
    x = {n.person_id: n.x for n in drawing.nodes}
    assert abs(x[family["mum"].pk] - x[family["dad"].pk]) == 170


def test_viewing_the_network_is_audited_with_the_people_shown(signed_in, family):
    client = signed_in()
    open_network(client, family["kid"])
    event = AuditEvent.objects.filter(section="family_network").get()
    assert event.object_id == str(family["kid"].pk)
    assert event.detail["result_count"] == 9


def test_a_large_network_is_capped_with_bounded_queries(signed_in, editor, django_assert_max_num_queries):
    """A hub with 45 relatives draws 40 people; queries grow with the people read, never past the cap."""
    from safehub.people.network.build import NETWORK_CAP

    hub = indexed_person(actor=editor, given_name="Hub", family_name="Large", date_of_birth=date(1970, 1, 1))
    for number in range(45):
        relative = indexed_person(
            actor=editor, given_name=f"Rel{number:02d}", family_name="Large", date_of_birth=date(2000, 1, 1)
        )
        relationship_add(actor=editor, person_a=hub, person_b=relative, kind=K.PARENT)
    client = signed_in()
    # One relationships read per degree, not per person: the count does not grow with the network.
    with django_assert_max_num_queries(40):
        response = open_network(client, hub)
    html = response.content.decode()
    assert f"This network is larger than {NETWORK_CAP} people" in html
    assert len(nodes(svg_of(response))) == NETWORK_CAP
