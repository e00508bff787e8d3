from .population import PopulationEstimate

__all__ = ["PopulationEstimate"]
