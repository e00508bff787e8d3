from .person import Person

__all__ = ["Person"]
