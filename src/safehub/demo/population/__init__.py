"""A synthetic population for the matching benchmarks and the demo (issue 3): households of
made-up people, their records as several agencies hold them (with the errors that make matching
hard) and queries with the right answer attached. Pure Python and en_GB Faker, seeded; it writes
CSV files and never touches the database."""

from .generator import generate_population, generate_queries
from .record import IMPORT_HEADER, Record
from .writer import Summary, write_files

__all__ = ["IMPORT_HEADER", "Record", "Summary", "generate_population", "generate_queries", "write_files"]
