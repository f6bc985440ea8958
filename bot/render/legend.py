"""The digest's legend: what listening and response rate mean, in words, with a link to
docs/metrics.md when the package names the repository it comes from."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import metadata
from urllib.parse import urlsplit

DISTRIBUTION = "ascolto"
METRICS_PATH = "docs/metrics.md"

# Project-URL labels that may name the repository, most specific first; "Homepage"
# counts only when it points to a git host, where a file has a known address.
_REPOSITORY_LABELS = ("repository", "source", "source code", "homepage")
# How each git host addresses a file on the default branch.
_FILE_PATHS = {
    "github.com": "blob/HEAD",
    "gitlab.com": "-/blob/HEAD",
    "codeberg.org": "src/branch/HEAD",
}

LEGEND = (
    "**Listening**: replies and reactions, as a share of all messages and reactions. "
    "**Questions answered**: questions that got a reply, a message in their thread, or a "
    "mention of the asker within 24 h."
)


def legend(metrics_url: str | None) -> str:
    """The legend line, with a link to the metrics page when its address is known."""
    if metrics_url is None:
        return LEGEND
    return f"{LEGEND} [What every number means]({metrics_url})"


def metrics_url_from(project_urls: Iterable[str]) -> str | None:
    """docs/metrics.md's address in the repository among ``Project-URL`` entries
    (``"Label, https://..."``), or None when none names a repository on a known git host."""
    found: dict[str, str] = {}
    for entry in project_urls:
        label, _, url = entry.partition(",")
        found.setdefault(label.strip().lower(), url.strip())
    for label in _REPOSITORY_LABELS:
        url = found.get(label, "")
        parts = urlsplit(url)
        host = parts.netloc.lower().removeprefix("www.")
        path = parts.path.strip("/").removesuffix(".git")
        if parts.scheme == "https" and host in _FILE_PATHS and path.count("/") >= 1:
            return f"https://{host}/{path}/{_FILE_PATHS[host]}/{METRICS_PATH}"
    return None


@functools.cache
def installed_metrics_url() -> str | None:
    """docs/metrics.md's address from the installed package's metadata, if it has one."""
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    return metrics_url_from(entries)
