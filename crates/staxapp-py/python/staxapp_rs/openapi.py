"""``staxapp.openapi.StaxClient``: every operation of the installation's OpenAPI document as a
method of the client of its class::

    accounts = StaxClient("accounts")
    accounts.ReadAccounts(filter="ACTIVE", include_tags=True)   # a dict, decoded from JSON

Beyond staxapp: ``wait_for_task`` / ``wait_for_response`` follow a mutation's task to its
end, ``pages`` / ``items`` iterate a list operation across its pages, and calls release the
GIL while they wait for the network (threads calling at once share one sign-in).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: it costs a cold start milliseconds
    from typing import Any, Callable, Dict, Iterator, List, Optional

from staxapp_rs import _core
from staxapp_rs.config import Config
from staxapp_rs.exceptions import ValidationException


class StaxClient:
    """A client of one class (``accounts``, ``teams``, ``tasks``, ...) of the Stax API.

    Its settings are those of ``config`` (default: the ``Config`` class attributes) at the
    moment it is created; later changes to them do not affect it. Creating it loads the
    document (cached on disk, revalidated) and raises ``ValidationException`` for an unknown
    class. ``force=True`` reads the document again instead of reusing the one this process parsed.
    """

    classname: str

    def __init__(self, classname: str, force: bool = False, config: Optional[Config] = None) -> None:
        if config is None:
            config = Config.GetDefaultConfig()
        if not isinstance(classname, str):
            raise ValidationException(
                f"No such class: {classname!r}. The class is a str such as 'accounts'"
            )
        self._config = Config(
            hostname=config.hostname,
            access_key=config.access_key,
            secret_key=config.secret_key,
            api_auth_retry_config=config.api_auth_retry_config,
            api_retry_config=config.api_retry_config,
        )
        self._core = _core.Client(self._config._settings(), force)
        self._core.load(classname)
        self.classname = classname

    @property
    def config(self) -> Config:
        """The frozen configuration of this client."""
        return self._config

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Operation(self, name)

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self.operations()))

    def __repr__(self) -> str:
        return f"StaxClient({self.classname!r}, base_url={self._core.base_url!r})"

    def operations(self) -> List[str]:
        """The operations of this client's class, sorted."""
        return list(self._core.operations(self.classname))

    def add_interceptor(
        self,
        before_signing: Optional[Callable[[Dict[str, Any]], None]] = None,
        after_attempt: Optional[Callable[[Dict[str, Any]], None]] = None,
        after_call: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> None:
        """Calls these for every request of this client, after the interceptors added before
        (beyond staxapp; the SDK's interceptors, see docs/library.md, "Interceptors").

        ``before_signing(request)`` gets ``{"operation", "attempt", "method", "url",
        "headers", "body"}`` before each attempt is signed: what it leaves in ``headers`` (a
        dict) and ``body`` (bytes) is sent. ``after_attempt(attempt)`` gets ``{"operation",
        "attempt", "status", "headers", "body", "request_id", "error", "retry"}`` after each
        attempt; ``after_call(outcome)`` gets ``{"operation", "attempts", "status",
        "request_id", "error"}`` once. An exception raised by one ends the call and is raised
        from it."""
        for name, hook in (
            ("before_signing", before_signing),
            ("after_attempt", after_attempt),
            ("after_call", after_call),
        ):
            if hook is not None and not callable(hook):
                raise ValidationException(f"{name} must be callable, not {hook!r}")
        self._core.add_interceptor(before_signing, after_attempt, after_call)

    def wait_for_task(
        self,
        task_id: str,
        timeout: float = 900.0,
        interval: float = 1.0,
        max_interval: float = 10.0,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Dict[str, Any]:
        """Reads the task (``tasks.ReadTask``) until it is ``SUCCEEDED`` and returns the last
        answer; raises ``TaskFailedException`` when it ends ``FAILED`` and
        ``TaskTimeoutException`` after ``timeout`` seconds. Pauses start at ``interval`` and
        grow by half up to ``max_interval``; ``on_progress(task)`` sees every answer."""
        if not isinstance(task_id, str) or not task_id:
            raise ValidationException(f"task_id must be a non-empty str, not {task_id!r}")
        return self._core.wait_for_task(
            task_id,
            _seconds("timeout", timeout),
            _seconds("interval", interval),
            _seconds("max_interval", max_interval),
            on_progress,
        )

    def wait_for_response(self, response: Dict[str, Any], **options: Any) -> Dict[str, Any]:
        """``wait_for_task`` for the ``TaskId`` of a mutation's answer (top level, under
        ``Detail``, or under ``Detail.Message`` as networking answers name it)."""
        task_id = _core.task_id_of(response) if isinstance(response, dict) else None
        if not task_id:
            raise ValidationException("the response has no TaskId to wait for")
        return self.wait_for_task(task_id, **options)

    def pages(
        self,
        operation: str,
        page_size: int = 100,
        max_items: Optional[int] = None,
        starting_token: Optional[str] = None,
        **arguments: Any,
    ) -> Iterator[Dict[str, Any]]:
        """Every page of a list operation, ``page_size`` items each, from ``offset`` (default
        0) following ``Paging.NextOffset`` (``Paging.NextToken`` for permission sets). With
        ``max_items`` it stops after that many items; the iterator's ``next_token`` then says
        where the rest starts, and ``starting_token=`` resumes there (same operation and
        arguments)."""
        return self._core.pages(
            self.classname,
            _name(operation),
            _page_size(page_size),
            arguments,
            _max_items(max_items),
            _token(starting_token),
        )

    def items(
        self,
        operation: str,
        page_size: int = 100,
        list_key: Optional[str] = None,
        max_items: Optional[int] = None,
        starting_token: Optional[str] = None,
        **arguments: Any,
    ) -> Iterator[Any]:
        """Every item of a list operation across its pages: the elements of ``list_key``, or
        of the page's one list field (``Accounts`` for ``ReadAccounts``). ``max_items`` and
        ``starting_token`` as for ``pages``; ``next_token`` is exact to the item."""
        return self._core.items(
            self.classname,
            _name(operation),
            _page_size(page_size),
            list_key,
            arguments,
            _max_items(max_items),
            _token(starting_token),
        )


class _Operation:
    """One operation of a client: call it with keyword arguments."""

    __slots__ = ("_client", "_name")

    def __init__(self, client: StaxClient, name: str) -> None:
        self._client = client
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise ValidationException(
                f"{self._name} takes keyword arguments only (name=value), "
                f"not {len(args)} positional argument(s)"
            )
        return self._client._core.call(self._client.classname, self._name, kwargs)

    def __repr__(self) -> str:
        return f"<operation {self._client.classname}.{self._name}>"


def _name(operation: Any) -> str:
    if not isinstance(operation, str) or not operation:
        raise ValidationException(f"the operation must be a name such as 'ReadAccounts', not {operation!r}")
    return operation


_MAX_PAGE_SIZE = 2**31 - 1


def _page_size(page_size: Any) -> int:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= _MAX_PAGE_SIZE
    ):
        raise ValidationException(
            f"page_size must be an int from 1 to {_MAX_PAGE_SIZE}, not {page_size!r}"
        )
    return page_size


def _max_items(max_items: Any) -> Optional[int]:
    if max_items is None:
        return None
    if isinstance(max_items, bool) or not isinstance(max_items, int) or not 1 <= max_items < 2**63:
        raise ValidationException(f"max_items must be a positive int or None, not {max_items!r}")
    return max_items


def _token(token: Any) -> Optional[str]:
    if token is None or isinstance(token, str):
        return token
    raise ValidationException(
        f"starting_token must be a str (a next_token) or None, not {type(token).__name__}"
    )


def _seconds(name: str, value: Any) -> float:
    problem = ValidationException(f"{name} must be a number of seconds, 0 or more, not {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise problem
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        raise problem from None


__all__ = ["StaxClient"]
