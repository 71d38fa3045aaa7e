"""Chinese administrative division codes (统计用区划代码) and the five-level region tree.

A 12-digit statistical code reads ``PP CC DD TTT VVV``: province, city (prefecture), county,
township and village. A region's level is the deepest non-zero part, and its ancestors are the
code with the deeper parts zeroed. Reference: National Bureau of Statistics, 统计用区划代码和
城乡划分代码编制规则 (国统字〔2009〕91号).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """Depth in the tree; the value is the depth (province = 1)."""

    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


# (start, end) slice of each level's part in the 12-digit code.
_PARTS: dict[Level, tuple[int, int]] = {
    Level.PROVINCE: (0, 2),
    Level.CITY: (2, 4),
    Level.COUNTY: (4, 6),
    Level.TOWNSHIP: (6, 9),
    Level.VILLAGE: (9, 12),
}
CODE_LENGTH = 12


class CodeError(ValueError):
    """An administrative code that cannot be read."""


@dataclass(frozen=True, slots=True)
class AdminCode:
    """A checked 12-digit administrative code."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> AdminCode:
        """Read a code; 2-, 4-, 6- and 9-digit short forms are padded with zeros.

        >>> AdminCode.parse("3211").value
        '321100000000'
        """
        text = raw.strip()
        if not text.isdigit() or not text.isascii():
            raise CodeError(f"administrative code {raw!r} must contain digits only")
        if len(text) not in {2, 4, 6, 9, 12}:
            raise CodeError(f"administrative code {raw!r} must have 2, 4, 6, 9 or 12 digits")
        code = cls(text.ljust(CODE_LENGTH, "0"))
        if code.part(Level.PROVINCE) == "00":
            raise CodeError(f"administrative code {raw!r} has no province part")
        # No gaps: a non-zero part below a zero part is not a real code.
        seen_zero = False
        for level in Level:
            if set(code.part(level)) == {"0"}:
                seen_zero = True
            elif seen_zero:
                raise CodeError(f"administrative code {raw!r} skips a level")
        return code

    def part(self, level: Level) -> str:
        start, end = _PARTS[level]
        return self.value[start:end]

    @property
    def level(self) -> Level:
        deepest = Level.PROVINCE
        for level in Level:
            if set(self.part(level)) != {"0"}:
                deepest = level
        return deepest

    def ancestor(self, level: Level) -> AdminCode:
        """The code of the ancestor at ``level`` (the code itself at its own level)."""
        if level > self.level:
            raise CodeError(f"{self.value} is at level {self.level.name}, above {level.name}")
        end = _PARTS[level][1]
        return AdminCode(self.value[:end].ljust(CODE_LENGTH, "0"))

    @property
    def parent(self) -> AdminCode | None:
        if self.level == Level.PROVINCE:
            return None
        return self.ancestor(Level(self.level - 1))

    def child(self, level: Level, number: int) -> AdminCode:
        """The code of the ``number``-th child at ``level`` directly below this code."""
        if level != self.level + 1:
            raise CodeError(f"{level.name} is not directly below {self.level.name}")
        start, end = _PARTS[level]
        width = end - start
        if not 1 <= number < 10**width:
            raise CodeError(f"child number {number} does not fit in {width} digits")
        return AdminCode(self.value[:start] + str(number).zfill(width) + self.value[end:])

    @property
    def short(self) -> str:
        """The code without the trailing zero parts of deeper levels (``3211`` for a city)."""
        return self.value[: _PARTS[self.level][1]]

    def __str__(self) -> str:
        return self.value
