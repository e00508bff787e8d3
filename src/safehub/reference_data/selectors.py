"""Reading code lists. Code lists are public reference data: no policy scope, no audit."""

from collections.abc import Iterator
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.choices import BaseChoiceIterator

from safehub.platform import clock

from .models import Code, CodeList


class UnknownCodeList(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(
            f"There is no code list {key!r}. Run `safehub sync_reference_data` to load the code lists."
        )


def code_list(key: str, *, on: date | None = None) -> QuerySet[Code]:
    """The codes of list `key` in use on `on` (today by default), in source order.

    A code is in use from `valid_from` (inclusive) until `disabled_from` (exclusive), so a
    question about last year still sees a code that has since been withdrawn.
    """
    if not CodeList.objects.filter(key=key).exists():
        raise UnknownCodeList(key)
    day = on or clock.today()
    return (
        Code.objects.filter(code_list__key=key)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(disabled_from__isnull=True) | Q(disabled_from__gt=day))
        .order_by("sort_order", "code")
    )


def code_label(key: str, code: str) -> str:
    """The label of `code`, whether or not it is still in use (old records still show it).

    A code the list has never held comes back unchanged, so a page shows the stored value
    rather than failing.
    """
    label = Code.objects.filter(code_list__key=key, code=code).values_list("label", flat=True).first()
    return label if label is not None else code


class CodeChoices(BaseChoiceIterator):
    """(code, label) pairs for a ChoiceField, read when the form is rendered or validated.

    Lazy on purpose: a form class defined at import time must not query the database (that
    would break `migrate` on an empty database and freeze the list until restart).
    """

    def __init__(self, key: str, on: date | None = None) -> None:
        self.key = key
        self.on = on

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from code_list(self.key, on=self.on).values_list("code", "label")


def code_choices(key: str, on: date | None = None) -> CodeChoices:
    """Choices for `forms.ChoiceField(choices=code_choices("cin.categoryofabuse"))`."""
    return CodeChoices(key, on)
