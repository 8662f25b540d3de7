"""Checkpoints of resumable pushes (`graphkit push sparql`, `graphkit push neo4j`).

A push sends the compiled store in chunks, always in the same order. After each chunk the
server acknowledged, the checkpoint file records how many units (triples, or rows) are done,
so a push interrupted by a failure, a kill or a lost server continues where it stopped when it
is run again. The file is keyed by the target (kind, endpoint without credentials, graph) and
holds the store generation it was made from: a push from another generation (the data changed)
ignores it and starts over. A push that completes removes its checkpoint.

Checkpoints live in the store's folder (`.graphkit/stores/<key>/push/<target hash>.json`,
beside the generations, so a new generation does not delete them) and are written atomically
(write, fsync, rename): a kill leaves the previous checkpoint or the new one, never half of one.
Nothing secret goes in them: the endpoint is recorded without user or password.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PUSH_DIR = "push"
FORMAT = 1


def checkpoint_path(folder: str | os.PathLike, target: dict[str, Any]) -> Path:
    """The checkpoint file of `target` (a JSON-able description of where the push goes) in `folder`."""
    key = hashlib.sha256(json.dumps(target, sort_keys=True).encode()).hexdigest()[:20]
    return Path(folder) / PUSH_DIR / f"{target.get('kind', 'push')}-{key}.json"


@dataclass
class Checkpoint:
    """The acknowledged progress of one push target from one store generation.

    `path` None: no checkpoint (nothing is read or written; every push starts over).
    `done` counts the units the server acknowledged; `marker` identifies the last of them (the
    push checks it on resume, so a source that does not give the same order is caught);
    `state` holds whatever else the push needs to resume (its phase, counters).
    """

    path: Path | None
    target: dict[str, Any]
    generation: str
    done: int = 0
    marker: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    resumed: bool = False  # a matching checkpoint was found when loading

    @classmethod
    def load(cls, path: Path | None, target: dict[str, Any], generation: str) -> Checkpoint:
        """The checkpoint at `path` if it is for this target and generation, else a fresh one."""
        checkpoint = cls(path, target, generation)
        if path is None:
            return checkpoint
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return checkpoint  # none yet, or unreadable: start over
        if (not isinstance(data, dict) or data.get("format") != FORMAT or data.get("target") != target
                or data.get("generation") != generation or not isinstance(data.get("done"), int)
                or data["done"] < 0):
            return checkpoint
        checkpoint.done = data["done"]
        checkpoint.marker = data.get("marker")
        state = data.get("state")
        checkpoint.state = state if isinstance(state, dict) else {}
        checkpoint.resumed = checkpoint.done > 0
        return checkpoint

    def save(self, done: int, marker: str | None = None, **state: Any) -> None:
        """Record `done` acknowledged units (atomically; a no-op without a path)."""
        self.done, self.marker = done, marker
        self.state.update(state)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "target": self.target, "generation": self.generation, "done": done,
                "marker": marker, "state": self.state, "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def reset(self) -> None:
        """Start over: forget the progress (the file goes at the next save, or now)."""
        self.done, self.marker, self.state, self.resumed = 0, None, {}, False
        self.remove()

    def remove(self) -> None:
        if self.path is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
