"""The pytest plugin of staxapp_rs (its ``pytest11`` entry point): the fixture
``stax_emulator``, the one emulator of the test session (``staxapp_rs.testing.StaxEmulator``),
reset before each test that asks for it, so every test starts from the seed at the cost of
a reset, not of a start::

    from staxapp_rs.config import Config
    from staxapp_rs.openapi import StaxClient

    def test_accounts(stax_emulator):
        stax_emulator.configure(Config)
        assert StaxClient("accounts").ReadAccounts()["Accounts"]

The emulator starts with the first test that needs it, with the arguments of the session
fixture ``stax_emulator_options`` (a dict; override it in a ``conftest.py``), and stops at
the end of the session, undoing its ``configure`` calls. ``stax_emulator_session`` is the
same emulator without the reset (for session-scoped fixtures of your own).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def stax_emulator_options():
    """``StaxEmulator``'s arguments for the session's emulator (default: its defaults)."""
    return {}


@pytest.fixture(scope="session")
def stax_emulator_session(stax_emulator_options):
    """The session's emulator, as it is (no reset)."""
    from staxapp_rs.testing import StaxEmulator

    with StaxEmulator(**stax_emulator_options) as emulator:
        yield emulator


@pytest.fixture
def stax_emulator(stax_emulator_session):
    """The session's emulator, reset to its start for this test."""
    stax_emulator_session.reset()
    return stax_emulator_session
