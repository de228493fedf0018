"""staxapp_rs beyond staxapp, and its handling of bad input, against in-process emulators.

Driven by tests/python.rs, which starts the emulators and passes their ready lines in
STAX_TEST_READY (TLS), STAX_TEST_FAILING_READY (plain HTTP, every API call answered 502) and
STAX_TEST_DROPPING_READY (plain HTTP, every API call's connection closed without an answer).
"""

import json
import logging
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request
import uuid
from importlib import resources

READY = json.loads(os.environ["STAX_TEST_READY"])
FAILING = json.loads(os.environ["STAX_TEST_FAILING_READY"])
DROPPING = json.loads(os.environ["STAX_TEST_DROPPING_READY"])

os.environ["REQUESTS_CA_BUNDLE"] = READY["ca_cert"]
os.environ["AWS_ENDPOINT_URL"] = READY["endpoint"]

from staxapp_rs.config import Config, StaxAPIRetryConfig, StaxAuthRetryConfig  # noqa: E402
from staxapp_rs.exceptions import (  # noqa: E402
    ApiException,
    ConfigException,
    InvalidCredentialsException,
    SchemaException,
    TaskFailedException,
    TaskTimeoutException,
    TransportException,
    ValidationException,
)
from staxapp_rs.openapi import StaxClient  # noqa: E402

HOST = READY["endpoint"].split("://", 1)[1]
Config.hostname = HOST
Config.access_key = READY["access_key"]
Config.secret_key = READY["secret_key"]


def admin(ready, path, method="GET"):
    """An /_emulator/ route of an emulator, decoded."""
    context = ssl.create_default_context(cafile=ready["ca_cert"]) if ready["ca_cert"] else None
    request = urllib.request.Request(f"{ready['endpoint']}/_emulator/{path}", method=method)
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body.strip() else None


def failing_client(retry_config):
    """An accounts client of the emulator that answers every API call 502."""
    os.environ["STAX_ENDPOINT"] = FAILING["endpoint"]
    os.environ["AWS_ENDPOINT_URL"] = FAILING["endpoint"]
    config = Config(
        hostname=FAILING["endpoint"].split("://", 1)[1],
        access_key=FAILING["access_key"],
        secret_key=FAILING["secret_key"],
        api_retry_config=retry_config,
    )
    return StaxClient("accounts", config=config)


class Threads(unittest.TestCase):
    def test_threads_calling_at_once_share_one_sign_in(self):
        accounts = StaxClient("accounts")
        admin(READY, "reset-stats", "POST")
        start = threading.Barrier(8)
        answers, failures = [], []

        def read():
            start.wait()
            try:
                answers.append(len(accounts.ReadAccounts()["Accounts"]))
            except Exception as e:  # pragma: no cover - reported below
                failures.append(e)

        threads = [threading.Thread(target=read) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(answers), 8)
        stats = admin(READY, "stats")
        self.assertEqual(stats["cognito"]["InitiateAuth"], 1, stats)
        self.assertEqual(stats["cognito"]["GetCredentialsForIdentity"], 1, stats)
        self.assertEqual(stats["operations"]["accounts.ReadAccounts"], 8, stats)

    def test_the_gil_is_released_while_waiting_for_the_network(self):
        teams = StaxClient("teams")
        created = teams.CreateGroup(Name=f"gil-{uuid.uuid4().hex[:8]}")
        spins = [0]
        seen = []  # the spin count at each progress report

        def wait():
            teams.wait_for_response(created, interval=0.2, on_progress=lambda t: seen.append(spins[0]))

        worker = threading.Thread(target=wait)
        worker.start()
        while worker.is_alive():
            spins[0] += 1
        worker.join()
        self.assertGreaterEqual(len(seen), 2)
        # Between two reports the wait slept (0.2 s or more) in Rust; had it held the GIL,
        # this thread could not have counted meanwhile.
        self.assertGreater(seen[-1] - seen[0], 10000, seen)


class BeyondStaxapp(unittest.TestCase):
    def test_wait_for_response_follows_the_task_and_reports_progress(self):
        teams = StaxClient("teams")
        created = teams.CreateGroup(Name=f"wait-{uuid.uuid4().hex[:8]}")
        seen = []
        task = teams.wait_for_response(created, interval=0.05, on_progress=lambda t: seen.append(t["Status"]))
        self.assertEqual(task["Status"], "SUCCEEDED")
        self.assertEqual(seen[-1], "SUCCEEDED")
        again = StaxClient("tasks").wait_for_task(created["Detail"]["TaskId"], timeout=5)
        self.assertEqual(again["Status"], "SUCCEEDED")

    def test_wait_for_response_follows_a_networking_change(self):
        # Networking answers name their task in Detail.Message, not in Detail.
        networking = StaxClient("networking")
        account = StaxClient("accounts").ReadAccounts(filter="ACTIVE")["Accounts"][0]["Id"]
        created = networking.CreateHub(
            Name=f"wait-{uuid.uuid4().hex[:8]}",
            AccountId=account,
            Region="ap-southeast-2",
            Cidr="10.210.0.0/16",
            CreateNatGateway=False,
            CreateInternetGateway=False,
        )
        self.assertNotIn("TaskId", created["Detail"])
        task = networking.wait_for_response(created, interval=0.05)
        self.assertEqual(task["Status"], "SUCCEEDED")
        hub = networking.ReadHubs(hub_id=created["Detail"]["NetworkingHub"]["Id"])["Hubs"][0]
        self.assertEqual(hub["Status"], "ACTIVE")

    def test_an_exception_in_the_progress_callback_ends_the_wait(self):
        teams = StaxClient("teams")
        created = teams.CreateGroup(Name=f"cb-{uuid.uuid4().hex[:8]}")

        def broken(task):
            raise KeyError("from the callback")

        with self.assertRaises(KeyError):
            teams.wait_for_response(created, interval=0.05, on_progress=broken)

    def test_a_task_that_outlasts_the_timeout_raises(self):
        teams = StaxClient("teams")
        created = teams.CreateGroup(Name=f"slow-{uuid.uuid4().hex[:8]}")
        with self.assertRaises(TaskTimeoutException) as caught:
            teams.wait_for_response(created, timeout=0)
        self.assertEqual(caught.exception.task_id, created["Detail"]["TaskId"])
        self.assertIn(caught.exception.status, ("STARTED", "PENDING", "RUNNING"))
        self.assertIsInstance(caught.exception, TimeoutError)

    def test_ctrl_c_interrupts_a_wait(self):
        # Python turns SIGINT into KeyboardInterrupt only when SIGINT was not ignored at its
        # start; a job started with `nohup` or `cmd &` inherits it ignored. Set it up here.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        self.addCleanup(signal.signal, signal.SIGINT, previous)
        teams = StaxClient("teams")
        created = teams.CreateGroup(Name=f"int-{uuid.uuid4().hex[:8]}")
        seen = []
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            # One read, then a pause of a minute: only an interrupt ends the wait early.
            teams.wait_for_response(
                created, interval=60, max_interval=60, on_progress=lambda t: seen.append(t["Status"])
            )
        timer.join()
        self.assertEqual(len(seen), 1, seen)

    def test_integers_out_of_range_are_validation_exceptions(self):
        accounts = StaxClient("accounts")
        for size in [10**30, 2**64, 2**31, 0, -1, True, 2.0]:
            with self.assertRaises(ValidationException, msg=repr(size)):
                accounts.items("ReadAccounts", page_size=size)
            with self.assertRaises(ValidationException, msg=repr(size)):
                accounts.pages("ReadAccounts", page_size=size)
        for name in ["timeout", "interval", "max_interval"]:
            with self.assertRaises(ValidationException, msg=name):
                StaxClient("tasks").wait_for_task("t-1", **{name: 10**400})
        self.assertTrue(list(accounts.items("ReadAccounts", page_size=2**31 - 1)))

    def test_a_failed_task_carries_its_answer(self):
        failed = TaskFailedException("t-1", ["quota exceeded"], {"Status": "FAILED"})
        self.assertEqual(str(failed), "task t-1 FAILED: quota exceeded")
        self.assertEqual(failed.task["Status"], "FAILED")

    def test_waiting_needs_a_task_id(self):
        with self.assertRaises(ValidationException):
            StaxClient("accounts").wait_for_response({"Accounts": []})
        with self.assertRaises(ValidationException):
            StaxClient("tasks").wait_for_task("")

    def test_pages_and_items_walk_every_account(self):
        accounts = StaxClient("accounts")
        everything = [a["Id"] for a in accounts.ReadAccounts()["Accounts"]]
        pages = list(accounts.pages("ReadAccounts", page_size=3))
        self.assertEqual(len(pages), -(-len(everything) // 3))
        self.assertEqual([a["Id"] for p in pages for a in p["Accounts"]], everything)
        self.assertEqual([a["Id"] for a in accounts.items("ReadAccounts", page_size=4)], everything)
        active = list(accounts.items("ReadAccounts", page_size=2, filter="ACTIVE"))
        self.assertTrue(active)
        self.assertTrue(all(a["Status"] == "ACTIVE" for a in active))

    def test_pages_and_items_read_a_page_when_it_is_needed(self):
        accounts = StaxClient("accounts")
        accounts.ReadAccounts(limit=1)  # signed in, document read

        def reads():
            return admin(READY, "stats")["operations"].get("accounts.ReadAccounts", 0)

        before = reads()
        items = accounts.items("ReadAccounts", page_size=2)
        self.assertEqual(reads(), before, "nothing is read before the first item is asked for")
        next(items), next(items)
        self.assertEqual(reads(), before + 1, "the first page of two")
        next(items)
        self.assertEqual(reads(), before + 2, "the third item is on the second page")
        pages = accounts.pages("ReadAccounts", page_size=2)
        next(pages)
        self.assertEqual(reads(), before + 3, "one page, not every page")

    def test_walks_stop_at_max_items_and_resume_at_next_token(self):
        accounts = StaxClient("accounts")
        everything = [a["Id"] for a in accounts.items("ReadAccounts")]
        self.assertGreater(len(everything), 4)
        seen, token, runs = [], None, 0
        while True:
            walk = accounts.items("ReadAccounts", page_size=4, max_items=3, starting_token=token)
            got = [a["Id"] for a in walk]
            self.assertLessEqual(len(got), 3)
            seen += got
            token, runs = walk.next_token, runs + 1
            if token is None:
                break
        self.assertEqual(seen, everything)
        self.assertEqual(runs, -(-len(everything) // 3))
        # Pages: the last page of a cut walk is cut too; next_token goes on from there.
        pages = accounts.pages("ReadAccounts", page_size=2, max_items=3)
        cut = [a["Id"] for page in pages for a in page["Accounts"]]
        self.assertEqual(cut, everything[:3])
        rest = [a["Id"] for a in accounts.items("ReadAccounts", starting_token=pages.next_token)]
        self.assertEqual(rest, everything[3:])
        token = StaxClient("accounts").items("ReadAccounts", max_items=1)
        list(token)
        with self.assertRaises(ValidationException) as raised:
            list(StaxClient("accounts").items("ReadAccountTypes", starting_token=token.next_token))
        self.assertIn("accounts.ReadAccounts", str(raised.exception))
        for bad in ["", "nonsense", 3]:
            with self.assertRaises(ValidationException, msg=repr(bad)):
                list(StaxClient("accounts").items("ReadAccounts", starting_token=bad))
        with self.assertRaises(ValidationException):
            StaxClient("accounts").items("ReadAccounts", max_items=0)

    def test_operations_are_listed(self):
        accounts = StaxClient("accounts", force=True)
        self.assertIn("ReadAccounts", accounts.operations())
        self.assertIn("ReadAccounts", dir(accounts))
        self.assertIn("accounts", repr(accounts))


class ConfigLikeStaxapp(unittest.TestCase):
    def tearDown(self):
        Config.access_key = READY["access_key"]
        Config.secret_key = READY["secret_key"]
        Config.api_retry_config = StaxAPIRetryConfig
        Config.api_auth_retry_config = StaxAuthRetryConfig
        os.environ.pop("STAX_ENDPOINT", None)
        os.environ["AWS_ENDPOINT_URL"] = READY["endpoint"]

    def test_defaults_are_staxapps(self):
        self.assertEqual(StaxAPIRetryConfig.max_attempts, 5)
        self.assertEqual(StaxAPIRetryConfig.backoff_factor, 1.0)
        self.assertEqual(StaxAPIRetryConfig.status_codes, (429, 500, 502, 504))
        self.assertEqual(StaxAPIRetryConfig.retry_methods, ("GET", "PUT", "DELETE", "OPTIONS"))
        self.assertEqual(StaxAuthRetryConfig.max_attempts, 5)
        self.assertEqual(StaxAuthRetryConfig.token_expiry_threshold, 1)
        self.assertEqual(Config.API_VERSION, "20190206")
        self.assertIs(Config.api_retry_config, StaxAPIRetryConfig)
        self.assertEqual(Config(hostname="h.example").api_base_url(), "https://h.example/20190206")

    def test_a_clients_settings_are_frozen_when_it_is_created(self):
        accounts = StaxClient("accounts")
        Config.secret_key = "x" * 32
        self.assertTrue(accounts.ReadAccounts()["Accounts"])
        with self.assertRaises(InvalidCredentialsException) as caught:
            StaxClient("accounts").ReadAccounts()
        self.assertIn("Please check your Secret Key is correct", str(caught.exception))
        self.assertNotIn("x" * 32, repr(Config.GetDefaultConfig()))

    def test_retry_settings_as_in_staxapps_readme(self):
        # staxapp's README: the class assigned, its attributes set.
        retry_config = StaxAPIRetryConfig
        retry_config.max_attempts = 2
        retry_config.backoff_factor = 0
        Config.api_retry_config = retry_config
        auth_retry_config = StaxAuthRetryConfig
        auth_retry_config.token_expiry_threshold = 2
        Config.api_auth_retry_config = auth_retry_config
        try:
            failing = failing_client(retry_config)
            admin(FAILING, "reset-stats", "POST")
            with self.assertRaises(ApiException) as caught:
                failing.ReadAccounts()
            self.assertEqual(caught.exception.status_code, 502)
            # max_attempts = 2 is urllib3's Retry(total=2), as in staxapp: 3 requests.
            self.assertEqual(admin(FAILING, "stats")["faults_injected"], 3)
            # POST is not retried.
            admin(FAILING, "reset-stats", "POST")
            with self.assertRaises(ApiException):
                failing.CreateAccountType(Name="never")
            self.assertEqual(admin(FAILING, "stats")["faults_injected"], 1)
        finally:
            StaxAPIRetryConfig.max_attempts = 5
            StaxAPIRetryConfig.backoff_factor = 1.0
            StaxAuthRetryConfig.token_expiry_threshold = 1

    def test_api_exceptions_carry_the_request_id(self):
        failing = failing_client(StaxAPIRetryConfig(max_attempts=0))
        seen = []
        failing.add_interceptor(after_attempt=seen.append)
        with self.assertRaises(ApiException) as caught:
            failing.ReadAccounts()
        self.assertEqual(caught.exception.status_code, 502)
        self.assertEqual(len(seen), 1, seen)
        self.assertIsInstance(caught.exception.request_id, str)
        self.assertEqual(caught.exception.request_id, seen[0]["request_id"])
        self.assertIsNone(ApiException("made by hand").request_id)

    def test_unusable_settings_are_config_exceptions(self):
        for name, value in [
            ("max_attempts", "3"),
            ("max_attempts", -1),
            ("backoff_factor", "fast"),
            ("status_codes", "429"),
            ("retry_methods", [1, 2]),
        ]:
            settings = StaxAPIRetryConfig(**{name: value})
            with self.assertRaises(ConfigException, msg=f"{name}={value!r}"):
                StaxClient("accounts", config=Config(hostname=HOST, api_retry_config=settings))
        with self.assertRaises(ConfigException):
            StaxClient("accounts", config=Config(hostname=42))
        with self.assertRaises(TypeError):
            StaxAPIRetryConfig(retries=3)
        for name, value in [
            ("max_attempts", 10**30),
            ("backoff_factor", 10**400),
            ("status_codes", (10**30,)),
            ("status_codes", (700,)),
        ]:
            settings = StaxAPIRetryConfig(**{name: value})
            with self.assertRaises(ConfigException, msg=f"{name}={value!r}"):
                StaxClient("accounts", config=Config(hostname=HOST, api_retry_config=settings))
        with self.assertRaises(ConfigException):
            StaxClient(
                "accounts",
                config=Config(hostname=HOST, api_auth_retry_config=StaxAuthRetryConfig(max_attempts=2**32)),
            )

    def test_endpoints_and_hostnames_are_refused_as_the_cli_refuses_them(self):
        # Refused when the client is made: nothing is sent, nothing is retried. Were
        # STAX_ENDPOINT ignored, these clients would go to Config.hostname (the emulator) and
        # work.
        admin(READY, "reset-stats", "POST")
        for endpoint in [
            HOST,  # no scheme
            "ftp://x",
            "file:///etc/passwd",
            f"{READY['endpoint']}/?x=1",
            f"{READY['endpoint']}/#frag",
        ]:
            os.environ["STAX_ENDPOINT"] = endpoint
            with self.assertRaises(ConfigException, msg=endpoint) as caught:
                StaxClient("accounts", force=True)
            self.assertIn("STAX_ENDPOINT", str(caught.exception))
        os.environ.pop("STAX_ENDPOINT")
        for hostname in [
            "http://[::1",
            f"https://{HOST}",
            f"{HOST}/20190206",
            f"{HOST}?x=1",
            f"{HOST}#frag",
            f"user@{HOST}",
            "[::1",
            "two words",
        ]:
            with self.assertRaises(ConfigException, msg=hostname) as caught:
                StaxClient("accounts", force=True, config=Config(hostname=hostname))
            self.assertIn("Config.hostname", str(caught.exception))
        stats = admin(READY, "stats")
        self.assertEqual(sum(stats["cognito"].values()), 0, stats)
        self.assertEqual(sum(stats["operations"].values()), 0, stats)
        # A host with a port is a hostname.
        self.assertTrue(StaxClient("accounts", force=True).ReadAccounts()["Accounts"])

    def test_network_failures(self):
        once = StaxAPIRetryConfig(max_attempts=0)
        # Nothing listens there: the document cannot be loaded.
        with self.assertRaises(SchemaException):
            StaxClient("accounts", config=Config(hostname="127.0.0.1:9", api_retry_config=once))
        # The connection is closed without an answer: a ConnectionError, as requests' is.
        os.environ["STAX_ENDPOINT"] = DROPPING["endpoint"]
        os.environ["AWS_ENDPOINT_URL"] = DROPPING["endpoint"]
        config = Config(
            hostname=DROPPING["endpoint"].split("://", 1)[1],
            access_key=DROPPING["access_key"],
            secret_key=DROPPING["secret_key"],
            api_retry_config=once,
        )
        with self.assertRaises(TransportException) as caught:
            StaxClient("accounts", config=config).ReadAccounts()
        self.assertIsInstance(caught.exception, ConnectionError)

    def test_a_named_document_that_cannot_be_used_is_a_config_exception(self):
        # A document named by path: the setting is at fault (ConfigException, a ValueError),
        # as the CLI's exit 2; before any request.
        admin(READY, "reset-stats", "POST")
        with tempfile.TemporaryDirectory() as scratch:
            text = os.path.join(scratch, "notes.json")
            with open(text, "w") as f:
                f.write("not JSON\n")
            for path in ["/dev/zero", os.path.join(scratch, "missing.json"), text]:
                os.environ["STAX_SCHEMA"] = path
                try:
                    with self.assertRaises(ConfigException, msg=path) as caught:
                        StaxClient("accounts", force=True)
                finally:
                    os.environ.pop("STAX_SCHEMA", None)
                self.assertIsInstance(caught.exception, ValueError)
                self.assertIn(path, str(caught.exception))
                self.assertIn("STAX_SCHEMA", str(caught.exception))
        stats = admin(READY, "stats")
        self.assertEqual(stats["document"]["sent"], 0, stats)
        self.assertEqual(sum(stats["cognito"].values()), 0, stats)
        # The installation's own document, when it cannot be had: SchemaException.
        once = StaxAPIRetryConfig(max_attempts=0)
        with self.assertRaises(SchemaException) as caught:
            StaxClient("accounts", force=True, config=Config(hostname="127.0.0.1:9", api_retry_config=once))
        self.assertNotIsInstance(caught.exception, ValueError)

    def test_log_level_sets_the_root_loggers_level_as_staxapp_does(self):
        code = "import logging, staxapp_rs.config; print(logging.getLogger().level)"
        for env, level in [({"LOG_LEVEL": "DEBUG"}, "10"), ({"LOG_LEVEL": "error"}, "40"), ({}, "30")]:
            environ = {k: v for k, v in os.environ.items() if k != "LOG_LEVEL"}
            environ.update(env)
            out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)
            self.assertEqual(out.stdout.strip(), level, out.stderr)

    def test_missing_keys_name_the_fix(self):
        config = Config(hostname=HOST, access_key=READY["access_key"], secret_key=None)
        saved = os.environ.pop("STAX_SECRET_KEY", None)
        try:
            with self.assertRaises(InvalidCredentialsException) as caught:
                StaxClient("accounts", config=config).ReadAccounts()
            self.assertIn("Please provide a Secret Key to your config", str(caught.exception))
        finally:
            if saved is not None:
                os.environ["STAX_SECRET_KEY"] = saved


class BadInputNeverPanics(unittest.TestCase):
    """Whatever a Python caller passes, the answer is one of the SDK's exceptions (or a
    normal answer), never pyo3's PanicException."""

    def assert_sdk_error(self, call):
        try:
            call()
        except (ValidationException, ApiException, ConfigException) as e:
            return e
        except BaseException as e:  # PanicException derives from BaseException
            self.fail(f"{type(e).__module__}.{type(e).__name__}: {e}")
        return None

    def test_weird_arguments(self):
        accounts = StaxClient("accounts")
        recursive = []
        recursive.append(recursive)
        deep = []
        for _ in range(10000):
            deep = [deep]
        values = [
            object(),
            uuid.uuid4(),
            2**200,
            -(2**70),
            float("inf"),
            float("nan"),
            b"\xff\xfe",
            "\udcff",
            {1: "int key"},
            {(1, 2): "tuple key"},
            {"a": {"b": [object()]}},
            {1, 2},
            recursive,
            deep,
            lambda: None,
            Ellipsis,
        ]
        for value in values:
            with self.subTest(value=type(value).__name__):
                self.assert_sdk_error(lambda: accounts.ReadAccounts(filter=value, limit=1, offset=0))
                self.assert_sdk_error(lambda: accounts.ReadAccounts(account_id=value))
                self.assert_sdk_error(lambda: accounts.CreateAccountType(Name=value))
                self.assert_sdk_error(lambda: accounts.UpdateAccount(account_id=value, Name=value))

    def test_weird_names(self):
        for name in ["", "\x00", "accounts\x00", "a" * 10000, "ACCOUNTS/../teams"]:
            with self.subTest(name=name[:20]):
                self.assert_sdk_error(lambda: StaxClient(name))
        accounts = StaxClient("accounts")
        for op in ["", "Read Accounts", "\udcff", "x" * 10000]:
            with self.subTest(op=op[:20]):
                self.assert_sdk_error(lambda: getattr(accounts, op)())
        self.assert_sdk_error(lambda: StaxClient(None))
        self.assert_sdk_error(lambda: accounts.ReadAccounts("positional"))
        self.assert_sdk_error(lambda: accounts.ReadAccounts(**{"\udcff": 1}))
        self.assert_sdk_error(lambda: list(accounts.pages("NoSuchOperation")))
        self.assert_sdk_error(lambda: list(accounts.pages("ReadAccounts", page_size=0)))
        self.assert_sdk_error(lambda: list(accounts.items("ReadAccounts", list_key="Nope")))


class LoggingBridge(unittest.TestCase):
    def test_sdk_records_reach_python_logging(self):
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record)

        logger = logging.getLogger("staxapp_rs")
        handler = Keep()
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            # The level is read when a client is created.
            StaxClient("accounts").ReadAccounts(limit=1, offset=0)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(logging.NOTSET)
        messages = [r.getMessage() for r in records]
        self.assertTrue(any("ReadAccounts" in m for m in messages), messages)
        self.assertTrue(all(r.name.startswith("staxapp_rs") for r in records))
        self.assertFalse(any(READY["secret_key"] in m for m in messages))


class Packaging(unittest.TestCase):
    def test_type_stubs_and_py_typed_are_installed(self):
        files = {f.name for f in resources.files("staxapp_rs").iterdir()}
        self.assertIn("py.typed", files)
        self.assertIn("_core.pyi", files)


if __name__ == "__main__":
    unittest.main()


class Interceptors(unittest.TestCase):
    def test_callables_see_and_change_each_request(self):
        accounts = StaxClient("accounts")
        attempts, calls = [], []

        def tag(request):
            self.assertEqual(request["operation"], "accounts.ReadAccounts")
            self.assertEqual(request["method"], "GET")
            request["headers"]["user-agent"] = "py-interceptor/1.0"

        accounts.add_interceptor(before_signing=tag, after_attempt=attempts.append, after_call=calls.append)
        admin(READY, "reset-stats", "POST")
        self.assertTrue(accounts.ReadAccounts()["Accounts"])
        self.assertEqual([(a["attempt"], a["status"], a["retry"]) for a in attempts], [(1, 200, False)])
        self.assertIsInstance(attempts[0]["request_id"], str)
        self.assertIn(b"Accounts", attempts[0]["body"])
        self.assertEqual(len(calls), 1)
        self.assertEqual((calls[0]["attempts"], calls[0]["status"]), (1, 200))
        self.assertEqual(calls[0]["request_id"], attempts[0]["request_id"])
        stats = admin(READY, "stats")
        # The changed request was signed and sent as the interceptor left it.
        self.assertEqual(stats["user_agents"].get("py-interceptor/1.0"), 1, stats)
        self.assertEqual(stats["rejected_signatures"], 0, stats)
        # Another client is not intercepted.
        StaxClient("accounts").ReadAccounts()
        self.assertEqual(len(calls), 1)

    def test_an_exception_in_a_callable_is_raised_from_the_call(self):
        class Refused(Exception):
            pass

        def refuse(request):
            raise Refused("not today")

        teams = StaxClient("teams")
        teams.add_interceptor(before_signing=refuse)
        admin(READY, "reset-stats", "POST")
        with self.assertRaises(Refused):
            teams.ReadGroups()
        self.assertEqual(admin(READY, "stats")["operations"].get("teams.ReadGroups", 0), 0)
        with self.assertRaises(ValidationException):
            teams.add_interceptor(after_call="not callable")


class TestingModule(unittest.TestCase):
    """staxapp_rs.testing without pytest, in every Python this file runs in (the wheel's
    oldest and newest too); tests/test_stax_emulator.py drives it through pytest."""

    def test_an_emulator_in_the_process_under_control(self):
        from staxapp_rs.testing import StaxEmulator

        class Settings:
            hostname = "api.au1.staxapp.cloud"

        before = os.environ.get("STAX_ENDPOINT")
        with StaxEmulator(tls=False, transitions="manual") as stax:
            self.assertIsNone(stax.ca_cert)
            self.assertTrue(stax.endpoint.startswith("http://127.0.0.1:"))
            stax.configure(Settings)
            self.assertEqual(Settings.hostname, stax.hostname)
            self.assertEqual(Settings.access_key, stax.access_key)
            self.assertEqual(os.environ["STAX_ENDPOINT"], stax.endpoint)
            state = stax.state()
            self.assertEqual(state["format"], "stax-emulator-state")
            other = stax.add_organisation(seed="empty")
            self.assertNotEqual(other["access_key"], stax.access_key)
            self.assertEqual(len(stax.state()["organisations"]), 2)
            stax.fail_next("accounts.CreateAccount")
            stax.faults(rules=[{"operation": "accounts.ReadAccounts", "fault": "status=500", "times": 1}])
            self.assertEqual(len(stax.stats()["fault_rules"]), 1)
            with self.assertRaises(ValueError):
                stax.fail_next("accounts.MakeAccount")
            with self.assertRaises(LookupError):
                stax.advance(str(uuid.uuid4()))
            stax.reset()
            self.assertEqual(stax.state(), state)
            self.assertEqual(stax.stats()["fault_rules"], [])
        self.assertEqual(Settings.hostname, "api.au1.staxapp.cloud")
        self.assertFalse(hasattr(Settings, "access_key"))
        self.assertEqual(os.environ.get("STAX_ENDPOINT"), before)
        with self.assertRaises(RuntimeError):
            stax.reset()
