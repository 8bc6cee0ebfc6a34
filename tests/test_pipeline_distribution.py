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
"""The training distortions keep the tutorial's distributions.

The pipeline crops and flips uint8 images before the shuffle queue and
applies brightness, contrast and standardization to whole batches after it.
These tests read each random choice back exactly from hand-built images:
crop offsets uniform over the 9 x 9 positions, flips at rate 1/2, contrast
factors uniform in [0.2, 1.8], each image standardized; the brightness
deltas are drawn uniform in [-63, 63] (standardization then cancels them);
the batch arithmetic is TensorFlow's image functions image by image; and the
evaluation images are unchanged bit for bit.

The graphs are seeded, so the statistical bounds (at p = 0.001) are checked
on fixed draws: the tests cannot flake.
"""

import os
from unittest import mock

import numpy as np
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_input

CROP_OFFSETS = 32 - 24 + 1  # 9 positions each way.


def _run(fetches, steps=1):
  """Runs fetches `steps` times with queue runners going."""
  with tf.Session() as sess:
    sess.run(tf.local_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
      return [sess.run(fetches) for _ in range(steps)]
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=5)


def _ks_uniform(samples, low, high):
  """Kolmogorov-Smirnov distance of samples from uniform on [low, high]."""
  x = np.sort((np.asarray(samples, np.float64) - low) / (high - low))
  n = len(x)
  return max(np.max(np.arange(1, n + 1) / n - x), np.max(x - np.arange(n) / n))


def _ks_bound(n):
  return 1.95 / np.sqrt(n)  # Critical value at p = 0.001.


# A hand-built image whose every pixel says where it came from: red is a
# function of the row, green of the column, both one-to-one, blue constant.
# The pipeline's brightness, contrast and standardization map each channel
# affinely, so the crop's rows and columns (and the flip) can be read back
# from any output image by fitting the red and green lines.
ROW_CODE = (np.arange(32) * 37) % 251   # Distinct values, not linear.
COLUMN_CODE = (np.arange(32) * 71 + 5) % 241


def _position_image():
  hwc = np.zeros([32, 32, 3], np.uint8)
  hwc[:, :, 0] = ROW_CODE[:, None]
  hwc[:, :, 1] = COLUMN_CODE[None, :]
  hwc[:, :, 2] = 200
  return hwc


def _write_train_files(directory, hwc, records_per_file):
  record = np.concatenate([[3], hwc.transpose(2, 0, 1).reshape(-1)])
  data = np.tile(record.astype(np.uint8), records_per_file).tobytes()
  for name in cifar10_input.TRAIN_FILES:
    with open(os.path.join(directory, name), 'wb') as f:
      f.write(data)


def _fit_offset(values, code, reverse=False):
  """The crop offset whose code values `values` are an affine image of."""
  best = None
  for offset in range(CROP_OFFSETS):
    source = code[offset:offset + 24].astype(np.float64)
    if reverse:
      source = source[::-1]
    design = np.stack([source, np.ones(24)], axis=1)
    fit, residual = np.linalg.lstsq(design, values, rcond=None)[:2]
    residual = residual[0] if residual.size else 0.0
    if fit[0] > 0 and (best is None or residual < best[1]):
      best = (offset, residual)
  return best


def test_crop_flip_and_standardization_through_the_real_pipeline(tmp_path):
  """distorted_inputs on hand-built files: each output image is a 24x24
  crop of the source, flipped or not, per-channel affinely distorted and
  standardized; offsets uniform over 9 x 9, flips at rate 1/2."""
  _write_train_files(str(tmp_path), _position_image(), 300)
  batches = 24
  with tf.Graph().as_default():
    tf.set_random_seed(7)
    with mock.patch.object(cifar10_input, 'MIN_FRACTION_OF_EXAMPLES_IN_QUEUE',
                           0.02):
      images, labels = cifar10_input.distorted_inputs(str(tmp_path), 128,
                                                      num_threads=2)
    assert images.dtype == tf.float32 and labels.dtype == tf.int32
    assert images.shape.as_list() == [128, 24, 24, 3]
    assert labels.shape.as_list() == [128]
    # The shuffle queue holds uint8 images (a quarter of float32's memory).
    queue_ops = [op for op in tf.get_default_graph().get_operations()
                 if op.type == 'RandomShuffleQueueV2']
    assert [op.get_attr('component_types') for op in queue_ops] == [
        [tf.uint8, tf.int32]]
    results = _run([images, labels], batches)
  batch = np.concatenate([r[0] for r in results])
  assert np.all(np.concatenate([r[1] for r in results]) == 3)
  n = len(batch)

  # Standardization: every image has mean 0 and standard deviation 1.
  np.testing.assert_allclose(batch.mean(axis=(1, 2, 3)), 0, atol=1e-4)
  np.testing.assert_allclose(batch.std(axis=(1, 2, 3)), 1, atol=1e-3)

  tops, lefts, flips = [], [], []
  for image in batch:
    # Red is constant along each row, green along each column, blue flat.
    assert np.ptp(image[:, :, 0], axis=1).max() < 1e-4
    assert np.ptp(image[:, :, 1], axis=0).max() < 1e-4
    assert np.ptp(image[:, :, 2]) < 1e-4
    top, residual = _fit_offset(image[:, 0, 0], ROW_CODE)
    assert residual < 1e-6
    tops.append(top)
    fits = [_fit_offset(image[0, :, 1], COLUMN_CODE, reverse)
            for reverse in (False, True)]
    flipped = int(fits[1][1] < fits[0][1])
    assert fits[flipped][1] < 1e-6
    lefts.append(fits[flipped][0])
    flips.append(flipped)

  counts = np.zeros([CROP_OFFSETS, CROP_OFFSETS])
  np.add.at(counts, (tops, lefts), 1)
  expected = n / counts.size
  chi2 = ((counts - expected) ** 2 / expected).sum()
  assert counts.min() > 0
  assert chi2 < 124.8, chi2  # 80 degrees of freedom, p = 0.001.
  assert abs(np.mean(flips) - 0.5) < 3.3 * np.sqrt(0.25 / n)


def _channel_image_batch(n):
  """n float images whose channels have different means and spreads."""
  rng = np.random.RandomState(3)
  images = rng.uniform(0, 1, [n, 24, 24, 3]).astype(np.float32)
  return (images * [40.0, 80.0, 120.0] + [30.0, 100.0, 60.0]).astype(
      np.float32)


def test_brightness_and_contrast_draws():
  """Each image gets its own delta, uniform in [-63, 63], and its own
  contrast factor, uniform in [0.2, 1.8], drawn independently."""
  n = 4000
  with tf.Graph().as_default():
    tf.set_random_seed(11)
    delta, factor = tf.Session().run(
        cifar10_input.random_brightness_and_contrast(n))
  assert delta.shape == factor.shape == (n,)
  assert -63 <= delta.min() and delta.max() <= 63
  assert 0.2 <= factor.min() and factor.max() <= 1.8
  assert _ks_uniform(delta, -63, 63) < _ks_bound(n)
  assert _ks_uniform(factor, 0.2, 1.8) < _ks_bound(n)
  assert abs(np.corrcoef(delta, factor)[0, 1]) < 3.3 / np.sqrt(n)


def _standardized_contrast(y, factor):
  """adjust_contrast then per_image_standardization in float64 (numpy)."""
  mean = y.mean(axis=(0, 1), keepdims=True)
  y = (y - mean) * factor + mean
  return (y - y.mean()) / max(y.std(), 1 / np.sqrt(y.size))


def test_adjust_and_standardize_is_tf_image_image_by_image():
  """adjust_and_standardize(images, delta, factor) is, image by image,
  tf.image.per_image_standardization(adjust_contrast(adjust_brightness(x,
  delta), factor)), to float32 rounding: for uint8 and float images, flat
  and nearly flat ones, and extreme draws."""
  rng = np.random.RandomState(4)
  crops = rng.randint(0, 256, [8, 24, 24, 3]).astype(np.uint8)
  crops[1] = 77
  crops[2] = 200 + rng.randint(0, 2, [24, 24, 3])
  crops[3, ..., 0] = 0
  crops[3, ..., 2] = 255
  floats = _channel_image_batch(4)
  delta = np.array([-63, 0, 63, 12.5, -30, 1, 62.9, -0.5], np.float32)
  factor = np.array([0.2, 1.8, 1.0, 0.7, 1.79, 0.21, 1.3, 0.5], np.float32)
  with tf.Graph().as_default(), tf.Session() as sess:
    for images in (crops, floats):
      n = len(images)
      out = sess.run(cifar10_input.adjust_and_standardize(
          tf.constant(images), tf.constant(delta[:n]),
          tf.constant(factor[:n])))
      assert out.dtype == np.float32 and out.shape == images.shape
      for i in range(n):
        expected = sess.run(tf.image.per_image_standardization(
            tf.image.adjust_contrast(tf.image.adjust_brightness(
                tf.cast(images[i], tf.float32), delta[i]), factor[i])))
        y = images[i].astype(np.float64) + delta[i]
        exact = _standardized_contrast(y, factor[i])
        # Both sides round values of up to ~320 (x, x + delta, x * scale) to
        # float32 before standardization divides by the image's stddev: a
        # few float32 steps of that size, over the stddev.
        rounding = 2e-6 + 2.4e-7 * np.abs(y).max() / max(y.std(),
                                                       1 / np.sqrt(y.size))
        np.testing.assert_allclose(out[i], exact, rtol=0, atol=rounding)
        np.testing.assert_allclose(out[i], expected, rtol=0, atol=rounding)


def test_distort_batch_contrast_read_back():
  """distort_batch wires a contrast factor per image into its output:
  read back from the standardized images (within-channel spread against the
  spread of the channel means), the factors are uniform in [0.2, 1.8]."""
  n = 4000
  x = _channel_image_batch(n)
  with tf.Graph().as_default():
    tf.set_random_seed(11)
    out = tf.Session().run(cifar10_input.distort_batch(tf.constant(x)))
  x64, out64 = x.astype(np.float64), out.astype(np.float64)
  # out = (factor * (x - m_c) + (m_c - mean of the m_c)) / s.
  x_means = x64.mean(axis=(1, 2), keepdims=True)
  out_means = out64.mean(axis=(1, 2), keepdims=True)
  centred = x64 - x_means
  within = ((out64 - out_means) * centred).sum(axis=(1, 2, 3)) / (
      centred ** 2).sum(axis=(1, 2, 3))
  spread = x_means - x_means.mean(axis=3, keepdims=True)
  between = (out_means * spread).sum(axis=(1, 2, 3)) / (spread ** 2).sum(
      axis=(1, 2, 3))
  factor = within / between
  assert 0.2 - 1e-4 <= factor.min() and factor.max() <= 1.8 + 1e-4
  assert _ks_uniform(np.clip(factor, 0.2, 1.8), 0.2, 1.8) < _ks_bound(n)


def test_distort_batch_standardizes_each_image():
  """distort_batch takes the uint8 crops and returns float32 images of mean
  0 and stddev 1; a flat image, whose stddev is 0, comes out zeros (to
  float32 rounding of its mean: the adjusted stddev's floor) instead of
  NaN."""
  rng = np.random.RandomState(5)
  crops = rng.randint(0, 256, [6, 24, 24, 3]).astype(np.uint8)
  crops[2] = 77
  with tf.Graph().as_default():
    images = cifar10_input.distort_batch(tf.constant(crops))
    assert images.dtype == tf.float32
    assert images.shape.as_list() == [6, 24, 24, 3]
    out = tf.Session().run(images)
  assert np.all(np.isfinite(out))
  np.testing.assert_allclose(out[2], 0, atol=0.01)
  for i in (0, 1, 3, 4, 5):
    np.testing.assert_allclose(out[i].mean(), 0, atol=1e-5)
    np.testing.assert_allclose(out[i].std(), 1, atol=1e-4)


def test_eval_images_are_unchanged_bit_for_bit(tmp_path):
  """inputs(): central crop and per_image_standardization of each image,
  exactly as TensorFlow computes them image by image."""
  rng = np.random.RandomState(9)
  raw = rng.randint(0, 256, [50, 3, 32, 32]).astype(np.uint8)
  labels = rng.randint(0, 10, 50).astype(np.uint8)
  with open(str(tmp_path / 'test_batch.bin'), 'wb') as f:
    f.write(np.concatenate([labels[:, None], raw.reshape(50, -1)],
                           axis=1).tobytes())
  with tf.Graph().as_default():
    images, label_batch = cifar10_input.inputs(True, str(tmp_path), 50,
                                               num_epochs=1, num_threads=1)
    got, got_labels = _run([images, label_batch])[0]
  with tf.Graph().as_default():
    one = tf.placeholder(tf.uint8, [32, 32, 3])
    expected = tf.image.per_image_standardization(
        tf.image.resize_image_with_crop_or_pad(tf.cast(one, tf.float32),
                                               24, 24))
    with tf.Session() as sess:
      for i in range(50):
        np.testing.assert_array_equal(
            got[i], sess.run(expected, {one: raw[i].transpose(1, 2, 0)}))
  np.testing.assert_array_equal(got_labels, labels)
