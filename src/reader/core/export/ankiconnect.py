"""Pushing the vocabulary into a running Anki through the AnkiConnect add-on.

Only a local Anki by default (127.0.0.1, ::1, localhost; `allow_remote` for another
machine); no redirects; a reply at most `MAX_REPLY_BYTES`. Notes are found again by their
headword, so pushing after an edit updates the note instead of adding a second one.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.core.errors import ReaderError
from reader.core.export.anki import (
    CSS,
    DEFAULT_DECK_NAME,
    FIELD_NAMES,
    MODEL_NAME,
    READ_TEMPLATE,
    RECALL_TEMPLATE,
    NoteData,
    build_notes,
)
from reader.core.files import too_deep
from reader.core.learner.records import VocabItem
from reader.core.text.controls import clean_field

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator


DEFAULT_ANKICONNECT_URL = "http://127.0.0.1:8765"
ANKICONNECT_VERSION = 6
# Our requests get short answers (a list of deck names, a note id); a reply larger than this
# is not AnkiConnect, and is not read on.
MAX_REPLY_BYTES = 16 << 20


class AnkiConnectError(ReaderError):
    """AnkiConnect answered with an error, or could not be reached."""


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx code


class AnkiConnect:
    """A minimal AnkiConnect (API version 6) client over HTTP, standard library only.

    Only loopback addresses are accepted unless `allow_remote` is set: the API can delete
    a whole collection, so talking to another machine must be an explicit choice.
    """

    def __init__(
        self, url: str = DEFAULT_ANKICONNECT_URL, *, allow_remote: bool = False, timeout: float = 15
    ) -> None:
        not_an_address = ReaderError(
            f"not an AnkiConnect address: {url!r} (like {DEFAULT_ANKICONNECT_URL})"
        )
        if any(char.isspace() or not char.isprintable() for char in url):
            raise not_an_address
        try:
            parsed = urllib.parse.urlparse(url)
            parsed.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError:  # e.g. "http://[::1" (an IPv6 address not closed)
            raise not_an_address from None
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise not_an_address
        loopback = _is_loopback(parsed.hostname)
        if not allow_remote and not loopback:
            raise ReaderError(
                f"{parsed.hostname} is not this machine; AnkiConnect is only used on loopback "
                "unless you pass --allow-remote"
            )
        self.url = url
        self.timeout = timeout
        # Requests go exactly where the user said: never through an environment proxy to a
        # loopback address (the vocabulary would leave the machine), never after a redirect.
        proxies = urllib.request.ProxyHandler({} if loopback else None)
        self._opener = urllib.request.build_opener(proxies, _NoRedirects())

    def invoke(self, action: str, **params: Any) -> Any:
        body = json.dumps({"action": action, "version": ANKICONNECT_VERSION, "params": params})
        request = urllib.request.Request(
            self.url,
            data=body.encode("utf-8"),
            # AnkiConnect (and anki-connect-server) ignore requests without this header.
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        not_ankiconnect = AnkiConnectError(f"{self.url} does not answer like AnkiConnect")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_REPLY_BYTES + 1)
            if len(body) > MAX_REPLY_BYTES:
                raise AnkiConnectError(
                    f"{self.url} answered {action} with more than "
                    f"{MAX_REPLY_BYTES >> 20} MB; that is not AnkiConnect"
                )
            text = body.decode("utf-8")
            if too_deep(text):
                raise not_ankiconnect
            answer = json.loads(text)
        except urllib.error.HTTPError as error:
            raise AnkiConnectError(
                f"AnkiConnect at {self.url} answered HTTP {error.code} to {action}"
            ) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise AnkiConnectError(
                f"Anki is not running, or AnkiConnect is not installed: nothing answers at "
                f"{self.url} ({reason}). Start Anki with the AnkiConnect add-on and try again"
            ) from None
        except (ValueError, http.client.HTTPException):
            # Not UTF-8, not JSON, a malformed reply or URL (all ValueErrors but the second).
            raise not_ankiconnect from None
        if not isinstance(answer, dict) or "error" not in answer or "result" not in answer:
            raise AnkiConnectError(f"{self.url} does not answer like AnkiConnect (API 6)")
        if answer["error"] is not None:
            refusal = clean_field(str(answer["error"]))[:300]
            raise AnkiConnectError(f"AnkiConnect refused {action}: {refusal}")
        return answer["result"]

    def invoke_expecting(
        self, kind: type[Any], item: type[Any] | None, action: str, **params: Any
    ) -> Any:
        """`invoke`, refusing an answer that is not a `kind` (of `item`s, for a list)."""
        result = self.invoke(action, **params)
        valid = isinstance(result, kind) and not isinstance(result, bool)
        if valid and item is not None:
            valid = all(isinstance(value, item) and not isinstance(value, bool) for value in result)
        if not valid:
            expected = kind.__name__ + (f" of {item.__name__}" if item is not None else "")
            raise AnkiConnectError(
                f"{self.url} answered {action} with {type(result).__name__}, not a {expected}: "
                "that is not AnkiConnect as reader knows it"
            )
        return result


@dataclass(frozen=True, slots=True)
class PushResult:
    added: int
    updated: int
    model_created: bool
    deck_created: bool


def _quote_search(text: str) -> str:
    # Anki search syntax: inside double quotes, escape \ and " ; * and _ are wildcards.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("*", "\\*").replace("_", "\\_")


def headword_query(note: NoteData) -> str:
    return (
        f'"note:{_quote_search(MODEL_NAME)}" '
        f'"{FIELD_NAMES[0]}:{_quote_search(note.fields.traditional)}"'
    )


def ensure_model(client: AnkiConnect) -> bool:
    """Create our note type in Anki if it is missing; True if it was created."""
    if MODEL_NAME in client.invoke_expecting(list, str, "modelNames"):
        return False
    client.invoke(
        "createModel",
        modelName=MODEL_NAME,
        inOrderFields=list(FIELD_NAMES),
        css=CSS,
        isCloze=False,
        cardTemplates=[
            {"Name": template["name"], "Front": template["qfmt"], "Back": template["afmt"]}
            for template in (READ_TEMPLATE, RECALL_TEMPLATE)
        ],
    )
    return True


def push_to_anki(
    items: Sequence[VocabItem],
    client: AnkiConnect,
    *,
    deck_name: str = DEFAULT_DECK_NAME,
    annotator: Annotator | None = None,
) -> PushResult:
    """Add new notes and update existing ones (found by headword) in a running Anki."""
    version = client.invoke_expecting(int, None, "version")
    if version < ANKICONNECT_VERSION:
        raise AnkiConnectError(
            f"AnkiConnect at {client.url} speaks API {version}; version "
            f"{ANKICONNECT_VERSION} or newer is needed (update the add-on)"
        )
    # Build every note before changing anything in Anki, so a failure leaves Anki as it was.
    notes = build_notes(items, annotator)
    model_created = ensure_model(client)
    deck_created = False
    if deck_name not in client.invoke_expecting(list, str, "deckNames"):
        client.invoke("createDeck", deck=deck_name)
        deck_created = True
    added = updated = 0
    for note in notes:
        fields = note.fields.as_dict()
        found = client.invoke_expecting(list, int, "findNotes", query=headword_query(note))
        if found:
            for note_id in found:
                client.invoke("updateNoteFields", note={"id": note_id, "fields": fields})
                client.invoke("updateNoteTags", note=note_id, tags=list(note.tags))
            updated += 1
        else:
            client.invoke(
                "addNote",
                note={
                    "deckName": deck_name,
                    "modelName": MODEL_NAME,
                    "fields": fields,
                    "tags": list(note.tags),
                    "options": {"allowDuplicate": False, "duplicateScope": "collection"},
                },
            )
            added += 1
    return PushResult(added, updated, model_created, deck_created)
