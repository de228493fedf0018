"""staxapp_rs.testing through its pytest plugin: the ``stax_emulator`` fixture (found through
the ``pytest11`` entry point, not imported here) with both SDKs, staxapp (the official one)
and staxapp_rs: reads, a create waited for, a forced ``FAILED`` task, manual transitions,
fault rules, the state out and into a second emulator, another organisation, and a reset
between tests (the tests named ``test_isolation_*`` run in this order).

Run by ``tests/pytest_plugin.rs`` (``cargo test -p staxapp-py --test pytest_plugin``) with the
interop venv's Python, which has staxapp 1.4.1 and pytest.
"""

import json
import os
import threading

import pytest
import staxapp.config
import staxapp.openapi

from staxapp_rs.config import Config
from staxapp_rs.exceptions import ApiException, TaskFailedException
from staxapp_rs.openapi import StaxClient
from staxapp_rs.testing import StaxEmulator

FAST = {"timeout": 60, "interval": 0.01, "max_interval": 0.05}


def names(answer):
    return sorted(account["Name"] for account in answer["Accounts"])


def task_of(answer):
    """The TaskId of a mutation's answer (top level or under ``Detail``)."""
    return answer.get("TaskId") or answer["Detail"]["TaskId"]


def official_task(task_id):
    """The official SDK has no waiter: read the task until it ends."""
    tasks = staxapp.openapi.StaxClient("tasks")
    for _ in range(2000):
        task = tasks.ReadTask(task_id=task_id)
        if task["Status"] in ("SUCCEEDED", "FAILED"):
            return task
    raise AssertionError(f"task {task_id} did not end: {task}")


@pytest.fixture
def both(stax_emulator):
    """The emulator with both SDKs' Config classes pointed at it."""
    stax_emulator.configure(Config)
    stax_emulator.configure(staxapp.config.Config)
    return stax_emulator


def test_the_fixture_is_one_emulator_for_the_session(stax_emulator, stax_emulator_session):
    assert stax_emulator is stax_emulator_session
    assert stax_emulator.endpoint.startswith("https://127.0.0.1:")
    assert stax_emulator.hostname == stax_emulator.endpoint.split("://", 1)[1]
    assert os.path.isfile(stax_emulator.ca_cert)
    assert stax_emulator.secret_key not in repr(stax_emulator)


def test_both_sdks_read_the_same_accounts(both):
    ours = StaxClient("accounts").ReadAccounts()
    theirs = staxapp.openapi.StaxClient("accounts").ReadAccounts()
    assert names(ours) == names(theirs)
    assert len(ours["Accounts"]) > 1
    assert both.stats()["operations"]["accounts.ReadAccounts"] == 2


def test_a_create_waited_for_with_both_sdks(both):
    created = StaxClient("accounts").CreateAccount(Name="rs-made", AccountType="development")
    task = StaxClient("tasks").wait_for_response(created, **FAST)
    assert task["Status"] == "SUCCEEDED"

    made = staxapp.openapi.StaxClient("accounts").CreateAccount(
        Name="official-made", AccountType="development"
    )
    assert official_task(task_of(made))["Status"] == "SUCCEEDED"
    listed = names(StaxClient("accounts").ReadAccounts())
    assert "rs-made" in listed and "official-made" in listed


def test_a_forced_failure_reaches_both_sdks(both):
    both.fail_next("accounts.CreateAccount", times=2, reason="the organisation's account limit")
    created = StaxClient("accounts").CreateAccount(Name="doomed", AccountType="development")
    with pytest.raises(TaskFailedException) as caught:
        StaxClient("tasks").wait_for_response(created, **FAST)
    assert any("the organisation's account limit" in line for line in caught.value.logs)

    made = staxapp.openapi.StaxClient("accounts").CreateAccount(
        Name="doomed-too", AccountType="development"
    )
    task = official_task(task_of(made))
    assert task["Status"] == "FAILED"
    assert "the organisation's account limit" in str(task["Logs"])

    # The rule is used up: the next one succeeds.
    fine = StaxClient("accounts").CreateAccount(Name="fine", AccountType="development")
    assert StaxClient("tasks").wait_for_response(fine, **FAST)["Status"] == "SUCCEEDED"


def test_manual_transitions_hold_a_task_until_advanced(both):
    both.set_transitions("manual")
    created = StaxClient("accounts").CreateAccount(Name="held", AccountType="development")
    task_id = task_of(created)
    tasks = StaxClient("tasks")
    assert tasks.ReadTask(task_id=task_id)["Status"] == "STARTED"
    assert both.advance(task_id)["status"] == "RUNNING"

    seen = []
    running = threading.Event()

    def progress(task):
        seen.append(task["Status"])
        if len(seen) >= 3:
            running.set()

    def fail_when_seen():
        running.wait(30)
        both.advance(task_id, to="fail", reason="held, then failed by the test")

    mover = threading.Thread(target=fail_when_seen)
    mover.start()
    try:
        with pytest.raises(TaskFailedException) as caught:
            tasks.wait_for_task(task_id, on_progress=progress, **FAST)
    finally:
        mover.join()
    assert seen[:3] == ["RUNNING"] * 3
    assert any("held, then failed by the test" in line for line in caught.value.logs)
    # staxapp reads the same task.
    assert staxapp.openapi.StaxClient("tasks").ReadTask(task_id=task_id)["Status"] == "FAILED"
    with pytest.raises(RuntimeError):
        both.advance(task_id, to="complete")
    with pytest.raises(LookupError):
        both.advance("00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValueError):
        both.advance(task_id, to="sideways")


def test_a_fault_rule_hits_its_operation_only(both):
    both.faults(rules=[{"operation": "accounts.CreateAccountType", "fault": "status=500", "times": 2}])
    # POST is not retried: two calls fail, the third passes; other operations never fail.
    for _ in range(2):
        with pytest.raises(ApiException) as caught:
            StaxClient("accounts").CreateAccountType(Name="faulty")
        assert caught.value.status_code == 500
        StaxClient("accounts").ReadAccounts()
    StaxClient("accounts").CreateAccountType(Name="faulty")
    stats = both.stats()
    assert stats["fault_rules"][0]["hits"] == 2
    assert stats["faults_injected"] == 2
    both.faults()
    assert both.stats()["fault_rules"] == []
    with pytest.raises(ValueError):
        both.faults(rules=[{"operation": "accounts.ReadAccounts", "fault": "sometimes"}])


def test_isolation_a_test_changes_things(both):
    StaxClient("accounts").CreateAccount(Name="leftover", AccountType="development")
    both.set_transitions("manual")
    both.faults("status=503:1.0")
    both.add_organisation()


def test_isolation_the_next_test_starts_from_the_seed(both):
    assert "leftover" not in names(StaxClient("accounts").ReadAccounts())
    stats = both.stats()
    assert stats["faults_injected"] == 0 and stats["fault_rules"] == []
    created = StaxClient("accounts").CreateAccount(Name="auto", AccountType="development")
    # Transitions are automatic again.
    assert StaxClient("tasks").wait_for_response(created, **FAST)["Status"] == "SUCCEEDED"
    assert len(both.state()["organisations"]) == 1


def test_a_state_moves_into_an_emulator_started_empty(both, tmp_path):
    created = StaxClient("accounts").CreateAccount(Name="moved", AccountType="development")
    StaxClient("tasks").wait_for_response(created, **FAST)
    state = both.state()
    expected = StaxClient("accounts").ReadAccounts()
    with StaxEmulator(seed="empty") as second:
        assert "moved" not in json.dumps(second.state())
        # The pools travel with the state: load it before a client of this process signs in
        # to the second emulator (the SDKs keep an installation's public configuration).
        second.load_state(state)
        assert second.state() == state
        second.configure(Config)
        assert (second.access_key, second.secret_key) == (both.access_key, both.secret_key)
        assert Config.access_key == both.access_key
        moved = StaxClient("accounts").ReadAccounts()
        assert "moved" in names(moved)
        assert moved == expected
        with pytest.raises(ValueError):
            second.load_state({"format": "something else"})
    # The second emulator's configure is undone: Config is the fixture's again.
    assert Config.hostname == both.hostname
    # A state saved to a file starts an emulator.
    saved = tmp_path / "state.json"
    saved.write_text(json.dumps(state))
    with StaxEmulator(seed="empty", state=saved, tls=False) as third:
        assert third.state() == state


def test_another_organisation_sees_none_of_the_first(both):
    other = both.add_organisation(seed="demo")
    assert other["endpoint"] == both.endpoint
    mine = {a["Id"] for a in StaxClient("accounts").ReadAccounts()["Accounts"]}
    config = Config(hostname=both.hostname, access_key=other["access_key"], secret_key=other["secret_key"])
    theirs = {a["Id"] for a in StaxClient("accounts", config=config).ReadAccounts()["Accounts"]}
    assert theirs and not theirs & mine
    some_id = sorted(mine)[0]
    with pytest.raises(ApiException) as caught:
        StaxClient("accounts", config=config).ReadAccounts(account_id=some_id)
    assert caught.value.status_code == 404


def test_configure_is_undone_when_the_emulator_stops():
    before = {name: os.environ.get(name) for name in ("AWS_ENDPOINT_URL", "REQUESTS_CA_BUNDLE", "STAX_ENDPOINT")}

    class Settings:
        hostname = "api.au1.staxapp.cloud"

    with StaxEmulator(tls=False) as plain:
        plain.configure(Settings)
        assert Settings.hostname == plain.hostname
        assert os.environ["STAX_ENDPOINT"] == plain.endpoint
        with pytest.raises(ValueError):
            plain.configure(staxapp.config.Config)
    assert Settings.hostname == "api.au1.staxapp.cloud"
    assert not hasattr(Settings, "access_key")
    assert {name: os.environ.get(name) for name in before} == before
    with pytest.raises(RuntimeError):
        plain.reset()
