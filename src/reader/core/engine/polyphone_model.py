"""g2pM's polyphone model (a BiLSTM trained on the CPP corpus), run batched in NumPy.

It chooses among a character's candidate readings by ±12 characters of context where the
tables and the context rules leave a real choice (`reader.core.engine.pinyin`). Its weights
are exported from g2pM's wheel by tools/export_g2pm_weights.py into data/g2pm/ (Apache-2.0):
g2pM itself is not needed at run time, and nothing is unpickled.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

G2PM_DIR = Path(__file__).resolve().parent.parent / "data" / "g2pm"

_G2PM_BOS = "시"  # g2pM's sentence markers (its training used these characters)
_G2PM_EOS = "끝"
_G2PM_UNK = "<UNK>"
_BATCH = 512  # model queries per batch (rows are cheap; steps are what costs)


@dataclass(frozen=True, slots=True)
class ModelQuery:
    """One character for the model to decide: its context, where it is, what it may be."""

    text: str  # Simplified text around the character
    position: int  # the character's index in `text`
    candidates: tuple[str, ...]


class PolyphoneModel:
    """g2pM's one-layer BiLSTM (64-d embeddings, 2 x 32 hidden, two dense layers), batched.

    The forward and backward LSTMs run as one 64-unit recurrence over a block-diagonal matrix,
    and the embedding x input weights are folded into one table per direction at load time.
    """

    def __init__(self) -> None:
        if "numpy" not in sys.modules:
            # The matrices are tiny (64 x 256): BLAS worker threads only add hand-over cost,
            # and on a busy two-core machine they made the model three times slower.
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            os.environ.setdefault("OMP_NUM_THREADS", "1")
        import numpy as np

        # g2pM's weights and labels, exported from its wheel by tools/export_g2pm_weights.py
        # (Apache-2.0, see data/g2pm/LICENSE): g2pM itself is not needed at run time.
        labels = json.loads((G2PM_DIR / "labels.json").read_text(encoding="utf-8"))
        self._np = np
        self.char_ids: dict[str, int] = {char: i for i, char in enumerate(labels["chars"])}
        self.class_ids: dict[str, int] = {
            label.replace("u:", "v"): index for index, label in enumerate(labels["classes"])
        }
        with np.load(G2PM_DIR / "weights.npz", allow_pickle=False) as archive:
            weights = {name: archive[name] for name in archive.files}
        hidden = weights["lstm.weight_hh_l0"].shape[1]
        embeddings = weights["embedding.weight"].astype(np.float32)
        vocabulary = embeddings.shape[0]
        # Gate columns interleaved per direction: [i_f i_b | f_f f_b | g_f g_b | o_f o_b].
        self._inputs_forward = np.zeros((vocabulary, 8 * hidden), dtype=np.float32)
        self._inputs_backward = np.zeros((vocabulary, 8 * hidden), dtype=np.float32)
        self._recurrent = np.zeros((2 * hidden, 8 * hidden), dtype=np.float32)
        for direction, suffix, table in (
            (0, "", self._inputs_forward),
            (1, "_reverse", self._inputs_backward),
        ):
            projected = embeddings @ weights[f"lstm.weight_ih_l0{suffix}"].T
            projected += weights[f"lstm.bias_ih_l0{suffix}"] + weights[f"lstm.bias_hh_l0{suffix}"]
            recurrent = weights[f"lstm.weight_hh_l0{suffix}"]
            for gate in range(4):
                source = slice(gate * hidden, (gate + 1) * hidden)
                target = slice((2 * gate + direction) * hidden, (2 * gate + direction + 1) * hidden)
                table[:, target] = projected[:, source]
                rows = slice(direction * hidden, (direction + 1) * hidden)
                self._recurrent[rows, target] = recurrent[source].T
        # Halve the sigmoid gates' weights so one tanh serves all four gates (see the loop).
        for table in (self._inputs_forward, self._inputs_backward, self._recurrent):
            table[:, : 4 * hidden] *= 0.5
            table[:, 6 * hidden :] *= 0.5
        self._hidden = hidden
        self._dense_weight = weights["logit_layer.0.weight"].T.astype(np.float32)
        self._dense_bias = weights["logit_layer.0.bias"].astype(np.float32)
        self._out_weight = weights["logit_layer.2.weight"].T.astype(np.float32)
        self._out_bias = weights["logit_layer.2.bias"].astype(np.float32)

    def _encode(self, text: str) -> list[int]:
        unknown = self.char_ids[_G2PM_UNK]
        ids = [self.char_ids.get(char, unknown) for char in text]
        return [self.char_ids[_G2PM_BOS], *ids, self.char_ids[_G2PM_EOS]]

    def _target_states(
        self, sequences: list[list[int]], positions: list[int]
    ) -> npt.NDArray[np.float32]:
        """[rows, 2*hidden]: the forward and backward states at each row's position.

        The forward pass only needs the steps up to the position and the backward pass only
        those from the end back to it, so the loop stops at the longer of the two.
        """
        np = self._np
        rows = len(sequences)
        lengths = [len(sequence) for sequence in sequences]
        steps = max(max(p + 1, n - p) for p, n in zip(positions, lengths, strict=True))
        forward_ids = np.zeros((rows, steps), dtype=np.int64)
        backward_ids = np.zeros((rows, steps), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            forward_ids[row, : min(steps, len(sequence))] = sequence[:steps]
            backward_ids[row, : min(steps, len(sequence))] = sequence[::-1][:steps]
        inputs = self._inputs_forward[forward_ids] + self._inputs_backward[backward_ids]
        size = 2 * self._hidden
        # Every step's arrays are made once and written in place: for the few rows of one
        # paragraph, making arrays costs more than the arithmetic.
        state = np.zeros((rows, size), dtype=np.float32)
        cell = np.zeros_like(state)
        scratch = np.empty_like(state)
        gates = np.empty((rows, 4 * size), dtype=np.float32)
        sigmoid = np.empty_like(gates)
        input_gate, forget_gate = sigmoid[:, :size], sigmoid[:, size : 2 * size]
        output_gate, candidate = sigmoid[:, 3 * size :], gates[:, 2 * size : 3 * size]
        outputs = np.empty((rows, steps, size), dtype=np.float32)
        recurrent = self._recurrent
        for step in range(steps):
            np.matmul(state, recurrent, out=gates)
            gates += inputs[:, step]
            # One tanh for all four gates: sigmoid(x) = (1 + tanh(x / 2)) / 2, and the sigmoid
            # gates' weights were halved at load time.
            np.tanh(gates, out=gates)
            np.multiply(gates, 0.5, out=sigmoid)
            sigmoid += 0.5
            cell *= forget_gate
            np.multiply(input_gate, candidate, out=scratch)
            cell += scratch
            np.tanh(cell, out=scratch)
            np.multiply(output_gate, scratch, out=state)
            outputs[:, step] = state
        row_index = np.arange(rows)
        hidden = self._hidden
        forward = outputs[row_index, positions, :hidden]
        backward_steps = [n - 1 - p for p, n in zip(positions, lengths, strict=True)]
        backward = outputs[row_index, backward_steps, hidden:]
        return np.concatenate([forward, backward], axis=1)  # type: ignore[no-any-return]

    def choose(self, queries: Sequence[ModelQuery]) -> list[tuple[str, float]]:
        """For each query: the best of its candidates, and its probability among them."""
        np = self._np
        chosen: list[tuple[str, float]] = []
        for start in range(0, len(queries), _BATCH):
            batch = queries[start : start + _BATCH]
            sequences = [self._encode(query.text) for query in batch]
            positions = [query.position + 1 for query in batch]  # +1 for the BOS marker
            states = self._target_states(sequences, positions)
            dense = np.maximum(states @ self._dense_weight + self._dense_bias, 0.0)
            # Only the candidates' output columns are needed (a few of the 876 classes).
            columns = sorted(
                {
                    self.class_ids[c]
                    for query in batch
                    for c in query.candidates
                    if c in self.class_ids
                }
            )
            if not columns:
                chosen.extend((query.candidates[0], 0.0) for query in batch)
                continue
            logits = (dense @ self._out_weight[:, columns] + self._out_bias[columns]).tolist()
            column_of = {class_id: index for index, class_id in enumerate(columns)}
            chosen.extend(
                self._best(row, query.candidates, column_of)
                for row, query in zip(logits, batch, strict=True)
            )
        return chosen

    def _best(
        self, logits: list[float], candidates: tuple[str, ...], column_of: dict[int, int]
    ) -> tuple[str, float]:
        ids = self.class_ids
        scored = [(logits[column_of[ids[c]]], c) for c in candidates if c in ids]
        if not scored:
            return candidates[0], 0.0
        top = max(scored)[0]
        total = sum(math.exp(score - top) for score, _ in scored)
        best = max(scored)[1]
        return best, 1.0 / total
