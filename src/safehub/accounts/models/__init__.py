from .organisation import Agency, Team, TeamMembership
from .user import User

__all__ = ["Agency", "Team", "TeamMembership", "User"]
