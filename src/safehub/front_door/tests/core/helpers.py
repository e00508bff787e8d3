"""Building contacts through the real service, for the core tests."""

from typing import Any

from safehub.front_door.constants import Channel, ConsentStatus, LawfulBasis, SubjectRole
from safehub.front_door.services.contact import ReferrerInput, SubjectInput, contact_create


def child(
    given: str = "Maisie", family: str = "Thornbury", born: str = "2017-05-02", **more: Any
) -> SubjectInput:
    return SubjectInput(
        role=SubjectRole.CHILD,
        details={"given_name": given, "family_name": family, "date_of_birth": born, **more},
    )


def record(actor: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "channel": Channel.PHONE,
        "referral_source": "2A",
        "summary": "Maisie came to school hungry three days running and said mum is unwell in bed.",
        "concerns": ["neglect", "parental_mental_health"],
        "consent": ConsentStatus.GIVEN,
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "subjects": [child()],
        "referrer": ReferrerInput(
            name="Alex Reed", role="Designated safeguarding lead", email="dsl@school.example.test"
        ),
    }
    fields.update(overrides)
    return contact_create(actor=actor, **fields)
