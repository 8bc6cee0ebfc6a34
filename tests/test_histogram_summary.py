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
"""cifar10.histogram_summary writes what TensorFlow's histogram kernel does.

The summary steps' histograms are computed with whole-tensor ops instead of
TensorFlow's one-value-at-a-time kernel; TensorBoard must see the same
protocol buffer: tag, min, max, num, bucket limits and counts exactly, the
float64 sums to rounding.
"""

import re

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.core.framework import summary_pb2

from cifar10 import cifar10_app
from cifar10 import cifar10_summary


def _edge_values():
  """Values on, just below and just above every bucket limit within float32
  range, the first and last value of each 13-bit cell of bit patterns that
  the lookup table is indexed by, zeros of both signs, subnormals and the
  largest floats."""
  limits = cifar10_summary._histogram_bucket_limits()  # pylint: disable=protected-access
  on = limits[np.abs(limits) < 3e38].astype(np.float32)
  cells = np.arange(2 ** 13, dtype=np.uint64) << 19
  ends = np.concatenate([cells, cells + (1 << 19) - 1]).astype(
      np.uint32).view(np.float32)
  return np.concatenate([
      on, np.nextafter(on, np.float32(-np.inf)),
      np.nextafter(on, np.float32(np.inf)), ends[np.isfinite(ends)],
      np.array([0.0, -0.0, 1e-45, -1e-45, 1e-40, -1e-40, 3.4e38, -3.4e38],
               np.float32)])


def _both(values, dtype=tf.float32):
  with tf.Graph().as_default():
    x = tf.constant(values, dtype)
    ours = cifar10_summary.histogram_summary('layer/activations', x)
    theirs = tf.raw_ops.HistogramSummary(tag='layer/activations', values=x)
    ours, theirs = tf.Session().run([ours, theirs])
  return (summary_pb2.Summary.FromString(ours),
          summary_pb2.Summary.FromString(theirs))


def _bit_patterns():
  """Every 4099th float32 bit pattern that is finite: a million values
  spread over every cell of the table, inside as well as at its ends."""
  values = np.arange(0, 2 ** 32, 4099, dtype=np.uint64).astype(
      np.uint32).view(np.float32)
  return values[np.isfinite(values)]


@pytest.mark.parametrize('name', ['relu_activations', 'weights', 'edges',
                                  'bit_patterns', 'constant', 'one_value',
                                  'empty', 'empty_2d', 'scalar',
                                  'constant_negative'])
def test_same_summary_as_tensorflow(name):
  rng = np.random.RandomState(0)
  values = {
      'relu_activations': np.maximum(rng.randn(64, 24, 24, 8), 0) * 3,
      'weights': rng.randn(2304, 38) * 0.04,
      'edges': _edge_values(),
      'bit_patterns': _bit_patterns(),
      'constant': np.full([100], 0.1),
      'one_value': np.array([-7.5]),
      # No values: min DBL_MAX and max -DBL_MAX, as the kernel writes them
      # (they were +inf and -inf).
      'empty': np.zeros([0]),
      'empty_2d': np.zeros([3, 0]),
      'scalar': np.array(2.5),
      'constant_negative': np.full([1000], -1e-12),
  }[name].astype(np.float32)
  _assert_same(values, tf.float32, exact_sums=name not in ('edges',
                                                           'bit_patterns'))


def _float64_edges():
  """The limits within +-1e20 and the float64 values next to them."""
  limits = cifar10_summary._histogram_bucket_limits()[1:-1]  # pylint: disable=protected-access
  return np.concatenate([limits, np.nextafter(limits, np.inf),
                         np.nextafter(limits, -np.inf)])


@pytest.mark.parametrize('name, dtype', [
    ('randn', tf.float64), ('edges', tf.float64),
    ('beyond_float32', tf.float64), ('extremes', tf.int32),
    ('extremes', tf.int64), ('extremes', tf.uint8), ('small', tf.int16),
    ('float16', tf.float16)])
def test_values_float32_does_not_hold(name, dtype):
  """The kernel reads every value as a float64: cast to float32 first,
  float64 values crossed bucket limits (1e-12 and its neighbour 1 ulp
  below were counted together), changed min and max (2**31 - 1 became
  2**31), lost sums, and those beyond float32's range failed as infinite."""
  rng = np.random.RandomState(0)
  info = np.iinfo(dtype.as_numpy_dtype) if dtype.is_integer else None
  values = {
      'randn': lambda: rng.randn(1000) * 1e3,
      'edges': _float64_edges,
      'beyond_float32': lambda: np.array([1e39, -3e300, 1.7e308, 5e-13]),
      'extremes': lambda: np.array([info.min, info.max, 0, 1, info.max - 1,
                                    2 ** 24 + 1 if info.bits > 24 else 7]),
      'small': lambda: np.arange(-300, 300),
      'float16': lambda: np.array([65504, -65504, 6e-8, -0.0, 1e-4, 3.14]),
  }[name]().astype(dtype.as_numpy_dtype)
  _assert_same(values, dtype, exact_sums=name != 'edges')


def _assert_same(values, dtype, exact_sums):
  """The package's summary is TensorFlow's: the sums to ~1e-12 if
  exact_sums (else they may cancel to a difference of roundings)."""
  ours, theirs = _both(values, dtype)
  assert len(ours.value) == len(theirs.value) == 1
  a, b = ours.value[0], theirs.value[0]
  assert a.tag == b.tag == 'layer/activations'
  assert a.WhichOneof('value') == b.WhichOneof('value') == 'histo'
  assert (a.histo.min, a.histo.max, a.histo.num) == (
      b.histo.min, b.histo.max, b.histo.num)
  assert list(a.histo.bucket_limit) == list(b.histo.bucket_limit)
  assert list(a.histo.bucket) == list(b.histo.bucket)
  # +-3.4e38 make any float64 sum order-dependent.
  if exact_sums:
    assert a.histo.sum == pytest.approx(b.histo.sum, rel=1e-12, abs=1e-30)
    assert a.histo.sum_squares == pytest.approx(b.histo.sum_squares,
                                                rel=1e-12)
  # Nothing else in the buffer.
  a.histo.sum = b.histo.sum
  a.histo.sum_squares = b.histo.sum_squares
  assert ours == theirs


def test_bfloat16_values():
  """--mixed_precision's activations: counted as their float32 values."""
  values = np.linspace(-3, 3, 1001).astype(np.float32)
  ours, theirs = _both(values, tf.bfloat16)
  ours.value[0].histo.sum = theirs.value[0].histo.sum
  ours.value[0].histo.sum_squares = theirs.value[0].histo.sum_squares
  assert ours == theirs


@pytest.mark.parametrize('bad, dtype, message', [
    ([np.nan], tf.float32, 'Nan'), ([np.inf], tf.float32, 'Infinity'),
    ([-np.inf], tf.float32, 'Infinity'),
    # Their float64 sum is NaN: the message said Nan.
    ([np.inf, -np.inf], tf.float32, 'Infinity'),
    ([np.inf, np.nan], tf.float32, 'Nan'), ([np.inf], tf.float16, 'Infinity'),
    ([np.nan], tf.bfloat16, 'Nan'), ([np.inf], tf.float64, 'Infinity'),
    ([np.nan], tf.float64, 'Nan')])
def test_nan_or_infinity_fails_the_step_naming_the_tag(bad, dtype, message):
  """As TensorFlow's kernel fails, which names the op where this names the
  tag. An infinity said 'Nan in summary histogram' with 'Tensor had Inf
  values' after it."""
  with tf.Graph().as_default():
    x = tf.constant([1.0] + bad + [2.0], dtype)
    summary = cifar10_summary.histogram_summary('conv1/weights', x)
    with pytest.raises(tf.errors.InvalidArgumentError) as error:
      tf.Session().run(summary)
  assert cifar10_app.error_gist(error.value).startswith(
      '%s in summary histogram for: conv1/weights : Tensor had ' % message)


def test_finite_float64_beyond_float32_is_no_error():
  """1e308 twice: its sum and sum of squares are infinite, as the kernel's
  are; the values are not (the NaN check took the float64 sum)."""
  ours, theirs = _both(np.array([1e308, 1e308, 1e200]), tf.float64)
  assert ours.value[0].histo.sum == theirs.value[0].histo.sum == np.inf
  assert ours == theirs


@pytest.mark.parametrize('dtype', [tf.bool, tf.complex64, tf.string])
def test_values_that_are_not_real_numbers_are_refused(dtype):
  """As TensorFlow's kernel refuses them (a bool was counted as 0 and 1,
  a complex number as its real part)."""
  with tf.Graph().as_default():
    with pytest.raises(TypeError, match=re.escape(
        "histogram_summary('conv1/weights'): %s values; a histogram takes "
        "real numbers." % dtype.name)):
      cifar10_summary.histogram_summary('conv1/weights',
                                        tf.zeros([3], dtype))


def test_one_histogram_function_per_graph_and_tower_tags():
  """Every histogram calls one graph function, which holds the lookup tables
  once: a trainer's 25 histograms add a few ops each to its graph."""
  with tf.Graph().as_default() as g:
    with tf.name_scope('tower_1'):
      cifar10_summary.tower_histogram_summary(
          'tower_1/conv1/conv1/activations',
          tf.zeros([4, 3]))
    ops_before = len(g.get_operations())
    cifar10_summary.tower_histogram_summary('conv1/weights', tf.ones([5]))
    assert len(g.get_operations()) - ops_before <= 13
    library = g.as_graph_def().library.function
    assert len(library) == 1
    assert '_histogram_value' in library[0].signature.name
    assert library[0].attr['_noinline'].b  # Optimized once, not per call.
    consts = sorted(n.name for n in library[0].node_def if n.op == 'Const'
                    and n.attr['value'].tensor.tensor_shape.dim
                    and n.attr['value'].tensor.tensor_shape.dim[0].size > 1000)
    assert consts == ['bucket_bins', 'bucket_table', 'limits']
    assert not [op for op in g.get_operations() if op.type == 'Const'
                and op.outputs[0].shape.num_elements() > 1000]
    calls = [op for op in g.get_operations() if op.type == 'PartitionedCall']
    assert len(calls) == 2
    serialized = tf.Session().run(tf.summary.merge_all())
  tags = [v.tag for v in summary_pb2.Summary.FromString(serialized).value]
  assert tags == ['conv1/conv1/activations', 'conv1/weights']


@pytest.mark.parametrize('dtype', [tf.float32, tf.bfloat16])
def test_activation_sparsity_is_zero_fraction(dtype):
  """tower_activation_summary: the histogram of tf.summary.histogram and the
  sparsity of tf.nn.zero_fraction, to the bit, with zeros of both signs and
  subnormals (zeros to TensorFlow's threads) among ReLU-like activations."""
  rng = np.random.RandomState(1)
  values = np.maximum(rng.randn(16, 12, 12, 64), 0).astype(np.float32)
  flat = values.reshape(-1)
  flat[rng.rand(flat.size) < 0.01] = -0.0
  flat[rng.rand(flat.size) < 0.01] = 1e-39
  flat[rng.rand(flat.size) < 0.01] = -3e-40
  flat[rng.rand(flat.size) < 0.01] = -2.5
  with tf.Graph().as_default() as g:
    # Fed, not constant: constant folding would divide exactly, where the
    # graph optimizer makes zero_fraction's division by the size, known
    # from the shape, a multiplication by its inverse (1 ulp apart).
    images = tf.placeholder(tf.float32, values.shape)
    x = tf.cast(images, dtype)
    with tf.name_scope('tower_1'):
      cifar10_summary.tower_activation_summary('tower_1/conv2/conv2', x)
    merged = tf.summary.merge_all()
    expected = [tf.raw_ops.HistogramSummary(tag='conv2/conv2/activations',
                                            values=x),
                tf.nn.zero_fraction(x)]
    ours, (theirs, fraction) = tf.Session(graph=g).run(
        [merged, expected], {images: values})
  ours = summary_pb2.Summary.FromString(ours)
  theirs = summary_pb2.Summary.FromString(theirs).value[0]
  assert [v.tag for v in ours.value] == ['conv2/conv2/activations',
                                         'conv2/conv2/sparsity']
  histo, sparsity = ours.value
  assert sparsity.simple_value == fraction
  # Zeros, subnormals and negative values are all there to be counted.
  assert 0.5 < fraction < 0.6 and theirs.histo.min == -2.5
  assert histo.histo.sum == pytest.approx(theirs.histo.sum, rel=1e-12)
  histo.histo.sum = theirs.histo.sum
  histo.histo.sum_squares = theirs.histo.sum_squares
  assert histo == theirs
