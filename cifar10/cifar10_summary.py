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

"""The model's TensorBoard summaries: one set of tags in every tower.

tf.summary.scalar and tf.summary.histogram put the current name scope in
front of a tag and make tags unique ('tower_0/conv1/weights_1'), so the
summaries here are written with the raw ops and tagged as on one device.
Histograms are computed with whole-tensor ops rather than TensorFlow's
one-value-at-a-time kernel, which took longer than the training step, and an
activation's sparsity is read off its histogram's count of zeros.

Summary of available functions:

 # Tags without the 'tower_N/' prefix.
 tower_scalar_summary('total_loss', loss)
 tower_histogram_summary('conv1/weights', kernel)
 # 'conv1/conv1/activations' (histogram) and 'conv1/conv1/sparsity'.
 tower_activation_summary('conv1/conv1', conv1)

 # The serialized Summary of tf.summary.histogram, built faster.
 histogram_summary(tag, values)
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import re

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.core.framework import summary_pb2

# The name scope of each model replica ("tower") of the multi-GPU trainer:
# tower_0, tower_1, ...
TOWER_NAME = 'tower'


def strip_tower_prefix(name):
  """`name` less any 'tower_N/' prefix."""
  return re.sub('%s_[0-9]*/' % TOWER_NAME, '', name)


def tower_scalar_summary(name, value):
  """Adds a scalar summary tagged `name` less any 'tower_N/' prefix.

  tf.summary.scalar would put the current name scope (tower_N/ in the
  multi-GPU trainer) back in front of the tag; the raw op takes the tag as
  given, so every tower reports under the single-device names.

  Args:
    name: str, the tag, possibly with a tower prefix.
    value: scalar Tensor.
  """
  tf.add_to_collection(tf.GraphKeys.SUMMARIES, tf.raw_ops.ScalarSummary(
      tags=strip_tower_prefix(name), values=value))


def tower_histogram_summary(name, values):
  """Adds a histogram summary tagged `name` less any 'tower_N/' prefix.

  Args:
    name: str, the tag, possibly with a tower prefix.
    values: Tensor of any shape.
  """
  tf.add_to_collection(tf.GraphKeys.SUMMARIES, histogram_summary(
      strip_tower_prefix(name), values))


def tower_activation_summary(name, x):
  """Adds the histogram `name`/activations and the scalar `name`/sparsity.

  The sparsity is tf.nn.zero_fraction(x), the same float32, counted by the
  histogram's own pass over the values instead of three more (as in
  zero_fraction, subnormal values count as zeros: TensorFlow's threads
  treat them as zero).

  Args:
    name: str, the layer's name, possibly with a tower prefix.
    x: float Tensor of any shape, the layer's activations.
  """
  name = strip_tower_prefix(name)
  summary, zeros = _histogram(name + '/activations', x)
  tf.add_to_collection(tf.GraphKeys.SUMMARIES, summary)
  with tf.name_scope('zero_fraction'):
    fraction = tf.cast(zeros, tf.float32) / tf.cast(tf.size(x), tf.float32)
  tower_scalar_summary(name + '/sparsity', fraction)


def _histogram_bucket_limits():
  """The bucket limits of TensorFlow's histogram summaries (float64 [1551]).

  0 and +-1e-12 * 1.1^k up to 1e20 (each limit the previous one times 1.1,
  as TensorFlow computes them), and +-DBL_MAX.
  """
  positive = []
  limit = 1.0e-12
  while limit < 1.0e20:
    positive.append(limit)
    limit *= 1.1
  positive.append(np.finfo(np.float64).max)
  positive = np.array(positive)
  return np.concatenate([-positive[::-1], [0.0], positive])


# A histogram's float32 values are sorted into buckets by table lookup on
# their top 13 bits (sign, exponent, 4 bits of mantissa): the values of one
# such cell span less than 6.25 %, and the buckets are 10 % wide, so each cell
# holds at most one bucket limit. Its low 19 bits, the key, then say on which
# side of that limit a value lies.
_HISTOGRAM_CELL_SHIFT = 19
_HISTOGRAM_KEY_MASK = (1 << _HISTOGRAM_CELL_SHIFT) - 1
# A table entry is, in effect, (bin << 20) + (2**20 - first key of the next
# bin): adding a value's key carries into the next bin exactly when the key
# reaches that first key (2**19 where the cell holds no limit: never). The
# entry also has the cell's own bits (cell << 19) taken off, modulo 2**32, so
# that the sum can be taken with the value's whole bit pattern as a uint32:
# (table[cell] + bits) >> 20 is its bin, with no key to cut out.
_HISTOGRAM_BIN_SHIFT = 20
# Negative values grow as their key falls, and so they are counted mirrored,
# in bin _HISTOGRAM_BINS - 1 - bucket, which grows with the key; folding the
# upper half of the bins back onto the lower adds them to their buckets.
_HISTOGRAM_BINS = 4096
# Zeros and subnormals (all of cells 0-15 and their negatives) have a bin of
# their own, past the buckets, whose count is also the sparsity's.
_HISTOGRAM_ZERO_BIN = _HISTOGRAM_BINS // 2 - 1


def _histogram_tables():
  """The lookup table of bins and the bins of each of the L = 1551 buckets
  (_histogram_bucket_limits(); L is below _HISTOGRAM_BINS / 2).

  Returns:
    table: uint32 [8192] constant, per cell of float32 bit patterns (a
      value's top 13 bits), such that (table[cell] + bits) >> 20, in uint32
      arithmetic, is the value's bin: its bucket (how many limits are <= it)
      for a positive value, _HISTOGRAM_BINS - 1 - its bucket for a negative
      one, _HISTOGRAM_ZERO_BIN for zeros and subnormals.
    bucket_bins: int32 [L, 3] constant, the three bins whose counts add up
      to each bucket's: its positive bin, its mirrored negative bin, and the
      zeros' bin for the bucket [0, 1e-12) (an always empty bin for the
      others).
  """
  limits = _histogram_bucket_limits()
  cells = np.arange(2 ** (32 - _HISTOGRAM_CELL_SHIFT), dtype=np.uint64)
  first = (cells << _HISTOGRAM_CELL_SHIFT).astype(np.uint32).view(np.float32)
  last = (((cells + 1) << _HISTOGRAM_CELL_SHIFT) - 1).astype(
      np.uint32).view(np.float32)
  # TensorFlow's threads flush subnormal floats to zero, and so its
  # histogram kernel counts them as zeros; here so do their cells.
  zero = np.abs(last) < np.finfo(np.float32).tiny
  for ends in first, last:
    ends[np.abs(ends) < np.finfo(np.float32).tiny] = 0.0
  with np.errstate(invalid='ignore', over='ignore'):
    # Negative cells run from their largest value (key 0) to their smallest.
    low = np.fmin(first, last).astype(np.float64)
    high = np.fmax(first, last).astype(np.float64)
    low_bucket = np.searchsorted(limits, low, side='right').astype(np.int64)
    high_bucket = np.searchsorted(limits, high, side='right').astype(np.int64)
    inside = (high_bucket > low_bucket) & np.isfinite(low) & np.isfinite(high)
    limit = limits[low_bucket[inside]]
    # A float32 value v reaches a float64 limit iff v >= the limit rounded
    # up to float32.
    rounded = limit.astype(np.float32)
    below = rounded.astype(np.float64) < limit
    rounded[below] = np.nextafter(rounded[below], np.float32(np.inf))
  # The key where the bin changes: 2**19 (never) where the cell holds no
  # limit; the limit's own key in a positive cell; in a negative cell, the
  # key after the limit's (the values from there on are below it).
  change = np.full(cells.shape, _HISTOGRAM_KEY_MASK + 1, np.int64)
  key = rounded.view(np.uint32).astype(np.int64) & _HISTOGRAM_KEY_MASK
  change[inside] = np.where(rounded < 0, key + 1, key)
  negative = cells >= 2 ** (31 - _HISTOGRAM_CELL_SHIFT)
  # The bin of the cell's key 0: the bucket of its smallest value in a
  # positive cell; in a negative cell, that of its largest, mirrored.
  bin_at_0 = np.where(negative, _HISTOGRAM_BINS - 1 - high_bucket, low_bucket)
  bin_at_0[zero] = _HISTOGRAM_ZERO_BIN
  table = (bin_at_0 << _HISTOGRAM_BIN_SHIFT) + (
      (1 << _HISTOGRAM_BIN_SHIFT) - change) - (
          cells.astype(np.int64) << _HISTOGRAM_CELL_SHIFT)
  # The limits are symmetric about 0.0, the middle one; zeros are counted
  # in the bucket after it, [0, 1e-12). Bin _HISTOGRAM_BINS / 2 would be
  # bucket _HISTOGRAM_BINS / 2 - 1 mirrored, past the last: always empty.
  buckets = np.arange(limits.shape[0])
  zeros = np.where(buckets == limits.shape[0] // 2 + 1, _HISTOGRAM_ZERO_BIN,
                   _HISTOGRAM_BINS // 2)
  bucket_bins = np.stack([buckets, _HISTOGRAM_BINS - 1 - buckets, zeros], 1)
  return (tf.constant((table % 2 ** 32).astype(np.uint32),
                      name='bucket_table'),
          tf.constant(bucket_bins.astype(np.int32), name='bucket_bins'))


def histogram_summary(tag, values):
  """The serialized Summary of tf.summary.histogram, with multithreaded ops.

  TensorFlow's HistogramSummary kernel sorts the values into its buckets one
  at a time, on one core, by binary search: on the 4.7 million conv1
  activations of a batch it takes longer than the training step. Here the
  same buckets are found by table lookup, as whole-tensor ops that use every
  core, and the counts are written into the same Summary protocol buffer:
  the same tag, min, max, num and bucket counts (sum and sum_squares are
  float64 sums in another order, equal to about 1e-15). Values that float32
  does not hold exactly (float64, and 32- and 64-bit integers, which the
  kernel reads as float64) are bucketed by binary search on all cores.

  Args:
    tag: str, the summary's tag.
    values: Tensor of any shape, of a real dtype (as the kernel's), with no
      NaN or infinity: the step then fails with 'Nan in summary histogram
      for: <tag>' or 'Infinity in summary histogram for: <tag>', as
      tf.summary.histogram fails with the op's name.

  Returns:
    scalar string Tensor, a serialized Summary with one histogram value.

  Raises:
    TypeError: if the values are not real numbers (bool, complex, string),
      which TensorFlow's kernel does not take either.
  """
  return _histogram(tag, values)[0]


# Exact in float32, as the table lookup needs: TensorFlow's kernel reads
# every value as a float64, which holds these unchanged after a float32 too.
_FLOAT32_EXACT = (tf.float32, tf.float16, tf.bfloat16, tf.int8, tf.uint8,
                  tf.int16, tf.uint16)


def _histogram(tag, values):
  """histogram_summary(tag, values), and how many of the values are zero.

  The histogram itself is one call of _histogram_value (or, for values
  float32 does not hold, _histogram_value64), a graph function every
  histogram of every graph shares. As ops of their own, a trainer's 25
  histograms were two thirds of its graph, took it seconds to build, and as
  much again to optimize at its first summary step. The function also says
  whether a value is NaN or infinite, checked here so that the message
  names the tag.

  Returns:
    summary: scalar string Tensor, as histogram_summary.
    zeros: int32 scalar Tensor, the number of values that are zero (or
      float32 subnormal, for the values float32 holds exactly).
  """
  values = tf.convert_to_tensor(values)
  dtype = values.dtype.base_dtype
  if dtype.is_quantized or not (dtype.is_floating or dtype.is_integer):
    raise TypeError('histogram_summary(%r): %s values; a histogram takes '
                    'real numbers.' % (tag, dtype.name))
  with tf.name_scope('histogram_summary'):
    exact = dtype in _FLOAT32_EXACT
    v = tf.reshape(tf.cast(values, tf.float32 if exact else tf.float64), [-1])
    # On the CPU, as TensorFlow's histogram kernel: EncodeProto has no GPU
    # kernel, and the call runs as one function on one device.
    with tf.device('/cpu:0'):
      value, zeros, nan, inf = (_histogram_value if exact else
                                _histogram_value64)(v)
    # nan is NaN if a value is, inf infinite if one is and none is NaN; both
    # are 0 otherwise. The step fails on either, naming the tag.
    checks = [
        tf.debugging.check_numerics(nan, 'Nan in summary histogram for: %s'
                                    % tag),
        tf.debugging.check_numerics(
            inf, 'Infinity in summary histogram for: %s' % tag)]
    # A serialized message followed by another is the two merged: the tag's
    # field (encoded here, once) and the function's histo field make the
    # Summary.Value that encode_proto would write with both.
    tag_field = summary_pb2.Summary.Value(tag=tag).SerializeToString()
    with tf.control_dependencies(checks):
      summary = tf.reshape(tf.io.encode_proto(
          sizes=[[1]], values=[tf.strings.join([tag_field, value])],
          field_names=['value'], message_type='tensorflow.Summary'), [])
  return summary, zeros


def _encode_histogram(counts, minimum, maximum, v64, sum_squares):
  """The serialized Summary.Value (no tag) of a histogram, as TensorFlow's
  kernel writes it.

  Args:
    counts: float64 [L], the count of each bucket.
    minimum, maximum: float64 scalars, those of the values.
    v64: float64 [N], the values.
    sum_squares: float64 scalar, the sum of their squares.

  Returns:
    string [1, 1].
  """
  limits = tf.constant(_histogram_bucket_limits(), name='limits')
  # TensorFlow's kernel starts from min DBL_MAX and max -DBL_MAX, and that
  # is what it writes for no values (reduce_min and reduce_max give +-inf).
  largest = np.finfo(np.float64).max
  # As TensorFlow writes them: each non-empty bucket, and each run of empty
  # ones as its last bucket (the last bucket is always written).
  keep = tf.where(tf.concat([counts[:-1] + counts[1:], [1.0]], 0) > 0)
  kept_limits = tf.gather_nd(limits, keep)
  fields = [('min', tf.minimum(minimum, largest)),
            ('max', tf.maximum(maximum, -largest)),
            ('num', tf.cast(tf.size(v64), tf.float64)),
            ('sum', tf.reduce_sum(v64)),
            ('sum_squares', sum_squares),
            ('bucket_limit', kept_limits),
            ('bucket', tf.gather_nd(counts, keep))]
  histo = tf.io.encode_proto(
      sizes=[[1] * 5 + [tf.size(kept_limits)] * 2],
      values=[tf.reshape(value, [1, -1]) for _, value in fields],
      field_names=[name for name, _ in fields],
      message_type='tensorflow.HistogramProto')
  value = tf.io.encode_proto(sizes=[[1]], values=[[histo]],
                             field_names=['histo'],
                             message_type='tensorflow.Summary.Value')
  return tf.reshape(value, [1, 1])


def _nonfinite(has_nan, has_inf):
  """(nan, inf): float64 scalars, NaN if has_nan, infinite if has_inf and
  not has_nan; 0 otherwise."""
  zero = tf.constant(0.0, tf.float64)
  return (tf.where(has_nan, tf.constant(np.nan, tf.float64), zero),
          tf.where(has_inf & ~has_nan, tf.constant(np.inf, tf.float64), zero))


# Not inlined: the function is optimized once per process at its first call
# rather than 25 times over, as part of the graph, at every start.
@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)],
             autograph=False, experimental_attributes={'_noinline': True})
def _histogram_value(v):
  """A serialized Summary.Value with the histogram of `v` (and no tag), the
  count of zeros among the values, and whether one is NaN or infinite.

  Args:
    v: float32 [N], the values.

  Returns:
    value: string [1, 1], the serialized Summary.Value.
    zeros: int32 scalar, how many of the values are zero or subnormal.
    nan, inf: float64 scalars, as _nonfinite's.
  """
  table, bucket_bins = _histogram_tables()
  bits = tf.bitcast(v, tf.uint32)
  # The cell is < 2**13: the same bits as an int32.
  cell = tf.bitcast(tf.bitwise.right_shift(bits, _HISTOGRAM_CELL_SHIFT),
                    tf.int32)
  # gather_nd looks up single values faster than gather (measured).
  bins = tf.bitwise.right_shift(tf.gather_nd(table, cell[:, None]) + bits,
                                _HISTOGRAM_BIN_SHIFT)
  # The bins are < _HISTOGRAM_BINS by construction: the raw op, without
  # tf.math.bincount's checks of its input.
  both = tf.raw_ops.DenseBincount(
      input=tf.bitcast(bins, tf.int32), size=_HISTOGRAM_BINS,
      weights=np.zeros([0], np.int32))
  counts = tf.cast(tf.reduce_sum(tf.gather(both, bucket_bins), axis=1),
                   tf.float64)
  v64 = tf.cast(v, tf.float64)
  # One pass, with no tensor of squares: exactly twice l2_loss. The squares
  # of float32 values cannot overflow a float64 sum: it is NaN if and only
  # if a value is NaN, else infinite if and only if a value is. That spares
  # two passes over the values.
  sum_squares = 2.0 * tf.nn.l2_loss(v64)
  nan, inf = _nonfinite(tf.math.is_nan(sum_squares),
                        tf.math.is_inf(sum_squares))
  value = _encode_histogram(counts, tf.cast(tf.reduce_min(v), tf.float64),
                            tf.cast(tf.reduce_max(v), tf.float64), v64,
                            sum_squares)
  return value, both[_HISTOGRAM_ZERO_BIN], nan, inf


@tf.function(input_signature=[tf.TensorSpec([None], tf.float64)],
             autograph=False, experimental_attributes={'_noinline': True})
def _histogram_value64(v64):
  """_histogram_value for values float32 does not hold: float64, and 32-
  and 64-bit integers (a float32 cast moved them across bucket limits,
  changed their min, max and sums, and made those above float32's range
  infinite). Each value's bucket is the number of limits at or below it, by
  binary search, as in TensorFlow's kernel.

  Args:
    v64: float64 [N], the values.

  Returns:
    As _histogram_value's, but zeros counts the values equal to zero only.
  """
  limits = _histogram_bucket_limits()
  bucket = tf.searchsorted(tf.constant(limits[None, :]), v64[None, :],
                           side='right', out_type=tf.int32)[0]
  # DBL_MAX itself is past the last limit's bucket: counted in it.
  bucket = tf.minimum(bucket, len(limits) - 1)
  counts = tf.cast(tf.raw_ops.DenseBincount(
      input=bucket, size=len(limits), weights=np.zeros([0], np.int32)),
                   tf.float64)
  nan, inf = _nonfinite(tf.reduce_any(tf.math.is_nan(v64)),
                        tf.reduce_any(tf.math.is_inf(v64)))
  value = _encode_histogram(counts, tf.reduce_min(v64), tf.reduce_max(v64),
                            v64, tf.reduce_sum(tf.square(v64)))
  zeros = tf.reduce_sum(tf.cast(tf.equal(v64, 0.0), tf.int32))
  return value, zeros, nan, inf
