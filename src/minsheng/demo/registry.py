"""Steps that add data to the demo city. The foundation registers the regions, organisations
and users; later capabilities (indicators, polls, ratings) register their own steps from their
``AppConfig.ready`` with a higher ``order``, and receive the context built so far."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

from minsheng.core.demo_plan import DemoPlan


@dataclass(slots=True)
class DemoContext:
    plan: DemoPlan
    password: str
    regions: dict[str, Any] = field(default_factory=dict)  # code -> Region
    organisations: dict[str, Any] = field(default_factory=dict)  # key -> Organisation
    users: dict[str, Any] = field(default_factory=dict)  # username -> User
    summary: dict[str, int] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A generator of its own for each step, so adding a step never changes another's data."""
        return random.Random(f"{self.plan.seed}:{step}")


DemoStep = Callable[[DemoContext], None]


@dataclass(frozen=True, slots=True)
class RegisteredStep:
    order: int
    name: str
    run: DemoStep


_STEPS: dict[str, RegisteredStep] = {}


def register(name: str, *, order: int) -> Callable[[DemoStep], DemoStep]:
    def decorator(fn: DemoStep) -> DemoStep:
        _STEPS[name] = RegisteredStep(order, name, fn)
        return fn

    return decorator


def steps() -> list[RegisteredStep]:
    """Every app's steps: its ``demo_steps`` module is imported here, when a demo is built
    (not at start-up, which every command pays for)."""
    autodiscover_modules("demo_steps")
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
