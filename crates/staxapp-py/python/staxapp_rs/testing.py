"""A local Stax for tests: the emulator, running inside this Python process.

``StaxEmulator`` starts the emulator of staxapp-rs (the Rust library linked into this
package: no binary to find, no port to agree on) on a free loopback port, seeded with a demo
organisation, and hands a test its control: reset, the whole state out and in, how tasks move
and end, faults, more organisations. ``configure`` points either SDK at it, staxapp_rs's
``Config`` or the official ``staxapp.config.Config``, and undoes that when the emulator stops::

    from staxapp_rs.testing import StaxEmulator
    from staxapp_rs.config import Config
    from staxapp_rs.openapi import StaxClient

    with StaxEmulator() as stax:
        stax.configure(Config)
        print(StaxClient("accounts").ReadAccounts()["Accounts"][0]["Name"])

With pytest, the fixture ``stax_emulator`` (this package's plugin, found through its
``pytest11`` entry point) gives every test the one emulator of the session, reset before the
test: a test pays a reset, not a start. Override the session fixture
``stax_emulator_options`` (a dict of ``StaxEmulator``'s arguments) in a ``conftest.py`` to
start it otherwise.
"""

from __future__ import annotations

import os
import tempfile

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time
    from typing import Any, Callable, Dict, List, Optional

__all__ = ["StaxEmulator"]

# The variables ``configure`` sets: where Cognito is (AWS's convention, which boto3 and
# staxapp_rs follow) and which certificates to trust (requests, botocore, staxapp_rs).
_COGNITO_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
)
_CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "AWS_CA_BUNDLE")


class StaxEmulator:
    """The emulator, running in this process until ``close()`` (or the end of a ``with``).

    Arguments: ``seed`` (``"demo"``: an organisation with accounts, types, units, users,
    groups, policies, workloads and permission sets; ``"empty"``: the organisation and its API
    token), ``tls`` (HTTPS with a certificate made for it; staxapp speaks HTTPS only),
    ``task_delay_ms`` (how long tasks take; 0: they end at the next request),
    ``transitions`` (``"auto"``, or ``"manual"``: tasks wait in their first state until
    ``advance`` moves them), ``faults`` (the ``--faults`` grammar, e.g.
    ``"status=503:0.2,throttle:0.1"``), ``db`` (an SQLite file to keep the state in; default
    memory), and beyond those: ``fault_seed``, ``state`` (a file ``state()`` was saved to, to
    start from instead of the seed), ``region`` (``au1``, ``us1``, ``eu1``).

    Attributes: ``endpoint`` (``https://127.0.0.1:<port>``), ``hostname`` (``127.0.0.1:<port>``,
    what ``Config.hostname`` takes), ``access_key`` and ``secret_key`` (an ``api_admin`` token of
    the organisation), ``ca_cert`` (the PEM file of its certificate, or ``None`` without TLS).
    """

    endpoint: str
    hostname: str
    access_key: str
    secret_key: str
    ca_cert: Optional[str]

    def __init__(
        self,
        seed: str = "demo",
        tls: bool = True,
        task_delay_ms: int = 0,
        transitions: str = "auto",
        faults: Optional[str] = None,
        db: Optional[str] = None,
        *,
        fault_seed: int = 0,
        state: Optional[str] = None,
        region: str = "au1",
    ) -> None:
        from staxapp_rs import _core

        if not hasattr(_core, "Emulator"):
            raise RuntimeError(
                "this staxapp_rs was built without its emulator (the cargo feature `emulator`, "
                "on by default): reinstall it with `pip install ./crates/staxapp-py`"
            )
        self._undo: List[Callable[[], None]] = []
        self._configured: List[Any] = []
        self._bundle: Optional[str] = None
        self._core = _core.Emulator(
            seed=seed,
            tls=tls,
            task_delay_ms=task_delay_ms,
            transitions=transitions,
            faults=faults,
            fault_seed=fault_seed,
            db=None if db is None else os.fspath(db),
            state=None if state is None else os.fspath(state),
            region=region,
        )
        ready = self._core.ready()
        self.endpoint = ready["endpoint"]
        self.hostname = self.endpoint.split("://", 1)[1]
        self.ca_cert = ready["ca_cert"]
        self._first = (ready["access_key"], ready["secret_key"])
        self.access_key, self.secret_key = self._first

    def __enter__(self) -> StaxEmulator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StaxEmulator(endpoint={self.endpoint!r}, access_key={self.access_key!r})"

    def close(self) -> None:
        """Stops the emulator and undoes every ``configure``."""
        while self._undo:
            self._undo.pop()()
        self._configured.clear()
        if self._bundle is not None:
            try:
                os.remove(self._bundle)
            except OSError:
                pass
            self._bundle = None
        self._core.close()

    # -- control -------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start: the seed (or ``state``) the emulator started with, its stats,
        faults, transitions, outcome rules and lockouts. Organisations added since are gone;
        the first API token (``access_key``) keeps working, and so do clients signed in with it."""
        self._core.reset()
        self._use_token(*self._first)

    def state(self) -> Dict[str, Any]:
        """The whole state as one JSON-ready dict (every organisation, resource, task, API
        token and Cognito user, with a format version): ``json.dump`` it to a file for
        ``StaxEmulator(state=...)``, or give it back to ``load_state``. It holds the first API
        token's secret key, as ``secret_key`` does."""
        return self._core.state()

    def load_state(self, state: Dict[str, Any]) -> None:
        """Replaces the whole state with ``state`` (from ``state()``, of this emulator or
        another of the same region). Its API token becomes ``access_key`` / ``secret_key`` (and
        that of the classes ``configure`` set). A dict that is not such a state raises
        ``ValueError``, and nothing changes.

        The Cognito pools travel with the state (its users' keys were made for them), and
        both SDKs keep an installation's public configuration for the process: load another
        emulator's state before a client of this process signs in to this one, or start one
        from a file with ``StaxEmulator(state=path)``."""
        token = self._core.load_state(state)
        if token is not None:
            self._use_token(token["access_key"], token["secret_key"])

    def stats(self) -> Dict[str, Any]:
        """The counters: Cognito calls, operations by id, requests, rejected signatures,
        injected faults, and each fault rule's hits (``fault_rules``)."""
        return self._core.stats()

    def advance(self, task_id: str, to: str = "next", reason: Optional[str] = None) -> Dict[str, Any]:
        """Moves a task, or the record waiting on one (an account being created, a permission
        set assignment being deployed), by its id: ``to="next"`` one step (its first state
        to ``RUNNING``, then to its end), ``"complete"`` to ``SUCCEEDED``, ``"fail"`` to
        ``FAILED`` with ``reason`` in its logs. Answers ``{"task_id", "operation", "status",
        "logs"}``. An unknown id raises ``LookupError``, a task that has ended
        ``RuntimeError``."""
        return self._core.advance(task_id, to, reason)

    def fail_next(self, operation: str, times: int = 1, reason: Optional[str] = None) -> None:
        """Makes the next ``times`` tasks of ``operation`` (``"accounts.CreateAccount"``, as
        the stats name operations) end ``FAILED``, with ``reason`` in their logs, whatever the
        transitions. An unknown operation raises ``ValueError`` naming the closest."""
        self._core.force_outcome(operation, "FAILED", times, reason)

    def succeed_next(self, operation: str, times: int = 1) -> None:
        """Makes the next ``times`` tasks of ``operation`` end ``SUCCEEDED`` (one that would
        have failed, too)."""
        self._core.force_outcome(operation, "SUCCEEDED", times, None)

    def faults(
        self,
        spec: Optional[str] = None,
        rules: Optional[List[Dict[str, Any]]] = None,
        seed: int = 0,
    ) -> None:
        """Injects faults from now on, replacing those before: ``spec`` in the ``--faults``
        grammar (``"status=503:0.2,throttle:0.1"``, drawn with ``seed``), and ``rules`` aimed
        at one operation each, hitting exactly ``times`` of its calls:
        ``[{"operation": "teams.CreateApiToken", "fault": "status=500", "times": 2}]``.
        ``faults()`` clears them."""
        self._core.set_faults(spec, seed, rules)

    def set_transitions(self, mode: str) -> None:
        """``"manual"``: new tasks wait in their first state until ``advance`` moves them;
        ``"auto"``: they move with time (the waiting ones end one task delay later)."""
        self._core.set_transitions(mode)

    def add_organisation(self, seed: str = "demo") -> Dict[str, Any]:
        """Another organisation, seeded ``"demo"`` or ``"empty"``: ``{"organisation_id",
        "access_key", "secret_key", "endpoint", "ca_cert"}``. Its token sees only its own
        resources (another organisation's ids are unknown to it)."""
        return self._core.add_organisation(seed)

    # -- pointing the SDKs at it ------------------------------------------------------------

    def configure(self, config_class: Any) -> Any:
        """Points ``config_class``, staxapp_rs's ``Config`` or staxapp's
        (``staxapp.config.Config``), at the emulator: its ``hostname``, ``access_key`` and
        ``secret_key``, the Cognito endpoint variables (``AWS_ENDPOINT_URL`` and the two
        ``AWS_ENDPOINT_URL_COGNITO_*``) and, with TLS, the certificates to trust
        (``REQUESTS_CA_BUNDLE`` and ``AWS_CA_BUNDLE``: certifi's bundle, when there is one, and
        the emulator's certificate). Undone when the emulator stops. Returns ``config_class``."""
        official = getattr(config_class, "__module__", "").split(".")[0] == "staxapp"
        if official and self.ca_cert is None:
            raise ValueError("staxapp speaks HTTPS only: start StaxEmulator(tls=True)")
        for name, value in (
            ("hostname", self.hostname),
            ("access_key", self.access_key),
            ("secret_key", self.secret_key),
        ):
            self._set_attribute(config_class, name, value)
        variables: Dict[str, str] = {name: self.endpoint for name in _COGNITO_VARIABLES}
        if self.ca_cert is not None:
            bundle = self._trust_bundle()
            variables.update({name: bundle for name in _CA_VARIABLES})
        if not official:
            # staxapp_rs takes the scheme of a hostname from STAX_ENDPOINT (http without TLS).
            variables["STAX_ENDPOINT"] = self.endpoint
        for name, value in variables.items():
            self._set_variable(name, value)
        self._configured.append(config_class)
        return config_class

    def _use_token(self, access_key: str, secret_key: str) -> None:
        old = (self.access_key, self.secret_key)
        self.access_key, self.secret_key = access_key, secret_key
        for config in self._configured:
            if (getattr(config, "access_key", None), getattr(config, "secret_key", None)) == old:
                config.access_key, config.secret_key = access_key, secret_key

    def _set_attribute(self, target: Any, name: str, value: Any) -> None:
        missing = object()
        # A class's own attribute (not one it inherits), or an instance's.
        before = vars(target).get(name, missing)

        def undo() -> None:
            if before is missing:
                try:
                    delattr(target, name)
                except AttributeError:
                    pass
            else:
                setattr(target, name, before)

        setattr(target, name, value)
        self._undo.append(undo)

    def _set_variable(self, name: str, value: str) -> None:
        before = os.environ.get(name)

        def undo() -> None:
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before

        os.environ[name] = value
        self._undo.append(undo)

    def _trust_bundle(self) -> str:
        """A PEM file with certifi's certificates (when certifi is there: other HTTPS calls of
        the test process keep working) and the emulator's."""
        if self._bundle is None:
            parts = []
            try:
                import certifi

                with open(certifi.where(), encoding="ascii") as public:
                    parts.append(public.read())
            except ImportError:
                pass
            with open(self.ca_cert, encoding="ascii") as ours:
                parts.append(ours.read())
            handle, path = tempfile.mkstemp(prefix="stax-emulator-trust-", suffix=".pem")
            with os.fdopen(handle, "w", encoding="ascii") as bundle:
                bundle.write("\n".join(parts))
            self._bundle = path
        return self._bundle
