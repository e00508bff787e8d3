from .population import population_for, population_set

__all__ = ["population_for", "population_set"]
