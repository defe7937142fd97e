"""SGD and Adam against hand-computed steps; clipping by global norm (per seed) and by value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulations.nn.optim import SGD, Adam, clip_by_global_norm, clip_by_value, global_norm


def test_sgd_step_by_hand() -> None:
    param = np.array([[1.0, -2.0]])
    updates = SGD(lr=0.1).step([param], [np.array([[0.5, -4.0]])])
    assert np.allclose(param, [[0.95, -1.6]])
    assert np.allclose(updates[0], [[-0.05, 0.4]])


def test_adam_two_steps_by_hand() -> None:
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    param = np.array([[2.0]])
    adam = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    # Step 1, g = 3: m = 0.3, v = 0.009; m_hat = 3, v_hat = 9; update = -lr * 3 / (3 + eps).
    adam.step([param], [np.array([[3.0]])])
    expected = 2.0 - lr * 3 / (3 + eps)
    assert param[0, 0] == pytest.approx(expected, rel=1e-15)
    # Step 2, g = -1: m = 0.27 - 0.1 = 0.17, v = 0.008991 + 0.001 = 0.009991.
    adam.step([param], [np.array([[-1.0]])])
    m_hat = 0.17 / (1 - b1**2)
    v_hat = 0.009991 / (1 - b2**2)
    expected -= lr * m_hat / (math.sqrt(v_hat) + eps)
    assert param[0, 0] == pytest.approx(expected, rel=1e-12)


def test_adam_first_step_is_lr_times_sign() -> None:
    """Bias correction makes the first update lr * g / |g| for every entry, whatever the scale
    (up to eps = 1e-8 in the denominator)."""
    param = np.zeros((2, 3))
    grad = np.array([[0.01, -5.0, 300.0], [-2.0, 1.0, 1e3]])
    Adam(lr=0.001).step([param], [grad])
    assert np.allclose(param, -0.001 * np.sign(grad), rtol=1e-5)


def test_global_norm_is_per_seed_over_all_parameters() -> None:
    weights = np.zeros((2, 2, 2))
    weights[0, 0, 0], weights[1, 1, 1] = 3.0, 6.0
    bias = np.zeros((2, 2))
    bias[0, 1], bias[1, 0] = 4.0, 8.0
    assert np.allclose(global_norm([weights, bias]), [5.0, 10.0])


def test_clip_by_global_norm_caps_norm_and_keeps_direction() -> None:
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 5))]
    grads[0][0] *= 100.0  # seed 0 far above the cap
    grads[1][1] *= 10.0  # seed 1 above the cap
    grads[0][2] *= 0.01  # seed 2 below the cap
    grads[1][2] *= 0.01
    before = global_norm(grads)
    cap = 2.0
    assert before[0] > cap and before[1] > cap and before[2] < cap
    clipped, norms = clip_by_global_norm(grads, cap)
    assert np.array_equal(norms, before)
    after = global_norm(clipped)
    assert np.allclose(after[:2], cap) and after[2] == before[2]
    for seed in range(2):  # same direction: clipped = grad * (cap / norm) in every array
        for grad, clip in zip(grads, clipped, strict=True):
            assert np.allclose(clip[seed], grad[seed] * cap / before[seed])
    for grad, clip in zip(grads, clipped, strict=True):
        assert np.array_equal(clip[2], grad[2])


def test_clip_by_global_norm_leaves_overflowed_seed_unscaled() -> None:
    grads = [np.array([[np.inf, 1.0], [3.0, 4.0]])]
    with np.errstate(all="raise"):  # no warnings may escape
        clipped, norms = clip_by_global_norm(grads, 1.0)
    assert math.isinf(norms[0]) and norms[1] == 5.0
    assert np.array_equal(clipped[0][0], grads[0][0])
    assert np.allclose(clipped[0][1], [0.6, 0.8])


def test_clip_by_value_caps_entries() -> None:
    grads = [np.array([[-5.0, 0.2, 3.0]])]
    assert np.array_equal(clip_by_value(grads, 1.0)[0], [[-1.0, 0.2, 1.0]])


def test_bad_settings_are_errors() -> None:
    with pytest.raises(ValueError, match="learning rate"):
        SGD(lr=0.0)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm([np.ones((1, 2))], 0.0)
    with pytest.raises(ValueError, match="shape"):
        SGD(lr=0.1).step([np.ones((1, 2))], [np.ones((1, 3))])


def test_huge_but_finite_gradients_are_still_clipped() -> None:
    """Squares of 1e200 overflow; the norm must not, or clipping would let the step through."""
    grads = [np.array([[3e200, 0.0], [3.0, 0.0]]), np.array([[4e200], [4.0]])]
    with np.errstate(all="raise"):
        norms = global_norm(grads)
        clipped, _ = clip_by_global_norm(grads, 1.0)
    assert norms[0] == pytest.approx(5e200) and norms[1] == pytest.approx(5.0)
    assert np.allclose(global_norm(clipped), [1.0, 1.0])
    assert np.allclose(clipped[0][0], [0.6, 0.0]) and np.allclose(clipped[1][0], [0.8])
