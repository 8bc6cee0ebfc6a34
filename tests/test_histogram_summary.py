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

import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from tensorflow.core.framework import summary_pb2

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
                                  'bit_patterns', 'constant', 'one_value'])
def test_same_summary_as_tensorflow(name):
  rng = np.random.RandomState(0)
  values = {
      'relu_activations': np.maximum(rng.randn(64, 24, 24, 8), 0) * 3,
      'weights': rng.randn(2304, 38) * 0.04,
      'edges': _edge_values(),
      'bit_patterns': _bit_patterns(),
      'constant': np.full([100], 0.1),
      'one_value': np.array([-7.5]),
  }[name].astype(np.float32)
  ours, theirs = _both(values)
  assert len(ours.value) == len(theirs.value) == 1
  a, b = ours.value[0], theirs.value[0]
  assert a.tag == b.tag == 'layer/activations'
  assert a.WhichOneof('value') == b.WhichOneof('value') == 'histo'
  assert (a.histo.min, a.histo.max, a.histo.num) == (
      b.histo.min, b.histo.max, b.histo.num)
  assert list(a.histo.bucket_limit) == list(b.histo.bucket_limit)
  assert list(a.histo.bucket) == list(b.histo.bucket)
  # +-3.4e38 make any float64 sum order-dependent.
  if name not in ('edges', 'bit_patterns'):
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


@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_fails_the_step_naming_the_tag(bad):
  with tf.Graph().as_default():
    x = tf.constant([1.0, bad, 2.0])
    summary = cifar10_summary.histogram_summary('conv1/weights', x)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match='Nan in summary histogram for: conv1/weights'):
      tf.Session().run(summary)


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
    assert len(g.get_operations()) - ops_before <= 15
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
