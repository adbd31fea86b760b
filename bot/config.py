"""Settings: environment variables and the deployment file (``deployment.yaml``).

Deployment settings (emergency number, urgent advice line, default fever threshold, default
locale, operator chat, the guide's contact, log retention, the nurses' group and their hours)
come from the deployment file and can each be overridden by an upper-case environment variable
of the same name, e.g. ``EMERGENCY_NUMBER``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from bot.nurse.hours import OpeningHours

#: Deployment values that dialogs may use as placeholders and in conditions.
PLACEHOLDER_SETTINGS: tuple[str, ...] = (
    "emergency_number",
    "urgent_advice_number",
    "fever_threshold",
    "nurse_desk",
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
    #: "Ask a nurse": the Telegram supergroup (with topics) where the nurses read and answer
    #: questions, e.g. ``-1001234567890``; empty: no "Ask a nurse" on the menu.
    nurse_group: str = ""
    #: When the nurses answer (see :mod:`bot.nurse.hours`), as wall-clock time in
    #: ``timezone``.
    nurse_hours: str = "mon-fri 09:00-17:00"
    #: Dates the nurses do not answer on top of ``nurse_hours``: ``2026-12-24..2027-01-01,
    #: 2027-04-02`` (dates and ranges, comma-separated); empty: none.
    nurse_closed: str = ""
    #: Public holidays the nurses do not answer on: a country code, with the region after a
    #: hyphen (``GB-ENG``, ``DE-BY``, ``FR``, ``PL``, ``ES-MD``); empty: none.
    nurse_holidays: str = ""
    #: IANA time zone the diary's dates and times, and the nurses' hours, are in.
    timezone: str = "UTC"
    #: The bot's Telegram username (without @), for deep links and posters.
    bot_username: str = ""

    @property
    def nurse_desk(self) -> bool:
        """Whether "Ask a nurse" is offered (a nurses' group is set)."""
        return bool(self.nurse_group.strip())

    def opening_hours(self) -> OpeningHours:
        """The nurses' hours, closed dates and holidays, in ``timezone``.

        Raises:
            HoursError: a setting cannot be read (the message says what to write).
        """
        from bot.nurse.hours import OpeningHours

        return OpeningHours.parse(
            self.nurse_hours, self.timezone, self.nurse_closed, self.nurse_holidays
        )

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
    deployment = Deployment(**coerced)
    if deployment.nurse_desk:
        _check_nurse_desk(deployment)
    return deployment


def _check_nurse_desk(deployment: Deployment) -> None:
    from bot.nurse.hours import HoursError

    if not re.fullmatch(r"-100\d+", deployment.nurse_group.strip()):
        raise ConfigError(
            f"nurse_group must be the id of a Telegram supergroup (it starts with -100, "
            f"e.g. -1001234567890), got {deployment.nurse_group!r}"
        )
    try:
        deployment.opening_hours()
    except HoursError as exc:
        raise ConfigError(
            f"nurse_hours / nurse_closed / nurse_holidays / timezone: {exc}"
        ) from None


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
