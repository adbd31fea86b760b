"""Settings: environment variables and the deployment file (``deployment.yaml``).

Deployment settings (emergency number, urgent advice line, default fever threshold, default
locale, operator chat, the guide's contact, log retention) come from the deployment file and
can each be overridden by an upper-case environment variable of the same name, e.g.
``EMERGENCY_NUMBER``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Deployment values that dialogs may use as placeholders and in conditions.
PLACEHOLDER_SETTINGS: tuple[str, ...] = (
    "emergency_number",
    "urgent_advice_number",
    "fever_threshold",
    "guide_contact",
)

DEFAULT_DEPLOYMENT_FILE = "deployment.yaml"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting and the fix."""


@dataclass(frozen=True, slots=True)
class Deployment:
    """Per-deployment facts: who to call, default threshold and language."""

    emergency_number: str = "999"
    urgent_advice_number: str = "111"
    fever_threshold: float = 38.0
    default_locale: str = "en"
    operator_chat: str = ""
    #: Who runs this copy of the guide and how to reach them about it (an e-mail address or a
    #: web page), shown in /about; empty: /about says to tell whoever shared the link.
    guide_contact: str = ""
    #: Where operators reach the review app (e.g. ``https://bot.example.org/review``): the
    #: operators' chat notice then links to its red-flag queue. Empty: it names the command.
    review_url: str = ""
    idle_resume_hours: float = 12.0
    #: Conversation logs older than this many days are purged once a day by the running bot
    #: (``neutroguide logs purge``); 0: kept until the person sends /forget.
    retention_days: float = 0.0
    #: IANA time zone the diary's dates and times are shown in.
    timezone: str = "UTC"
    #: The bot's Telegram username (without @), for deep links and posters.
    bot_username: str = ""

    def placeholders(self) -> dict[str, Any]:
        """The values dialogs may use, by placeholder name."""
        return {name: getattr(self, name) for name in PLACEHOLDER_SETTINGS}


#: The dialogs and catalogs installed with the package (in a checkout, links to the top-level
#: ``dialogs/`` and ``locales/``): the bot finds its content from any folder.
SHIPPED = Path(__file__).resolve().parent / "shipped"


def shipped(folder: str) -> Path:
    """The shipped ``folder`` (``dialogs`` or ``locales``), or ``folder`` in the current
    directory when the package has none (an install without its content)."""
    path = SHIPPED / folder
    return path if path.is_dir() else Path(folder)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment, resolved once at start-up."""

    database_url: str = "sqlite:///neutroguide.db"
    dialogs_dir: Path = field(default_factory=lambda: shipped("dialogs"))
    locales_dir: Path = field(default_factory=lambda: shipped("locales"))
    pseudonym_key: str | None = None
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8080
    deployment: Deployment = field(default_factory=Deployment)


def _coerce(name: str, raw: Any, default: Any) -> Any:
    if isinstance(default, bool):
        return str(raw).lower() in {"1", "true", "yes", "on"}
    if isinstance(default, float):
        try:
            return float(str(raw).replace(",", "."))
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    return str(raw)


def load_deployment(path: Path | None, env: Mapping[str, str]) -> Deployment:
    """Read the deployment file (if any), then apply upper-case environment overrides.

    Raises:
        ConfigError: the file is not a YAML mapping, names an unknown setting, or a value is
            malformed.
    """
    values: dict[str, Any] = {}
    if path is not None and path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected 'name: value' lines")
        values.update(data)
    defaults = Deployment()
    known = set(Deployment.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    for name in known:
        if name.upper() in env:
            values[name] = env[name.upper()]
    coerced = {n: _coerce(n, v, getattr(defaults, n)) for n, v in values.items()}
    retention = coerced.get("retention_days", defaults.retention_days)
    if not math.isfinite(retention) or retention < 0:
        raise ConfigError(
            f"retention_days must be a number of days (0: keep logs), got {retention!r}"
        )
    return Deployment(**coerced)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    deployment_file = Path(env.get("DEPLOYMENT_FILE", DEFAULT_DEPLOYMENT_FILE))
    try:
        port = int(env.get("PORT", "8080"))
    except ValueError:
        raise ConfigError(f"PORT must be a whole number, got {env.get('PORT')!r}") from None
    return Settings(
        database_url=env.get("DATABASE_URL") or "sqlite:///neutroguide.db",
        dialogs_dir=Path(env["DIALOGS_DIR"]) if env.get("DIALOGS_DIR") else shipped("dialogs"),
        locales_dir=Path(env["LOCALES_DIR"]) if env.get("LOCALES_DIR") else shipped("locales"),
        pseudonym_key=env.get("PSEUDONYM_KEY") or None,
        telegram_token=env.get("TELEGRAM_TOKEN") or None,
        telegram_api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/"),
        webhook_url=env.get("WEBHOOK_URL") or None,
        webhook_secret=env.get("WEBHOOK_SECRET") or None,
        port=port,
        deployment=load_deployment(deployment_file, env),
    )
