"""Export g2pM's polyphone model into src/reader/core/data/g2pm/, so g2pM is not needed at run
time (its wheel only carried these pickles; reader runs the model itself in NumPy).

    .venv/bin/pip install 'g2pM==0.1.2.5' && .venv/bin/python tools/export_g2pm_weights.py

Writes `weights.npz` (the 13 float32 arrays of `np_ckpt.pkl`, names and values unchanged),
`labels.json` (the characters and the reading classes in index order, from `char2idx.pkl`
and `class2idx.pkl`) and `LICENSE` (g2pM's Apache-2.0 licence, with the notice of where the
files come from). Re-running it gives the same files byte for byte.
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import g2pM
import numpy as np

SOURCE = Path(g2pM.__file__).resolve().parent
TARGET = Path(__file__).resolve().parent.parent / "src" / "reader" / "core" / "data" / "g2pm"
NOTICE = """\
The files in this folder are g2pM's polyphone model (https://github.com/kakaobrain/g2pM,
version 0.1.2.5, Copyright Kakao Brain), exported unchanged from the pickles of its wheel by
tools/export_g2pm_weights.py: weights.npz from np_ckpt.pkl, labels.json from char2idx.pkl
and class2idx.pkl. They are distributed under the Apache License 2.0, below.

"""


def _load(name: str) -> object:
    # Package data of the installed g2pM wheel (trusted): never user-supplied files.
    with open(SOURCE / name, "rb") as handle:
        return pickle.load(handle)


def _in_order(mapping: dict[str, int]) -> list[str]:
    ordered = sorted(mapping, key=mapping.__getitem__)
    assert [mapping[key] for key in ordered] == list(range(len(ordered)))
    return ordered


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    weights = _load("np_ckpt.pkl")
    assert isinstance(weights, dict)
    # A zip written with fixed timestamps, so the export is reproducible.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(weights):
            array = io.BytesIO()
            np.lib.format.write_array(array, np.asarray(weights[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, array.getvalue())
    (TARGET / "weights.npz").write_bytes(buffer.getvalue())
    chars = _load("char2idx.pkl")
    classes = _load("class2idx.pkl")
    assert isinstance(chars, dict) and isinstance(classes, dict)
    labels = {"chars": _in_order(chars), "classes": _in_order(classes)}
    (TARGET / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    licence = next(Path(g2pM.__file__).resolve().parent.parent.glob("g2pM-*.dist-info/LICENSE"))
    (TARGET / "LICENSE").write_text(NOTICE + licence.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
