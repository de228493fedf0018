"""``staxapp.config``'s ``Config``, ``StaxAPIRetryConfig`` and ``StaxAuthRetryConfig``.

As in staxapp, the settings are class attributes, used as they are at the moment a client is
created (``Config.access_key = ...``; ``Config.api_retry_config = StaxAPIRetryConfig`` after
setting that class's attributes), or given to one client through a ``Config`` instance::

    Config.hostname = "api.au1.staxapp.cloud"
    mine = Config(hostname=Config.hostname, access_key="...", secret_key="...")
    client = StaxClient("accounts", config=mine)   # frozen: later edits do not reach it

The environment is read as staxapp reads it: ``STAX_REGION`` and
``TOKEN_EXPIRY_THRESHOLD_IN_MINS`` at import, ``LOG_LEVEL`` at import (the root logger's
level, as staxapp sets it; only when the variable is set). Also, when a client is created:
``STAX_ACCESS_KEY`` / ``STAX_SECRET_KEY`` when ``Config`` has no key, ``STAX_ENDPOINT`` (a
full base such as ``http://127.0.0.1:8080``), ``AWS_ENDPOINT_URL`` and
``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` / ``AWS_ENDPOINT_URL_COGNITO_IDENTITY``,
``STAX_SCHEMA``, and a CA bundle from ``REQUESTS_CA_BUNDLE``, ``AWS_CA_BUNDLE`` or
``SSL_CERT_FILE`` (the first that is set).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: it costs a cold start milliseconds
    from typing import Any, Dict, Optional, Tuple

from staxapp_rs import __version__
from staxapp_rs.exceptions import ConfigException


def _installation(region: str) -> str:
    """``au1`` -> ``au1.staxapp.cloud``; full domains pass through."""
    region = region.strip().rstrip(".")
    return region if "." in region else f"{region.lower()}.staxapp.cloud"


def _endpoint_env() -> Optional[Tuple[str, str]]:
    """``STAX_ENDPOINT`` as (scheme, host[:port]); ``None`` when unset or not a URL. (Split by
    hand: ``urllib.parse`` would cost a cold start more than the rest of the package.)"""
    value = os.environ.get("STAX_ENDPOINT", "").strip()
    scheme, sep, rest = value.partition("://")
    netloc = rest.split("/", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or not netloc:
        return None
    return scheme.lower(), netloc


if os.environ.get("LOG_LEVEL"):
    import logging as _logging

    _logging.getLogger().setLevel(os.environ["LOG_LEVEL"].strip().upper())


class _Lazy:
    """A class attribute computed at its first read (``platform.platform()`` reads files)."""

    def __init__(self, compute: "Any") -> None:
        self._compute = compute
        self._value = None

    def __get__(self, instance: "Any", owner: "Any") -> str:
        if self._value is None:
            self._value = self._compute()
        return self._value


def _platform_name() -> str:
    import platform

    return platform.platform()


class StaxAuthRetryConfig:
    """Retry and refresh settings for signing in.

    max_attempts: int: attempts of each Cognito call
    token_expiry_threshold: int: minutes before expiry at which credentials are refreshed
    """

    max_attempts = 5
    # Env var kept for backwards compatibility (deprecated since staxapp 1.3.0).
    token_expiry_threshold = int(os.getenv("TOKEN_EXPIRY_THRESHOLD_IN_MINS", 1))

    def __init__(self, **settings: Any) -> None:
        _set_known(self, settings)


class StaxAPIRetryConfig:
    """Retry settings for API calls.

    max_attempts: int: retries after the first request (5: up to 6 requests)
    backoff_factor: float: exponential backoff factor, in seconds
    status_codes: Tuple[int]: statuses that are retried
    retry_methods: Tuple[str]: HTTP methods that are retried (POST is not, by default)
    """

    max_attempts = 5
    backoff_factor = 1.0
    status_codes = (429, 500, 502, 504)
    retry_methods = ("GET", "PUT", "DELETE", "OPTIONS")

    def __init__(self, **settings: Any) -> None:
        _set_known(self, settings)


def _set_known(target: Any, settings: Dict[str, Any]) -> None:
    for name, value in settings.items():
        if not hasattr(type(target), name):
            raise TypeError(f"{type(target).__name__} has no setting {name!r}")
        setattr(target, name, value)


class Config:
    """Stax SDK configuration: class attributes for every client, or an instance for one."""

    STAX_REGION = _installation(os.getenv("STAX_REGION", "au1.staxapp.cloud"))
    API_VERSION = "20190206"

    access_key: Optional[str] = None
    secret_key: Optional[str] = None
    hostname: str = _endpoint_env()[1] if _endpoint_env() else f"api.{STAX_REGION}"
    base_url: Optional[str] = None
    load_live_schema = True

    platform = _Lazy(_platform_name)
    python_version = "%d.%d.%d" % sys.version_info[:3]
    sdk_version = __version__

    api_auth_retry_config: Any = StaxAuthRetryConfig
    api_retry_config: Any = StaxAPIRetryConfig

    def __init__(
        self,
        hostname: Optional[str] = None,
        access_key: Optional[str] = None,
        secret_key: Optional[str] = None,
        api_auth_retry_config: Any = StaxAuthRetryConfig,
        api_retry_config: Any = StaxAPIRetryConfig,
    ) -> None:
        if hostname is not None:
            self.hostname = hostname
        self.access_key = access_key
        self.secret_key = secret_key
        self.api_auth_retry_config = api_auth_retry_config
        self.api_retry_config = api_retry_config

    def __repr__(self) -> str:
        secret = "<redacted>" if self.secret_key else None
        return (
            f"Config(hostname={self.hostname!r}, access_key={self.access_key!r}, "
            f"secret_key={secret!r})"
        )

    @classmethod
    def GetDefaultConfig(cls) -> "Config":
        """An instance with the class attributes as they are now."""
        return Config(
            cls.hostname,
            cls.access_key,
            cls.secret_key,
            api_auth_retry_config=cls.api_auth_retry_config,
            api_retry_config=cls.api_retry_config,
        )

    def init(self) -> None:
        """Kept for staxapp compatibility: settings are read when a client is created."""
        self.base_url = self.api_base_url()

    def api_base_url(self) -> str:
        """``https://<hostname>/20190206`` (or ``STAX_ENDPOINT``'s scheme for its host)."""
        return f"{_scheme(self.hostname)}://{self.hostname}/{self.API_VERSION}"

    @classmethod
    def schema_url(cls) -> str:
        """Where the OpenAPI document is served."""
        return f"{_scheme(cls.hostname)}://{cls.hostname}/{cls.API_VERSION}/public/oas3-document"

    def _settings(self) -> Dict[str, Any]:
        """The frozen settings of a client, checked, for the native module."""
        api = self.api_retry_config
        auth = self.api_auth_retry_config
        return {
            "endpoint": f"{_scheme(self.hostname)}://{_text('hostname', self.hostname)}",
            "access_key": _optional_text("access_key", self.access_key),
            "secret_key": _optional_text("secret_key", self.secret_key),
            "api_retries": _count("api_retry_config.max_attempts", api.max_attempts, 0, _U32),
            "backoff_factor": _number("api_retry_config.backoff_factor", api.backoff_factor),
            "status_codes": [
                _count("api_retry_config.status_codes", code, 100, 599)
                for code in _sequence("api_retry_config.status_codes", api.status_codes)
            ],
            "retry_methods": [
                _text("api_retry_config.retry_methods", method)
                for method in _sequence("api_retry_config.retry_methods", api.retry_methods)
            ],
            "auth_max_attempts": _count(
                "api_auth_retry_config.max_attempts", auth.max_attempts, 0, _U32
            ),
            "token_expiry_threshold": _number(
                "api_auth_retry_config.token_expiry_threshold", auth.token_expiry_threshold
            ),
            "ca_bundle": _ca_bundle(),
        }


def _scheme(hostname: Any) -> str:
    endpoint = _endpoint_env()
    if endpoint and endpoint[1] == hostname:
        return endpoint[0]
    return "https"


def _ca_bundle() -> Optional[str]:
    for name in ("REQUESTS_CA_BUNDLE", "AWS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigException(f"Config {name} must be a non-empty str, not {value!r}")
    return value.strip()


def _optional_text(name: str, value: Any) -> Optional[str]:
    return None if value is None else _text(name, value)


_U32 = 2**32 - 1


def _count(name: str, value: Any, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ConfigException(f"{name} must be an int from {least} to {most}, not {value!r}")
    return value


def _number(name: str, value: Any) -> float:
    problem = ConfigException(f"{name} must be a number, 0 or more, not {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise problem
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        raise problem from None


def _sequence(name: str, value: Any) -> Tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ConfigException(f"{name} must be a tuple or list, not {value!r}")
    return tuple(value)


__all__ = ["Config", "StaxAPIRetryConfig", "StaxAuthRetryConfig"]
