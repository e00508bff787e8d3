"""A plain-text progress bar for management commands: no dependency, no colour codes."""

from typing import Protocol


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...
    def flush(self) -> object: ...


class ProgressBar:
    def __init__(self, out: Writable, total: int, width: int = 40) -> None:
        self.out, self.total, self.width, self.done = out, max(total, 1), width, 0
        self._last = -1

    def advance(self, label: str) -> None:
        self.done = min(self.done + 1, self.total)
        filled = self.width * self.done // self.total
        percent = 100 * self.done // self.total
        # Redraw only when the bar visibly moves, so a log file gets tens of lines, not hundreds.
        if filled != self._last or self.done == self.total:
            self._last = filled
            bar = "#" * filled + "-" * (self.width - filled)
            self.out.write(f"\r[{bar}] {percent:3d}% {label:<14}")
            self.out.flush()

    def finish(self) -> None:
        self.out.write("\n")
        self.out.flush()
