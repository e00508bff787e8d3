"""Checks every early help service applies at the point of entry, so a wrong date or a closed
episode is refused with the reason at the field (issue 9, "Bad input")."""

from datetime import date

from safehub.platform import clock

from ..models import EarlyHelpEpisode, TafMember

Errors = dict[str, list[str]]


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_episode_date(
    errors: Errors, episode: EarlyHelpEpisode, field: str, day: date | None, *, label: str
) -> None:
    """A date of something done in the episode: given, not in the future, not before the episode
    opened and, for a closed episode, not after it closed."""
    if day is None:
        add(errors, field, f"Enter the {label}.")
        return
    if day > clock.today():
        add(errors, field, f"The {label} cannot be in the future.")
    if day < episode.opened_on:
        add(errors, field, f"The {label} cannot be before early help started on {_d(episode.opened_on)}.")
    if episode.closed_on is not None and day > episode.closed_on:
        add(errors, field, f"The {label} cannot be after early help ended on {_d(episode.closed_on)}.")


def check_open(errors: Errors, episode: EarlyHelpEpisode, field: str = "__all__") -> None:
    """Nothing new is recorded on a closed episode: a family that needs help again gets a new one."""
    if episode.closed_on is not None:
        add(
            errors,
            field,
            f"Early help for {episode.family_name} ended on {_d(episode.closed_on)}: "
            "open a new episode if the family needs help again.",
        )


def check_member_of(
    errors: Errors, episode: EarlyHelpEpisode, field: str, member: TafMember | None, *, label: str
) -> None:
    """`member` is a current member of this episode's team around the family."""
    if member is None:
        add(errors, field, f"Choose the {label} from the team around the family.")
    elif member.episode_id != episode.pk:
        add(errors, field, f"The {label} must be a member of this family's team.")
    elif member.left_on is not None:
        add(errors, field, f"{member.name} left the team on {_d(member.left_on)}: choose a current member.")
