"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from meldpunt.accounts.models import StaffRole, User
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def organization(db):  # type: ignore[no-untyped-def]
    return OrganizationFactory()


@pytest.fixture
def make_staff(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    def make(role: str = StaffRole.USER, **kwargs: object) -> User:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def staff_client(make_staff) -> Callable[..., Client]:  # type: ignore[no-untyped-def]
    """A client signed in as a new staff user of ``role`` ('' for a user without a role)."""

    def make(role: str = StaffRole.USER) -> Client:
        client = Client()
        client.force_login(make_staff(role=role))
        return client

    return make


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):  # type: ignore[no-untyped-def]
    """On SQLite, test in a database file rather than in memory.

    The browser tests' live server answers requests in several threads. With an
    in-memory database they all share the test's one connection, and two
    requests at once (a page loading two photos) break it ("bad parameter or
    other API misuse"). With a file each thread has its own connection.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
