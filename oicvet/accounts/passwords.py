"""Password hashing (argon2id) and the password rules.

The rules are NIST's: a length of 8 to 128 characters, no composition rules,
and no password from a list of the most common ones (the 30,000 of zxcvbn's
frequency list, built from leaked password sets).
"""

from __future__ import annotations

import contextlib
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    # argon2-cffi's PasswordHasher makes argon2id hashes.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""
    hasher = _hasher()
    if not password_hash:
        password_hash = _dummy_hash(hasher)
        with contextlib.suppress(VerificationError):
            hasher.verify(password_hash, password + "\0")
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    # A hash with the current parameters, so that an unknown e-mail costs a real verification.
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("no account has this password")
    return _dummy_hashes[key]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    # Imported on first use: the list is large and only registration needs it.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word for word in FREQUENCY_LISTS["passwords"] if len(word) >= MIN_LENGTH)


def is_common(password: str) -> bool:
    return password.casefold() in common_passwords()
