"""``neutroguide i18n check``: what each catalog lacks or breaks, for translators and CI.

Errors (exit non-zero): a catalog that cannot be read, a translation whose ``{placeholders}``
differ from the English, a catalog without its ``X-Medical-Review`` header (``pybabel update``
drops it). Warnings: untranslated or fuzzy entries, safety-critical texts not
translated, texts over Telegram's 4,096 characters, button labels over 40, obsolete entries,
a catalog older than ``messages.pot``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot import placeholders
from bot.content.loader import MAX_LABEL, MAX_MESSAGE
from bot.i18n.extract import BUTTON_TAG, SAFETY_TAG
from bot.i18n.render import (
    REVIEW_HEADER,
    UNCHECKED_REVIEW,
    CatalogError,
    load_catalog,
    placeholder_names,
    placeholders_match,
)
from bot.i18n.workflow import TEMPLATE, locales_in, po_path


@dataclass(frozen=True, slots=True)
class Finding:
    """One entry with a problem: where it is and what is wrong."""

    line: int
    context: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: [{self.context}] {self.message}"


@dataclass
class LocaleReport:
    """The state of one locale's catalog."""

    locale: str
    path: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    not_in_catalog: int = 0
    #: translated but unusable (placeholder mismatch): the bot shows the English instead.
    broken_entries: int = 0
    review: str = ""
    broken: str | None = None
    placeholder_mismatches: list[Finding] = field(default_factory=list)
    too_long: list[Finding] = field(default_factory=list)
    long_labels: list[Finding] = field(default_factory=list)
    safety_untranslated: list[Finding] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """Share of entries the bot shows translated (not fuzzy, not broken), 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def percent_shown(self) -> str:
        """``percent`` for people: rounded down, so "100.0%" means every entry is done."""
        return f"{math.floor(self.percent * 10) / 10:.1f}%"

    @property
    def review_missing(self) -> str | None:
        """Why the review header is an error (``None`` when present)."""
        if self.broken is not None or self.review.strip():
            return None
        return (
            f"{self.path}: no {REVIEW_HEADER} header (`pybabel update` drops it); run "
            "`neutroguide i18n update` to restore it from git, or add the line "
            f'"{REVIEW_HEADER}: {UNCHECKED_REVIEW}\\n" to the header entry (msgid "")'
        )

    @property
    def errors(self) -> bool:
        """Whether this catalog must not ship as it is."""
        return (
            self.broken is not None
            or bool(self.placeholder_mismatches)
            or self.review_missing is not None
        )

    @property
    def complete(self) -> bool:
        """Every entry translated, none fuzzy, none missing, none broken."""
        return (
            not self.errors
            and self.translated == self.total
            and self.fuzzy == 0
            and self.not_in_catalog == 0
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        data = asdict(self)
        data["percent"] = math.floor(self.percent * 10) / 10
        data["complete"] = self.complete
        data["review_missing"] = self.review_missing
        return data


def _has_tag(msg: Message, tag: str) -> bool:
    return any(c.startswith(tag) for c in msg.auto_comments)


def _forms(msg: Message) -> list[str]:
    if isinstance(msg.string, str):
        return [msg.string]
    return [s or "" for s in (msg.string or ())]


def _ids(msg: Message) -> list[str]:
    return [msg.id] if isinstance(msg.id, str) else list(msg.id)


def _check_message(report: LocaleReport, msg: Message) -> None:
    context = msg.context or ""
    line = int(msg.lineno or 0)
    forms = _forms(msg)
    done = bool(forms) and all(f.strip() for f in forms)
    safety = _has_tag(msg, SAFETY_TAG)
    if msg.fuzzy:
        report.fuzzy += 1
    mismatches = len(report.placeholder_mismatches)
    source: set[str] = set()
    for msgid in _ids(msg):
        source |= placeholder_names(msgid) or set()
    plural = len(_ids(msg)) > 1
    for form in forms:
        if not form.strip():
            continue
        if not placeholders_match(source, form, plural):
            try:
                found = placeholders.names(form)
            except placeholders.PlaceholderError as exc:
                detail = f"{exc}: write {{name}} exactly as in the English"
            else:
                lost = sorted(source - found - ({"count"} if plural else set()))
                extra = sorted(found - source)
                parts = []
                if lost:
                    parts.append("lost " + ", ".join("{" + n + "}" for n in lost))
                if extra:
                    parts.append("unknown " + ", ".join("{" + n + "}" for n in extra))
                detail = " and ".join(parts)
            report.placeholder_mismatches.append(
                Finding(line, context, f"placeholder mismatch: {detail}")
            )
        if len(form) > MAX_MESSAGE:
            report.too_long.append(
                Finding(line, context, f"{len(form)} characters; Telegram allows {MAX_MESSAGE}")
            )
        if _has_tag(msg, BUTTON_TAG) and len(form) > MAX_LABEL:
            report.long_labels.append(
                Finding(line, context, f"button label is {len(form)} characters; max {MAX_LABEL}")
            )
    broken = len(report.placeholder_mismatches) > mismatches  # the bot shows English
    if done and not msg.fuzzy and broken:
        report.broken_entries += 1
    if done and not msg.fuzzy and not broken:
        report.translated += 1
    elif safety:
        why = "fuzzy (the English changed)" if msg.fuzzy else "not translated"
        if broken and not msg.fuzzy:
            why = "broken (placeholder mismatch)"
        report.safety_untranslated.append(
            Finding(line, context, f"safety-critical text is {why}; people see English")
        )


def check_catalog(path: Path, template: Catalog | None = None) -> LocaleReport:
    """Check one ``.po`` file (and, given the template, whether it is up to date)."""
    locale = path.parent.parent.name
    report = LocaleReport(locale, str(path))
    try:
        loaded = load_catalog(path, warn=False)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
    except CatalogError as exc:
        report.broken = str(exc)
        return report
    report.review = loaded.review
    keys = set()
    for msg in catalog:
        if not msg.id:
            continue
        keys.add((msg.context, _ids(msg)[0]))
        report.total += 1
        _check_message(report, msg)
    report.obsolete = len(catalog.obsolete)
    if template is not None:
        report.not_in_catalog = sum(
            1 for m in template if m.id and (m.context, _ids(m)[0]) not in keys
        )
    return report


def check_all(locales_dir: Path, locales: list[str] | None = None) -> list[LocaleReport]:
    """Check each locale's catalog below ``locales_dir`` against ``messages.pot`` if present."""
    template = None
    pot = locales_dir / TEMPLATE
    if pot.exists():
        with pot.open("rb") as fh:
            template = read_po(fh)
    chosen = locales or locales_in(locales_dir)
    return [check_catalog(po_path(locales_dir, loc), template) for loc in chosen]


def table(reports: list[LocaleReport], details: bool = False) -> str:
    """The human-readable summary, then each error (and each warning when ``details``)."""
    head = (
        f"{'locale':<7}{'done':>7}{'fuzzy':>7}{'missing':>9}{'ph.err':>8}{'>4096':>7}"
        f"{'label>40':>10}{'safety':>8}{'obsolete':>10}  review"
    )
    lines = [head, "-" * len(head)]
    for r in reports:
        if r.broken:
            lines.append(f"{r.locale:<7}BROKEN  {r.broken}")
            continue
        missing = r.total - r.translated - r.fuzzy - r.broken_entries + r.not_in_catalog
        lines.append(
            f"{r.locale:<7}{r.percent_shown:>7}{r.fuzzy:>7}{missing:>9}"
            f"{len(r.placeholder_mismatches):>8}{len(r.too_long):>7}{len(r.long_labels):>10}"
            f"{len(r.safety_untranslated):>8}{r.obsolete:>10}  {r.review or '(no review header)'}"
        )
    for r in reports:
        kinds = (
            ("error", r.placeholder_mismatches),
            ("warning", r.safety_untranslated),
            ("warning", r.too_long),
            ("warning", r.long_labels),
        )
        for kind, findings in kinds:
            if kind == "warning" and not details:
                continue
            for f in findings:
                lines.append(f"{r.path}:{f} ({kind})")
        if r.not_in_catalog and details:
            lines.append(
                f"{r.path}: {r.not_in_catalog} texts of messages.pot are not in this catalog; "
                "run `neutroguide i18n update` (warning)"
            )
        if r.broken:
            lines.append(f"{r.broken} (error)")
        if r.review_missing:
            lines.append(f"{r.review_missing} (error)")
    return "\n".join(lines)
