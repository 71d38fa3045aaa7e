"""R's default random numbers, so that bootstrap replicates drawn with a seed are the ones R's
``set.seed(seed); as.svrepdesign(design, type = "bootstrap")`` draws.

R's defaults since 3.6: Mersenne-Twister, seeded by ``set.seed`` through 50 + 625 steps of
the linear congruential scrambler ``seed = 69069 * seed + 1``; uniforms are the tempered
32-bit word times 2^-32; ``sample`` draws indices by rejection sampling on the few bits
needed (``R_unif_index``). See R's src/main/RNG.c and src/main/random.c.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

_MASK32 = 0xFFFFFFFF
_TWO_POW_M32 = 2.3283064365386963e-10


class RRandom:
    """One R random stream, started as ``set.seed(seed)`` starts it."""

    def __init__(self, seed: int) -> None:
        s = seed & _MASK32
        for _ in range(50):
            s = (69069 * s + 1) & _MASK32
        words = []
        for _ in range(625):
            s = (69069 * s + 1) & _MASK32
            words.append(s)
        # words[0] is R's position slot (reset to 624); the state is words[1:].
        self._gen = np.random.MT19937(0)
        self._gen.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(words[1:], dtype=np.uint32), "pos": 624},
        }
        self._buffer = np.empty(0, dtype=np.uint64)
        self._at = 0

    def _raw(self) -> int:
        if self._at >= len(self._buffer):
            self._buffer = self._gen.random_raw(4096)
            self._at = 0
        value = int(self._buffer[self._at])
        self._at += 1
        return value

    def unif(self) -> float:
        """``unif_rand()``: a uniform in (0, 1)."""
        u = self._raw() * _TWO_POW_M32
        if u <= 0.0:
            return 0.5 * _TWO_POW_M32
        if 1.0 - u <= 0.0:
            return 1.0 - 0.5 * _TWO_POW_M32
        return u

    def _bits(self, bits: int) -> int:
        v = 0
        for _ in range(0, bits + 1, 16):
            v = 65536 * v + math.floor(self.unif() * 65536)
        return v & ((1 << bits) - 1)

    def index(self, n: int) -> int:
        """``R_unif_index(n)``: an integer in [0, n) by rejection sampling."""
        if n <= 0:
            return 0
        bits = math.ceil(math.log2(n))
        while True:
            v = self._bits(bits)
            if v < n:
                return v

    def sample_with_replacement(self, n: int, k: int) -> list[int]:
        """0-based ``sample.int(n, k, replace = TRUE) - 1``."""
        return [self.index(n) for _ in range(k)]

    def sample_without_replacement(self, n: int, k: int) -> list[int]:
        """0-based ``sample.int(n, k) - 1`` (R's partial Fisher–Yates, no hashing: n ≤ 1e7)."""
        pool = list(range(n))
        out = []
        remaining = n
        for _ in range(k):
            j = self.index(remaining)
            out.append(pool[j])
            remaining -= 1
            pool[j] = pool[remaining]
        return out

    def indices_with_replacement(self, n: int, k: int) -> npt.NDArray[np.int64]:
        """``k`` draws of ``index(n)`` at once (vectorised rejection sampling)."""
        out = np.empty(k, dtype=np.int64)
        if n <= 1:
            # R still spends one word per draw on zero bits.
            self._take(k)
            out[:] = 0
            return out
        bits = math.ceil(math.log2(n))
        words = bits // 16 + 1
        filled = 0
        while filled < k:
            need = k - filled
            attempts = int(need * (1 << bits) / n * 1.05) + 16
            raw = self._peek(attempts * words).reshape(attempts, words)
            chunks = np.floor(raw * _TWO_POW_M32 * 65536).astype(np.int64)
            value = np.zeros(attempts, dtype=np.int64)
            for w in range(words):
                value = value * 65536 + chunks[:, w]
            value &= (1 << bits) - 1
            accepted = np.flatnonzero(value < n)
            if len(accepted) >= need:
                last = accepted[need - 1]
                out[filled:] = value[accepted[:need]]
                self._take((last + 1) * words)
                return out
            out[filled : filled + len(accepted)] = value[accepted]
            filled += len(accepted)
            self._take(attempts * words)
        return out

    def _peek(self, count: int) -> npt.NDArray[np.float64]:
        """The next ``count`` raw words (as floats), without using them up."""
        self._ensure(count)
        return self._buffer[self._at : self._at + count].astype(np.float64)

    def _take(self, count: int) -> None:
        self._ensure(count)
        self._at += count

    def _ensure(self, count: int) -> None:
        available = len(self._buffer) - self._at
        if available < count:
            fresh = self._gen.random_raw(max(count - available, 4096))
            self._buffer = np.concatenate([self._buffer[self._at :], fresh])
            self._at = 0
