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
"""Tests of cifar10_input: the reader, the checks and both pipelines."""

import os

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_input
from cifar10 import cifar10_synthetic


def _planes(label):
  """Known R, G, B planes for a record: [3, 32, 32] uint8, depth-major."""
  ramp = (np.arange(1024) % 256).reshape(32, 32)
  return np.stack([ramp, 255 - ramp, np.full((32, 32), 7 * label)]).astype(
      np.uint8)


def _write_records(path, labels):
  with open(path, 'wb') as f:
    for label in labels:
      f.write(bytes([label]) + _planes(label).tobytes())


def _run_queue(fetches, num):
  """Runs `fetches` `num` times with queue runners, then once more."""
  results = []
  with tf.Session() as sess:
    sess.run(tf.local_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
      for _ in range(num):
        results.append(sess.run(fetches))
      with pytest.raises(tf.errors.OutOfRangeError):
        sess.run(fetches)
    finally:
      coord.request_stop()
      coord.join(threads)
  return results


def test_read_cifar10_hand_built_records(tmp_path):
  path = str(tmp_path / 'records.bin')
  labels = [3, 0, 9]
  _write_records(path, labels)
  with tf.Graph().as_default():
    queue = tf.train.string_input_producer([path], num_epochs=1,
                                           shuffle=False)
    record = cifar10_input.read_cifar10(queue)
    assert (record.height, record.width, record.depth) == (32, 32, 3)
    assert record.label.dtype == tf.int32
    # The original tutorial's field shapes: code written against them works.
    assert record.label.shape.as_list() == [1]
    assert record.uint8image.shape.as_list() == [32, 32, 3]
    assert record.uint8image.dtype == tf.uint8
    results = _run_queue([record.key, record.label, record.uint8image], 3)

  for i, (key, label, image) in enumerate(results):
    assert key.decode() == '%s:%d' % (path, i)
    assert label.tolist() == [labels[i]]
    assert image.shape == (32, 32, 3)
    # Pixel (row, col) of channel c is plane c at (row, col).
    np.testing.assert_array_equal(image, _planes(labels[i]).transpose(1, 2, 0))
  assert results[0][2][0, 1].tolist() == [1, 254, 21]
  assert results[0][2][1, 0].tolist() == [32, 223, 21]


def test_check_data_files_counts_records(tmp_path):
  a, b = str(tmp_path / 'a.bin'), str(tmp_path / 'b.bin')
  _write_records(a, [1, 2])
  _write_records(b, [3])
  assert cifar10_input.check_data_files([a, b]) == 3


def test_check_data_files_missing(tmp_path):
  missing = str(tmp_path / 'data_batch_1.bin')
  with pytest.raises(cifar10_input.DataError) as e:
    cifar10_input.check_data_files([missing])
  assert str(e.value).startswith('Failed to find file: %s.' % missing)
  assert 'cifar10_synthetic' in str(e.value)


def test_check_data_files_partial_record(tmp_path):
  path = str(tmp_path / 'data_batch_1.bin')
  _write_records(path, [1, 2])
  with open(path, 'ab') as f:
    f.write(b'\0' * 100)
  with pytest.raises(cifar10_input.DataError) as e:
    cifar10_input.check_data_files([path])
  assert str(e.value).startswith(
      'Data file %s has 6246 bytes, not a whole number of 3073-byte' % path)


def test_check_data_files_label_out_of_range(tmp_path):
  path = str(tmp_path / 'test_batch.bin')
  _write_records(path, [1, 2, 12])
  with pytest.raises(cifar10_input.DataError) as e:
    cifar10_input.check_data_files([path])
  assert str(e.value).startswith(
      'Data file %s has label 12 in record 2 (labels are 0-9)' % path)


def test_bad_batch_size_is_rejected_before_reading(tmp_path):
  with tf.Graph().as_default():
    with pytest.raises(ValueError, match='batch_size must be a positive'):
      cifar10_input.distorted_inputs(str(tmp_path), 0)
    with pytest.raises(ValueError, match='batch_size must be a positive'):
      cifar10_input.inputs(True, str(tmp_path), -3)


def test_distorted_inputs(synthetic_data_dir, capsys):
  batches_dir = os.path.join(synthetic_data_dir, 'cifar-10-batches-bin')
  with tf.Graph().as_default():
    images, labels = cifar10_input.distorted_inputs(batches_dir, 16)
    assert images.shape.as_list() == [16, 24, 24, 3]
    assert labels.shape.as_list() == [16]
    assert images.dtype == tf.float32 and labels.dtype == tf.int32
    assert 'images' in [s.op.name.split('/')[-1]
                        for s in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    with tf.Session() as sess:
      coord = tf.train.Coordinator()
      threads = tf.train.start_queue_runners(sess=sess, coord=coord)
      batch, label_batch = sess.run([images, labels])
      coord.request_stop()
      coord.join(threads)
  assert ('Filling queue with 20000 CIFAR images before starting to train. '
          'This will take a few minutes.') in capsys.readouterr().out
  # per_image_standardization: each image has mean 0 and stddev 1.
  np.testing.assert_allclose(batch.mean(axis=(1, 2, 3)), 0, atol=1e-4)
  np.testing.assert_allclose(batch.std(axis=(1, 2, 3)), 1, atol=1e-3)
  assert set(label_batch) <= set(range(10))


def _standardize(image):
  """numpy per_image_standardization of a float image."""
  adjusted = max(image.std(), 1.0 / np.sqrt(image.size))
  return (image - image.mean()) / adjusted


def test_inputs_one_epoch_central_crop(tmp_path):
  """Each record once, in file order, central 24x24 crop, standardized."""
  labels, raw = cifar10_synthetic.make_records(300, seed=5)
  with open(str(tmp_path / 'test_batch.bin'), 'wb') as f:
    f.write(np.concatenate([labels[:, None], raw.reshape(300, -1)],
                           axis=1).tobytes())
  with tf.Graph().as_default():
    images, label_batch = cifar10_input.inputs(
        True, str(tmp_path), 128, num_epochs=1, num_threads=1)
    assert images.shape.as_list() == [None, 24, 24, 3]
    results = _run_queue([images, label_batch], 3)  # 128 + 128 + 44.

  got_images = np.concatenate([r[0] for r in results])
  got_labels = np.concatenate([r[1] for r in results])
  assert [len(r[1]) for r in results] == [128, 128, 44]
  np.testing.assert_array_equal(got_labels, labels)
  hwc = raw.transpose(0, 2, 3, 1).astype(np.float32)
  for i in (0, 151, 299):
    np.testing.assert_allclose(got_images[i],
                               _standardize(hwc[i, 4:28, 4:28]), atol=1e-4)


def test_synthetic_data_warns_once_without_a_log_prefix(synthetic_data_dir,
                                                        capfd):
  batches_dir = os.path.join(synthetic_data_dir, 'cifar-10-batches-bin')
  assert cifar10_input.is_synthetic(batches_dir)
  cifar10_input._WARNED.discard(batches_dir)  # pylint: disable=protected-access
  with tf.Graph().as_default():
    cifar10_input.inputs(True, batches_dir, 10)
    cifar10_input.distorted_inputs(batches_dir, 10)
  err = capfd.readouterr().err
  banner = '!' * 78 + '\n!!! SYNTHETIC DATA: %s was made by' % batches_dir
  assert err.startswith(banner), err
  assert err.count('SYNTHETIC DATA') == 1  # Once per process and directory.
  assert 'WARNING' not in err
