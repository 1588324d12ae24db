"""Read a PyTorch ``state_dict`` file with numpy alone (no PyTorch in the install).

``torch.save`` writes a zip archive: ``<root>/data.pkl`` is a pickle whose tensors refer to raw
little-endian storages at ``<root>/data/<key>``. The unpickler below accepts only the handful of
globals a plain state dict uses, so a crafted file cannot run code.
"""

from __future__ import annotations

import collections
import pickle
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np

from yishi.errors import ModelError

_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "BoolStorage": np.bool_,
}


class _StateDictUnpickler(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], archive: zipfile.ZipFile, root: str) -> None:
        super().__init__(handle)
        self._archive = archive
        self._root = root
        self._storages: dict[str, np.ndarray] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) in {
            ("torch._utils", "_rebuild_tensor_v2"),
            ("torch._utils", "_rebuild_tensor"),
        }:
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return name
        raise pickle.UnpicklingError(f"unexpected global in a state dict: {module}.{name}")

    def persistent_load(self, pid: Any) -> np.ndarray:
        _tag, storage_type, key, _location, _numel = pid
        if key not in self._storages:
            raw = self._archive.read(f"{self._root}/data/{key}")
            self._storages[key] = np.frombuffer(raw, dtype=_DTYPES[storage_type])
        return self._storages[key]


def _rebuild_tensor(
    storage: np.ndarray, offset: int, size: tuple[int, ...], stride: tuple[int, ...], *_: Any
) -> np.ndarray:
    item = storage.itemsize
    if not size:
        return np.array(storage[offset])
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=tuple(s * item for s in stride), writeable=False
    )
    return np.ascontiguousarray(view)


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a ``torch.save``'d state dict, as numpy arrays."""
    try:
        with zipfile.ZipFile(path) as archive:
            pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
            if len(pickles) != 1:
                raise ModelError(f"不是 PyTorch 權重檔：{path.name}")
            root = pickles[0].rsplit("/", 1)[0]
            with archive.open(pickles[0]) as handle:
                state = _StateDictUnpickler(handle, archive, root).load()
    except (OSError, zipfile.BadZipFile, pickle.UnpicklingError, KeyError, ValueError) as exc:
        raise ModelError(f"無法讀取說話者模型權重：{path}", detail=repr(exc)) from exc
    if not isinstance(state, dict):
        raise ModelError(f"說話者模型權重格式不符：{path.name}")
    return {str(k): np.asarray(v) for k, v in state.items()}
