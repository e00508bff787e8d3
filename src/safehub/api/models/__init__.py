from .key import ApiKey

__all__ = ["ApiKey"]
