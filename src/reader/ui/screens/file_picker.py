"""A keyboard file picker: the folders and the texts reader can open, as a tree (Textual's
DirectoryTree), or a path typed. Dismissed with the file chosen, or None (Esc)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Footer, Input, Label

from reader.core.text.formats import READABLE_EXTENSIONS
from reader.ui.actions import ACTIONS


class TextTree(DirectoryTree):
    """Folders (hidden ones left out) and the files reader can open (by their extension)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.is_dir() or path.suffix.lower() in READABLE_EXTENSIONS)
        ]


class FilePicker(ModalScreen[Path | None]):
    """Arrows move, Enter opens a folder or chooses a file, Backspace goes up a folder; Tab
    goes to the path box (a path typed and Enter chooses it)."""

    SCOPE = "file_picker"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))

    DEFAULT_CSS = """
    FilePicker { align: center middle; }
    FilePicker > Vertical {
        width: 90%;
        max-width: 100;
        height: 85%;
        background: $panel;
        border: round $primary;
        padding: 0 1;
    }
    FilePicker Label { color: $text-muted; }
    FilePicker TextTree { height: 1fr; }
    """

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start.expanduser().resolve()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Open a text: text, Markdown, EPUB, HTML, subtitles. "
                "Enter opens · Backspace: parent folder · Tab: type a path"
            )
            yield Input(str(self.start) + "/", id="file-path")
            yield TextTree(self.start, id="file-tree")
        yield Footer()

    @property
    def text_tree(self) -> TextTree:
        return self.query_one(TextTree)

    def on_mount(self) -> None:
        self.text_tree.focus()

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    @on(DirectoryTree.DirectorySelected)
    def _folder_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#file-path", Input).value = str(event.path) + "/"

    @on(Input.Submitted, "#file-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if path.is_dir():
            self._show_folder(path)
        elif path.is_file():
            self.dismiss(path)
        else:
            self.notify(f"{path}: no such file or folder.", severity="warning")

    def _show_folder(self, folder: Path) -> None:
        folder = folder.resolve()
        self.text_tree.path = folder
        self.query_one("#file-path", Input).value = str(folder) + "/"
        self.text_tree.focus()

    def action_parent(self) -> None:
        self._show_folder(Path(self.text_tree.path).parent)

    def action_close(self) -> None:
        self.dismiss(None)
