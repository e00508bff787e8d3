"""Every read of early help starts from the episode policy (R19)."""

from .dashboard import Dashboard, early_help_dashboard
from .episodes import (
    EpisodeListPage,
    caseload,
    episode_get,
    episode_list,
    episodes_for_person,
    episodes_visible,
    reviews_due,
)
from .requests import (
    steps_down_waiting,
    support_request_get,
    support_requests_mine,
    support_requests_waiting,
)

__all__ = [
    "Dashboard",
    "EpisodeListPage",
    "caseload",
    "early_help_dashboard",
    "episode_get",
    "episode_list",
    "episodes_for_person",
    "episodes_visible",
    "reviews_due",
    "steps_down_waiting",
    "support_request_get",
    "support_requests_mine",
    "support_requests_waiting",
]
