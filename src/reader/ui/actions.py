"""Every action of the app, written once (harlequin's actions.py): the one registry.

An `Action` has an id (what the config's `[keys]` table remaps), the scope it belongs to (a
screen's `SCOPE`; "app" for actions bound on every screen), the method it runs there (a
Textual action string: "next_paragraph", "set_status('new')", "app.undo" for the app's
own), a description, whether the footer shows it, and its default keys. From this table
come each screen's Textual bindings (`BINDINGS = ACTIONS.bindings(SCOPE)`), the command
palette's entries, the help screen's table of keys and the footer; `keymap_problems` checks
the learner's remaps against it (an unknown id, or two actions on one key, is named with
its line in the config file).

Nothing here imports Textual until bindings are made, so the config can be checked, and the
help written, without a screen. A new screen declares its actions in `ACTIONS` below (or, a
screen module that is optional, with `ACTIONS.register(...)` when it is imported); the undo
and help actions every screen has come from `undo_action` and `help_action`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding

    from reader.config import ConfigProblem, Settings

APP_SCOPE = "app"


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the learner can do, and the keys that do it by default."""

    id: str
    """Unique, "<scope>.<name>": the name the config's [keys] table remaps it by."""
    scope: str
    """Where it is bound: a screen's SCOPE, or "app" (every screen)."""
    method: str
    """The Textual action run there: "next_paragraph" (`action_next_paragraph`),
    "set_status('new')", or "app.<name>" for one of the app's."""
    description: str
    """What it does, in the footer, the palette and the help screen."""
    keys: str
    """Default keys, comma-separated, in Textual's names ("j,down", "question_mark")."""
    show: bool = False
    """Shown in the footer (a few per screen); the palette and help list every action."""
    key_display: str | None = None
    """How the footer shows the key, when not as Textual would ("⏎" for enter)."""
    aliases: tuple[str, ...] = ()
    """Former ids (a remap in a learner's config under an old id still works)."""


# Keys Textual binds on the app itself: a remap onto one of them hides it.
TEXTUAL_KEYS: Mapping[str, str] = {"ctrl+p": "the command palette", "ctrl+q": "Quit"}

# Names a learner knows from the keyboard, where Textual's display differs ("esc", "⏎").
_KEY_NAMES = {"escape": "Esc", "enter": "Enter", "space": "space", "tab": "Tab"}


def display_key(key: str) -> str:
    """One key as a learner would type it in the config: "question_mark" -> "?",
    "slash" -> "/", "shift+down" -> "shift+↓", "ctrl+p" -> "ctrl+p"."""
    from textual.keys import format_key

    *modifiers, name = key.strip().split("+")
    shown = _KEY_NAMES.get(name) or format_key(name)
    return "+".join([*modifiers, shown])


def display_keys(keys: str) -> str:
    """Keys as the help screen and the palette show them: "question_mark,f1" -> "?, f1"."""
    return ", ".join(display_key(key) for key in keys.split(",") if key.strip())


def normalise_keys(keys: str) -> list[str]:
    """Keys in Textual's names, as bindings compare them ("?" and "question_mark" are one)."""
    from textual.keys import _normalize_key_list

    return [key for key in _normalize_key_list(keys).split(",") if key]


class ActionRegistry:
    """Actions by id, in the order they were registered (the order help and palette use)."""

    def __init__(self, actions: Iterable[Action] = ()) -> None:
        self._actions: dict[str, Action] = {}
        self._aliases: dict[str, str] = {}
        self.register(*actions)

    def register(self, *actions: Action) -> None:
        """Add actions; an id (or alias) that is taken already is a programming error."""
        for action in actions:
            for name in (action.id, *action.aliases):
                if name in self._actions or name in self._aliases:
                    raise ValueError(f"the action id {name!r} is registered twice")
            self._actions[action.id] = action
            self._aliases.update(dict.fromkeys(action.aliases, action.id))

    def get(self, action_id: str) -> Action | None:
        """The action of an id or a former id; None if there is none."""
        return self._actions.get(self._aliases.get(action_id, action_id))

    def __getitem__(self, action_id: str) -> Action:
        action = self.get(action_id)
        if action is None:
            raise KeyError(action_id)
        return action

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions.values())

    def in_scope(self, scope: str) -> tuple[Action, ...]:
        """The actions bound on a screen of this scope (its own, then the app's)."""
        scopes = (scope,) if scope == APP_SCOPE else (scope, APP_SCOPE)
        return tuple(action for action in self._actions.values() if action.scope in scopes)

    def bindings(self, scope: str) -> list[Binding]:
        """The Textual bindings of a scope's own actions, with their default keys (the app's
        keymap, `keymap()`, puts the learner's keys in)."""
        from textual.binding import Binding

        return [
            Binding(
                action.keys,
                action.method,
                action.description,
                show=action.show,
                key_display=action.key_display,
                id=action.id,
            )
            for action in self._actions.values()
            if action.scope == scope
        ]

    def keymap(self, remaps: Iterable[tuple[str, str]]) -> dict[str, str]:
        """The learner's remaps by current id, for `App.set_keymap` (a former id counts as
        its action's; an unknown id is left out: `keymap_problems` names it)."""
        keymap: dict[str, str] = {}
        for action_id, keys in remaps:
            action = self.get(action_id)
            if action is not None and (action_id == action.id or action.id not in keymap):
                keymap[action.id] = keys
        return keymap

    def keys_of(self, action_id: str, keymap: Mapping[str, str]) -> str:
        """An action's keys now: the learner's remap, else its default keys."""
        action = self[action_id]
        return keymap.get(action.id, action.keys)

    def collisions(self, keymap: Mapping[str, str]) -> list[tuple[str, Action, str]]:
        """(key, action, what else has it) for every key two things in one scope share under
        `keymap` (current ids): the other is another action's id, or Textual's own key."""
        found: list[tuple[str, Action, str]] = []
        scopes = {action.scope for action in self._actions.values()}
        for scope in sorted(scopes):
            holders: dict[str, list[Action]] = {}
            for action in self.in_scope(scope):
                for key in normalise_keys(self.keys_of(action.id, keymap)):
                    holders.setdefault(key, []).append(action)
            for key, actions in holders.items():
                if key in TEXTUAL_KEYS:
                    found.extend((key, action, TEXTUAL_KEYS[key]) for action in actions)
                for first, second in pairwise(actions):
                    found.append((key, second, first.id))
        return found


def undo_action(scope: str, *, show: bool = False, aliases: tuple[str, ...] = ()) -> Action:
    """Undo, which every screen has: one method, the app's, which takes back the last change
    on the screen's `undo_stack` (`reader.ui.undo`)."""
    return Action(f"{scope}.undo", scope, "app.undo", "Undo", "u", show, aliases=aliases)


def help_action(scope: str, *, show: bool) -> Action:
    """Help, which every screen has: the app's method shows the screen's HELP_FILE and keys."""
    return Action(f"{scope}.help", scope, "app.help", "Help", "question_mark,f1", show, "?")


def _set_status(scope: str, label: str) -> list[Action]:
    descriptions = {
        "new": f"{label} new",
        "learning": f"{label} learning",
        "known": f"{label} known",
        "ignored": "Ignore word" if scope == "reading" else "Ignore",
    }
    return [
        Action(f"{scope}.status_{status}", scope, f"set_status('{status}')", text, str(number))
        for number, (status, text) in enumerate(descriptions.items(), start=1)
    ]


def screen_action(
    scope: str,
    name: str,
    description: str,
    keys: str,
    show: bool = False,
    key_display: str | None = None,
) -> Action:
    """The usual action: id "<scope>.<name>", running the screen's `action_<name>`."""
    return Action(f"{scope}.{name}", scope, name, description, keys, show, key_display)


def _reading_actions() -> list[Action]:
    reading = partial(screen_action, "reading")

    return [
        reading("next_paragraph", "Next paragraph", "j,down"),
        reading("previous_paragraph", "Previous paragraph", "k,up"),
        reading("first_paragraph", "First paragraph", "g,home"),
        reading("last_paragraph", "Last paragraph", "G,end"),
        reading("page_down", "Page down", "pagedown"),
        reading("page_up", "Page up", "pageup"),
        reading("next_word", "Next word", "l,right"),
        reading("previous_word", "Previous word", "h,left"),
        reading("gloss", "Gloss", "enter,space", True, "⏎"),
        reading("close", "Close panel", "escape"),
        reading("scroll_gloss_down", "Scroll the gloss panel down", "shift+down"),
        reading("scroll_gloss_up", "Scroll the gloss panel up", "shift+up"),
        reading("cycle_pinyin", "Pinyin", "p", True),
        reading("cycle_script", "Script", "s", True),
        reading("cycle_tone_colours", "Tone colours", "c"),
        reading("cycle_pinyin_style", "Marks/numbers/zhuyin", "t"),
        reading("toggle_full_tones", "Full tones / neutral tones", "T"),
        reading("toggle_tone_changes", "Tone changes (yí gè, bú shì)", "Y"),
        reading("toggle_view", "Focus", "f"),
        reading("split_word", "Split word", "x"),
        reading("join_word", "Join with next word", "m"),
        reading("rules", "Split/join rules", "R"),
        reading("save_word", "Save", "a", True),
        *_set_status("reading", "Mark word"),
        reading("forget_word", "Remove word from vocabulary", "0"),
        undo_action("reading", aliases=("reading.undo_forget",)),
        reading("mark_paragraph_known", "Mark the rest of the paragraph known", "K"),
        reading("vocabulary", "Words", "v", True),
        reading("learn_pre_reading", "Add the pre-reading list to learning", "L"),
        reading("study", "Study (review due words)", "r"),
        Action("reading.library", "reading", "app.library", "Library", "o"),
        reading("dictionary", "Dictionary", "d"),
        reading("contents", "Contents (chapters)", "i"),
        reading("search", "Search", "slash", True, "/"),
        reading("search_next", "Next match", "n"),
        reading("search_previous", "Previous match", "N"),
        help_action("reading", show=True),
        Action("reading.quit", "reading", "app.quit", "Quit", "q", show=True),
    ]


def _vocab_actions() -> list[Action]:
    vocab = partial(screen_action, "vocab")

    return [
        vocab("cursor_down", "Next word", "j"),
        vocab("cursor_up", "Previous word", "k"),
        vocab("search", "Search", "slash", True, "/"),
        vocab("cycle_filter", "Filter", "f", True),
        vocab("cycle_sort", "Sort", "o", True),
        vocab("toggle_this_text", "Only words from this text", "t"),
        vocab("edit_definition", "Edit", "e", True),
        *_set_status("vocab", "Mark"),
        vocab("delete", "Delete", "d,delete", True),
        undo_action("vocab"),
        vocab("jump", "Show in the text", "g"),
        vocab("export", "Export .apkg", "x", True),
        help_action("vocab", show=False),
        vocab("back", "Back", "escape,q", True, "q"),
        Action("vocab.edit.cancel", "vocab.edit", "cancel", "Cancel", "escape"),
    ]


def _study_actions() -> list[Action]:
    def study(name: str, method: str, description: str, keys: str) -> Action:
        display = "space" if name == "reveal" else None
        return Action(f"study.{name}", "study", method, description, keys, True, display)

    return [
        study("reveal", "reveal", "Show answer", "space,enter"),
        study("again", "grade(1)", "Again", "1"),
        study("hard", "grade(2)", "Hard", "2"),
        study("good", "grade(3)", "Good", "3"),
        study("easy", "grade(4)", "Easy", "4"),
        undo_action("study", show=True),
        study("toggle_recall", "toggle_recall", "Recall direction", "r"),
        help_action("study", show=True),
        study("quit", "quit", "Quit", "q,escape"),
    ]


def _rules_actions() -> list[Action]:
    rules = partial(screen_action, "rules")

    return [
        rules("cursor_down", "Next rule", "j,down"),
        rules("cursor_up", "Previous rule", "k,up"),
        rules("remove", "Remove rule", "d,delete", True),
        undo_action("rules", show=True),
        help_action("rules", show=False),
        rules("back", "Back", "escape,q", True, "q"),
    ]


def _library_actions() -> list[Action]:
    """The library, the dictionary and the table of contents (issue 16), and their dialogs."""
    library = partial(screen_action, "library")
    dictionary = partial(screen_action, "dictionary")
    return [
        library("open", "Open", "enter", True, "⏎"),
        library("remove", "Remove", "x,delete", True, "x"),
        library("open_file", "Open file…", "n", True),
        library("known_hsk", "I know HSK…", "K", True),
        undo_action("library", show=True),
        help_action("library", show=False),
        library("back", "Back", "escape,q", True, "q"),
        dictionary("focus_search", "Search", "slash", True, "/"),
        dictionary("save", "Save to vocabulary", "a", True),
        undo_action("dictionary"),
        help_action("dictionary", show=True),
        dictionary("back", "Back", "escape", True, "Esc"),
        screen_action("contents", "close", "Close", "escape,q,i"),
        screen_action("file_picker", "parent", "Parent folder", "backspace", True),
        screen_action("file_picker", "close", "Cancel", "escape", True, "Esc"),
        screen_action("known_levels", "switch_list", "2021 / 2025 list", "l,tab", True, "l"),
        screen_action("known_levels", "close", "Cancel", "escape,q", True, "Esc"),
    ]


ACTIONS = ActionRegistry(
    [
        *_reading_actions(),
        *_vocab_actions(),
        *_study_actions(),
        *_rules_actions(),
        *_library_actions(),
        Action("help.close", "help", "close", "Close help", "escape,q,question_mark,f1"),
    ]
)


def keymap_problems(
    settings: Settings, registry: ActionRegistry = ACTIONS, path: Path | None = None
) -> tuple[ConfigProblem, ...]:
    """What is wrong with the learner's [keys] table, each with its line: an id no action has
    (a typo would otherwise do nothing, silently), and a key given to two actions of one
    screen (or to one of Textual's own), which then does only one of them."""
    from reader import paths
    from reader.config import ConfigProblem, config_text, line_of

    if not settings.keys:
        return ()
    target = path or paths.config_file()
    text = config_text(target)
    problems: list[ConfigProblem] = []
    for action_id, _ in settings.keys:
        if registry.get(action_id) is None:
            message = f"no action has the id '{action_id}' (ignored; the help screen lists the ids)"
            problems.append(ConfigProblem(target, line_of(text, action_id, "keys"), message))
    keymap = registry.keymap(settings.keys)
    remapped_as = {
        registry[action_id].id: action_id
        for action_id, _ in settings.keys
        if registry.get(action_id) is not None
    }
    for key, action, other in registry.collisions(keymap):
        other_action = registry.get(other)
        # Said at the line of the remap that made the clash (either side's).
        remap = remapped_as.get(action.id) or (
            remapped_as.get(other_action.id) if other_action is not None else None
        )
        if remap is None:
            continue  # the defaults never clash (a test keeps it so)
        what = f"'{other}' ({other_action.description})" if other_action else other
        message = (
            f"'{display_keys(key)}' is the key of both '{action.id}' ({action.description}) "
            f"and {what}; only one of them can have it"
        )
        problems.append(ConfigProblem(target, line_of(text, remap, "keys"), message))
    return tuple(problems)


def scope_title(scope: str) -> str:
    """A scope as the help screen names it."""
    titles = {"reading": "Reading", "vocab": "Vocabulary", "study": "Study", "rules": "Rules"}
    return titles.get(scope, scope.capitalize())


def keys_table(actions: Sequence[Action], keymap: Mapping[str, str]) -> str:
    """A Markdown table of actions: their keys now, what they do, and the id to remap them."""
    rows = ["| Keys | Action | Binding id |", "|---|---|---|"]
    for action in actions:
        keys = display_keys(keymap.get(action.id, action.keys))
        rows.append(f"| `{keys}` | {action.description} | `{action.id}` |")
    return "\n".join(rows)
