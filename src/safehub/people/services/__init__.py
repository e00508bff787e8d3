from .person import person_create, person_update

__all__ = ["person_create", "person_update"]
