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
            raise CodeError(f"区划代码“{raw}”只能包含数字")
        if len(text) not in {2, 4, 6, 9, 12}:
            raise CodeError(f"区划代码“{raw}”应为 2、4、6、9 或 12 位")
        code = cls(text.ljust(CODE_LENGTH, "0"))
        if code.part(Level.PROVINCE) == "00":
            raise CodeError(f"区划代码“{raw}”缺少省级部分")
        # No gaps: a non-zero part below a zero part is not a real code.
        seen_zero = False
        for level in Level:
            if set(code.part(level)) == {"0"}:
                seen_zero = True
            elif seen_zero:
                raise CodeError(f"区划代码“{raw}”跳过了一级")
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
            raise CodeError(f"{self.value} 的层级（{self.level.name}）高于 {level.name}")
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
            raise CodeError(f"{level.name} 不是 {self.level.name} 的下一级")
        start, end = _PARTS[level]
        width = end - start
        if not 1 <= number < 10**width:
            raise CodeError(f"下级编号 {number} 超出 {width} 位")
        return AdminCode(self.value[:start] + str(number).zfill(width) + self.value[end:])

    @property
    def short(self) -> str:
        """The code without the trailing zero parts of deeper levels (``3211`` for a city)."""
        return self.value[: _PARTS[self.level][1]]

    def __str__(self) -> str:
        return self.value


def parse_code_list(text: str) -> tuple[list[AdminCode], list[str]]:
    """Codes pasted by a user (one per line, or separated by commas, spaces or 、), in order and
    without repeats; with a message for every item that is not a code."""
    items = [i for i in text.replace("，", ",").replace("、", ",").replace(",", " ").split() if i]
    codes: list[AdminCode] = []
    errors: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        try:
            code = AdminCode.parse(item)
        except CodeError as exc:
            errors.append(f"第 {position} 项“{item}”：{exc}")
            continue
        if code.value not in seen:
            seen.add(code.value)
            codes.append(code)
    return codes, errors
