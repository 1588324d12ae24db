"""CAM++ speaker embeddings (3D-Speaker's zh/en model) computed with numpy.

The network is the one in 3D-Speaker's ``speakerlab/models/campplus``: a 2-D convolutional
front end over the 80-band filterbank, then densely connected TDNN blocks whose outputs are
gated by context-aware masks, statistics pooling and a 192-dim embedding. Batch norms are
turned into per-channel scale and shift once at load time; inference is plain matrix products,
so no deep-learning framework is needed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray
_EPS = 1e-5
SEGMENT_FRAMES = 100  # frames per context segment in the CAM layers
BLOCKS = ((12, 1), (24, 2), (16, 2))  # (layers, dilation) of the three dense blocks
EMBEDDING_SIZE = 192
CHANNELS = 512  # frame-level features before pooling


def batch_norm(weights: dict[str, Array], prefix: str) -> tuple[Array, Array]:
    """An inference-time batch norm as per-channel ``(scale, shift)``."""
    mean = weights[f"{prefix}.running_mean"]
    inv = 1.0 / np.sqrt(weights[f"{prefix}.running_var"] + _EPS)
    gamma = weights.get(f"{prefix}.weight", np.ones_like(mean))
    beta = weights.get(f"{prefix}.bias", np.zeros_like(mean))
    return (gamma * inv).astype(np.float32), (beta - mean * gamma * inv).astype(np.float32)


@dataclass(frozen=True)
class _Norm:
    scale: Array
    shift: Array

    def __call__(self, x: Array, *, relu: bool = True) -> Array:
        shape = (1, -1) + (1,) * (x.ndim - 2)
        y = x * self.scale.reshape(shape) + self.shift.reshape(shape)
        return np.maximum(y, 0, out=y) if relu else y


class CamPlusPlus:
    """The forward pass of CAM++ over a batch of filterbank windows."""

    embedding_size = EMBEDDING_SIZE

    def __init__(self, state: dict[str, Array]) -> None:
        self._w = {k: v.astype(np.float32) for k, v in state.items() if v.dtype != np.int64}

    def _norm(self, prefix: str) -> _Norm:
        return _Norm(*batch_norm(self._w, prefix))

    def __call__(self, features: Array) -> Array:
        """``features`` (batch, frames, 80), mean-normalised log filterbank → (batch, 192)."""
        return pool(self._w, self.frames(features))

    def frames(self, features: Array) -> Array:
        """Frame-level features (batch, 512, frames / 2) before statistics pooling."""
        x = self._head(features.transpose(0, 2, 1)[:, None].astype(np.float32, copy=False))
        return self._xvector(x)

    # -- front end: 2-D residual convolutions over (frequency, time) --------------------------
    def _head(self, x: Array) -> Array:
        w = self._w
        x = self._norm("head.bn1")(_conv2d(x, w["head.conv1.weight"], stride=1))
        for layer in ("head.layer1", "head.layer2"):
            x = self._res_block(x, f"{layer}.0", stride=2)
            x = self._res_block(x, f"{layer}.1", stride=1)
        x = self._norm("head.bn2")(_conv2d(x, w["head.conv2.weight"], stride=2))
        batch, channels, bands, frames = x.shape
        return x.reshape(batch, channels * bands, frames)

    def _res_block(self, x: Array, prefix: str, *, stride: int) -> Array:
        w = self._w
        out = self._norm(f"{prefix}.bn1")(_conv2d(x, w[f"{prefix}.conv1.weight"], stride=stride))
        out = self._norm(f"{prefix}.bn2")(
            _conv2d(out, w[f"{prefix}.conv2.weight"], stride=1), relu=False
        )
        if f"{prefix}.shortcut.0.weight" in w:
            kernel = w[f"{prefix}.shortcut.0.weight"][:, :, 0, 0]
            short = np.einsum("oc,bcft->boft", kernel, x[:, :, ::stride], optimize=True)
            out += self._norm(f"{prefix}.shortcut.1")(short, relu=False)
        else:
            out += x
        return np.maximum(out, 0, out=out)

    # -- densely connected TDNN with context-aware masking ------------------------------------
    def _xvector(self, x: Array) -> Array:
        w = self._w
        x = _conv1d(x, w["xvector.tdnn.linear.weight"], stride=2, dilation=1)
        x = self._norm("xvector.tdnn.nonlinear.batchnorm")(x)
        for number, (layers, dilation) in enumerate(BLOCKS, 1):
            block = f"xvector.block{number}"
            # Preallocate the concatenation the dense block grows into.
            grown = np.empty((x.shape[0], x.shape[1] + layers * 32, x.shape[2]), np.float32)
            grown[:, : x.shape[1]] = x
            width = x.shape[1]
            for index in range(1, layers + 1):
                out = self._dense_layer(grown[:, :width], f"{block}.tdnnd{index}", dilation)
                grown[:, width : width + out.shape[1]] = out
                width += out.shape[1]
            transit = f"xvector.transit{number}"
            x = _pointwise(
                self._norm(f"{transit}.nonlinear.batchnorm")(grown), w[f"{transit}.linear.weight"]
            )
        return self._norm("xvector.out_nonlinear.batchnorm")(x)

    def _dense_layer(self, x: Array, prefix: str, dilation: int) -> Array:
        w = self._w
        h = _pointwise(
            self._norm(f"{prefix}.nonlinear1.batchnorm")(x), w[f"{prefix}.linear1.weight"]
        )
        h = self._norm(f"{prefix}.nonlinear2.batchnorm")(h)
        cam = f"{prefix}.cam_layer"
        local = _conv1d(h, w[f"{cam}.linear_local.weight"], stride=1, dilation=dilation)
        context = h.mean(axis=-1, keepdims=True) + _segment_means(h, SEGMENT_FRAMES)
        gate = _pointwise(context, w[f"{cam}.linear1.weight"], w[f"{cam}.linear1.bias"])
        gate = _pointwise(np.maximum(gate, 0), w[f"{cam}.linear2.weight"], w[f"{cam}.linear2.bias"])
        return local * (1.0 / (1.0 + np.exp(-gate)))


def pool(weights: dict[str, Array], frames: Array) -> Array:
    """Statistics pooling and the embedding layer: (batch, 512, frames) → (batch, 192)."""
    count = frames.shape[-1]
    mean = frames.mean(axis=-1)
    std = frames.std(axis=-1, ddof=1) if count > 1 else np.full_like(mean, 1e-2)
    pooled = np.concatenate([mean, std], axis=-1)
    embedding = pooled @ weights["xvector.dense.linear.weight"][:, :, 0].T
    scale, shift = batch_norm(weights, "xvector.dense.nonlinear.batchnorm")
    return (embedding * scale + shift).astype(np.float32)


def _pointwise(x: Array, weight: Array, bias: Array | None = None) -> Array:
    out = np.matmul(weight.reshape(weight.shape[0], -1), x)
    if bias is not None:
        out += bias[:, None]
    return out


def _conv1d(x: Array, weight: Array, *, stride: int, dilation: int) -> Array:
    """Same-padded 1-D convolution (odd kernel), as a sum of shifted matrix products."""
    batch, _channels, frames = x.shape
    out_channels, _, kernel = weight.shape
    pad = (kernel - 1) // 2 * dilation
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    out_frames = (frames + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1
    out = np.zeros((batch, out_channels, out_frames), np.float32)
    for k in range(kernel):
        start = k * dilation
        tap = padded[:, :, start : start + stride * (out_frames - 1) + 1 : stride]
        out += np.matmul(weight[:, :, k], tap)
    return out


def _conv2d(x: Array, weight: Array, *, stride: int) -> Array:
    """3×3 convolution, padding 1, stride on the frequency axis only."""
    batch, channels, bands, frames = x.shape
    out_channels = weight.shape[0]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out_bands = (bands - 1) // stride + 1
    out = np.zeros((batch, out_channels, out_bands * frames), np.float32)
    for i in range(3):
        rows = padded[:, :, i : i + stride * (out_bands - 1) + 1 : stride]
        for j in range(3):
            tap = np.ascontiguousarray(rows[:, :, :, j : j + frames])
            out += np.matmul(weight[:, :, i, j], tap.reshape(batch, channels, -1))
    return out.reshape(batch, out_channels, out_bands, frames)


def _segment_means(x: Array, length: int) -> Array:
    """Mean of each ``length``-frame segment (the last may be short), spread over its frames."""
    frames = x.shape[-1]
    count = -(-frames // length)
    padded = np.zeros((*x.shape[:-1], count * length), np.float32)
    padded[..., :frames] = x
    sums = padded.reshape(*x.shape[:-1], count, length).sum(axis=-1)
    sizes = np.minimum(length, frames - np.arange(count) * length).astype(np.float32)
    means = sums / sizes
    return np.repeat(means, length, axis=-1)[..., :frames]
