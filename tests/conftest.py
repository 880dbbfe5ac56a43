from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.geo.index import grid_index
from tests.factories import Personas, SmallMap, build_personas, build_small_map


@pytest.fixture(autouse=True)
def _fresh_index(settings: Any) -> Any:
    # Tests change the map inside rolled-back transactions: always re-check the version.
    settings.GRIDGOV_MAP_CHECK_SECONDS = 0
    # Argon2 is deliberately slow; tests that are about passwords switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    grid_index.clear()
    yield
    grid_index.clear()


@pytest.fixture
def small_map(db: Any) -> SmallMap:
    return build_small_map()


@pytest.fixture
def personas(small_map: SmallMap) -> Personas:
    return build_personas(small_map)


@pytest.fixture
def client_for() -> Any:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
