# Copyright 2026 The cifar10 tutorial package authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================

"""Local response normalization (norm1, norm2), fast on CPUs.

TensorFlow's CPU kernel for the gradient of tf.nn.lrn loops over every
element and its window; lrn() computes the same values with matrix products
where that matters, and is tf.nn.lrn elsewhere.

Summary of available functions:

 # tf.nn.lrn(x, LRN_DEPTH_RADIUS, LRN_BIAS, LRN_ALPHA, LRN_BETA, name)
 norm1 = lrn(pool1, name='norm1')
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import numpy as np
import tensorflow.compat.v1 as tf

# norm1 and norm2: local response normalization over a window of
# 2 * LRN_DEPTH_RADIUS + 1 = 9 channels, as in AlexNet (alpha is the
# original's 0.001 per 9 channels).
LRN_DEPTH_RADIUS = 4
LRN_BIAS = 1.0
LRN_ALPHA = 0.001 / 9.0
LRN_BETA = 0.75


def _window_sum(x, band, bias=None):
  """Sums x over each channel's LRN window, times the band's weight.

  Args:
    x: [batch, height, width, depth] float32 Tensor.
    band: [depth, depth] float32 matrix, nonzero (the weight) where two
      channels are at most LRN_DEPTH_RADIUS apart.
    bias: float, added to every sum (in the same op as the matmul), or None.

  Returns:
    float32 Tensor of x's shape.
  """
  # [batch, height, width, depth] -> [batch * height * width, depth]: one
  # matmul sums every window.
  flat = tf.matmul(tf.reshape(x, [-1, int(band.shape[0])]), band)
  if bias is not None:
    # Fused into the matmul by TensorFlow's graph optimizer (oneDNN).
    flat = tf.nn.bias_add(flat, tf.fill([int(band.shape[1])], bias))
  return tf.reshape(flat, tf.shape(x))


def lrn(x, name):
  """tf.nn.lrn(x, LRN_DEPTH_RADIUS, LRN_BIAS, LRN_ALPHA, LRN_BETA, name).

  TensorFlow's CPU kernel for the gradient of LRN loops over every element
  and its window; it took 14 % of a training step's op time. On machines
  without a GPU, float32 LRN is therefore computed here with the same formula,
    y = x * n^-beta,  n = bias + alpha * (sum of x^2 over the window),
  and its gradient in closed form (the window is symmetric):
    dx = dy * n^-beta - 2 * alpha * beta * x * (sum of dy * y / n over it),
  both with one matmul per window sum, which also applies the constant
  factors (and adds the bias). The values equal tf.nn.lrn's to float32
  rounding; the training step measured 1.09-1.22x faster on a 2-core CPU.
  In bfloat16 (--mixed_precision on a CPU) the same is computed in float32
  between two casts: the CPU's bfloat16 element-wise ops convert to float32
  and back at every op, and the profile showed LRN's dozen of them taking
  longer in bfloat16 than in float32. GPUs (cuDNN) and float16 keep
  tf.nn.lrn.

  Args:
    x: [batch, height, width, depth] float32, bfloat16 or float16 Tensor.
    name: name of the result (norm1, norm2).

  Returns:
    Tensor of x's shape and dtype.
  """
  if x.dtype == tf.bfloat16:
    with tf.name_scope(name) as scope:
      return tf.cast(lrn(tf.cast(x, tf.float32), 'float32'), tf.bfloat16,
                     name=scope)
  if x.dtype != tf.float32 or tf.config.list_physical_devices('GPU'):
    return tf.nn.lrn(x, LRN_DEPTH_RADIUS, bias=LRN_BIAS, alpha=LRN_ALPHA,
                     beta=LRN_BETA, name=name)
  channel = np.arange(int(x.shape[-1]))
  band = np.abs(channel[:, None] - channel[None, :]) <= LRN_DEPTH_RADIUS

  @tf.custom_gradient
  def banded_lrn(features):
    # The constant factors ride in the band matrices and the bias in the
    # matmul, which saves three passes over the activations.
    n = _window_sum(tf.square(features),
                    tf.constant(LRN_ALPHA * band, tf.float32), LRN_BIAS)
    # n^-0.75 from square roots: cheaper than pow.
    n_pow = (tf.math.rsqrt(n) * tf.math.rsqrt(tf.sqrt(n))
             if LRN_BETA == 0.75 else tf.pow(n, -LRN_BETA))
    y = features * n_pow

    def grad(dy):
      return dy * n_pow - features * _window_sum(
          dy * y / n, tf.constant(2.0 * LRN_ALPHA * LRN_BETA * band,
                                  tf.float32))
    return y, grad

  with tf.name_scope(name) as scope:
    return tf.identity(banded_lrn(x), name=scope)
