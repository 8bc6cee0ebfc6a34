# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
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

"""Routine for decoding the CIFAR-10 binary file format.

Summary of available functions:

 # Read one record of a CIFAR-10 file from a filename queue.
 read_cifar10(filename_queue)

 # Check that data files exist and hold well-formed records.
 check_data_files(filenames)

 # Distorted training images and labels, batched by a shuffle queue.
 distorted_inputs(data_dir, batch_size)

 # Its pieces: read records a few at a time, crop and flip the uint8 images,
 # and distort and standardize whole batches after the shuffle queue.
 read_cifar10_records(filename_queue, num_records)
 random_crop_and_flip(depth_major)
 distort_batch(images)

 # distort_batch's random draws, and its arithmetic for given draws.
 random_brightness_and_contrast(n)
 adjust_and_standardize(images, delta, factor)

 # Central-cropped evaluation images and labels.
 inputs(eval_data, data_dir, batch_size)

The functions here take explicit arguments (no command-line flags), so they can
be called from tests and notebooks as well as from the tutorial's scripts.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import collections
import os
import sys

# Also set by the package's __init__, which the tutorial's flat imports
# (`import cifar10_input` from this directory) do not run: TensorFlow's C++
# INFO/WARNING lines hidden, oneDNN kernels on; they only count before
# TensorFlow loads, and setting the variables yourself wins.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_download
  from cifar10 import cifar10_svhn
else:
  import cifar10_dirs
  import cifar10_download
  import cifar10_svhn
import numpy as np
import tensorflow.compat.v1 as tf

# Process images of this size. Note that this differs from the original CIFAR
# image size of 32 x 32. If one alters this number, then the entire model
# architecture will change and any model would need to be retrained.
IMAGE_SIZE = 24

# Global constants describing the CIFAR-10 data set.
NUM_CLASSES = 10
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = 10000

# Layout of one record: a label byte, then the 32x32 red, green and blue planes.
LABEL_BYTES = 1
ORIGINAL_HEIGHT = 32
ORIGINAL_WIDTH = 32
ORIGINAL_DEPTH = 3
IMAGE_BYTES = ORIGINAL_HEIGHT * ORIGINAL_WIDTH * ORIGINAL_DEPTH
RECORD_BYTES = LABEL_BYTES + IMAGE_BYTES  # 3073: no header or footer.

# The tutorial's design: 16 threads keep the queues full so that reading and
# distorting images never stalls the training step.
NUM_PREPROCESS_THREADS = 16

# Records each training-pipeline thread reads, crops and flips per run of its
# graph. One record per run costs ~20 us of CPU in running the graph alone;
# 256 spread that over as many images, and wake the threads (which interrupt
# training's) an eighth as often as 32 did: 1.14x fewer CPU-seconds per
# image, and queue-fed steps 0.962-0.983 of compute-only ones against
# 0.938-0.961 (and one 1.048) on a 2-core CPU. 16 threads x 256 records in
# flight take 12 MB.
RECORDS_PER_READ = 256

# Fraction of an epoch kept in the shuffle queue; larger mixes better but
# makes the first step wait longer (the tutorial's exercise).
MIN_FRACTION_OF_EXAMPLES_IN_QUEUE = 0.4

# File names inside the extracted 'cifar-10-batches-bin' directory.
TRAIN_FILES = tuple('data_batch_%d.bin' % i for i in range(1, 6))
TEST_FILES = ('test_batch.bin',)
# The class names, one a line, in label order.
META_FILE = 'batches.meta.txt'
CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
               'horse', 'ship', 'truck')

# The data sets --dataset chooses: the images per epoch (the learning-rate
# schedule's and the shuffle queue's, and the evaluation's default
# --num_examples), where their records are under --data_dir, and the names
# of their classes. Both are in the CIFAR-10 binary format, in files named as
# in cifar-10-batches-bin.
DataSet = collections.namedtuple('DataSet', [
    'name', 'images', 'batches_dir', 'num_train', 'num_eval', 'class_names'])
DATA_SETS = {
    'cifar10': DataSet('CIFAR-10', 'CIFAR', cifar10_download.EXTRACTED_DIR,
                       NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN,
                       NUM_EXAMPLES_PER_EPOCH_FOR_EVAL, CLASS_NAMES),
    'svhn': DataSet('SVHN', 'SVHN', cifar10_svhn.BATCHES_DIR,
                    cifar10_svhn.NUM_TRAIN, cifar10_svhn.NUM_TEST,
                    cifar10_svhn.CLASS_NAMES),
}

# A file of this name marks a directory written by cifar10_synthetic, so that
# no run on generated data can pass for a run on CIFAR-10.
SYNTHETIC_MARKER = cifar10_download.SYNTHETIC_MARKER


class DataError(cifar10_dirs.UserError, ValueError):
  """A data file is missing or does not hold CIFAR-10 binary records."""


CIFAR10Record = collections.namedtuple(
    'CIFAR10Record', ['height', 'width', 'depth', 'key', 'label', 'uint8image'])


def read_cifar10(filename_queue):
  """Reads and parses examples from CIFAR10 data files.

  Recommendation: if you want N-way read parallelism, call this function
  N times.  This will give you N independent Readers reading different
  files & positions within those files, which will give better mixing of
  examples.

  Args:
    filename_queue: A queue of strings with the filenames to read from.

  Returns:
    A CIFAR10Record with fields:
      height: number of rows in the result (32)
      width: number of columns in the result (32)
      depth: number of color channels in the result (3)
      key: a scalar string Tensor describing the filename & record number
        for this example, "<filename>:<record index>".
      label: an int32 Tensor of shape [1] with the label in the range 0..9.
      uint8image: a [height, width, depth] uint8 Tensor with the image data
  """
  # Read a record, getting filenames from the filename_queue.  No
  # header or footer in the CIFAR-10 format, so we leave header_bytes
  # and footer_bytes at their default of 0.
  reader = tf.FixedLengthRecordReader(record_bytes=RECORD_BYTES)
  key, value = reader.read(filename_queue)

  # Convert from a string to a vector of uint8 that is record_bytes long.
  record_bytes = tf.decode_raw(value, tf.uint8)

  # The first bytes represent the label, which we convert from uint8->int32.
  # Of shape [1], as in the original tutorial's record.
  label = _checked_labels(tf.cast(
      tf.strided_slice(record_bytes, [0], [LABEL_BYTES]), tf.int32), key[None])
  label.set_shape([LABEL_BYTES])

  # The remaining bytes after the label represent the image, which we reshape
  # from [depth * height * width] to [depth, height, width].
  depth_major = tf.reshape(
      tf.strided_slice(record_bytes, [LABEL_BYTES], [RECORD_BYTES]),
      [ORIGINAL_DEPTH, ORIGINAL_HEIGHT, ORIGINAL_WIDTH])
  # Convert from [depth, height, width] to [height, width, depth] by stacking
  # the three colour planes along a new last axis. (tf.transpose(depth_major,
  # [1, 2, 0]) is the same, but oneDNN logs an error line for a uint8
  # transpose on every CPU without AVX-512.)
  uint8image = tf.stack(tf.unstack(depth_major), axis=2)

  return CIFAR10Record(height=ORIGINAL_HEIGHT, width=ORIGINAL_WIDTH,
                       depth=ORIGINAL_DEPTH, key=key, label=label,
                       uint8image=uint8image)


def _checked_labels(labels, keys):
  """`labels`, failing the reader thread on a label byte above 9.

  check_data_files checks the labels at the start; a file overwritten
  while a script runs fails here, in the reader thread, naming the record,
  rather than later in the model's ops (training would end without a
  checkpoint, see cifar10_hooks.InputWatchHook; the evaluation's confusion
  matrix would not add up).

  Args:
    labels: [n] int32 Tensor.
    keys: [n] string Tensor, the records' '<file>:<record index>'.

  Returns:
    [n] int32 Tensor, `labels` once checked.
  """
  bad = tf.argmax(tf.cast(labels >= NUM_CLASSES, tf.int32))
  with tf.control_dependencies([tf.Assert(
      tf.reduce_all(labels < NUM_CLASSES),
      ['label byte above %d in record' % (NUM_CLASSES - 1), keys[bad],
       labels[bad]])]):
    return tf.identity(labels)


def check_data_files(filenames):
  """Checks, before any graph is built, that the files hold CIFAR-10 records.

  A missing file would otherwise surface as a queue error deep in a reader
  thread, a file of the wrong length as "Read less bytes than requested" and
  a bad label byte as silent garbage training.

  Args:
    filenames: list of paths to CIFAR-10 binary files.

  Returns:
    int, the total number of records in the files.

  Raises:
    DataError: naming the first file that is missing, empty, not a whole
      number of 3,073-byte records, or that holds a label byte above 9.
  """
  total = 0
  for f in filenames:
    if not tf.gfile.Exists(f):
      raise DataError(
          'Failed to find file: %s. Put the CIFAR-10 binary files there: run '
          'cifar10_train.py (it downloads them) or generate a synthetic set '
          'with `python -m cifar10.cifar10_synthetic --data_dir=DIR`.' % f)
    size = os.path.getsize(f)
    if size == 0 or size % RECORD_BYTES:
      raise DataError(
          'Data file %s has %d bytes, not a whole number of %d-byte CIFAR-10 '
          'records; it is truncated or not CIFAR-10 data. Replace it with the '
          'file from the CIFAR-10 binary archive.' % (f, size, RECORD_BYTES))
    try:
      labels = np.memmap(f, dtype=np.uint8, mode='r').reshape(-1,
                                                              RECORD_BYTES)
    except OSError as e:
      raise DataError('Cannot read data file %s: %s. Make it readable, or '
                      'replace it with the file from the CIFAR-10 binary '
                      'archive.' % (f, e.strerror or e))
    bad = np.flatnonzero(labels[:, 0] >= NUM_CLASSES)
    if bad.size:
      raise DataError(
          'Data file %s has label %d in record %d (labels are 0-%d); it is not '
          'CIFAR-10 data. Replace it with the file from the CIFAR-10 binary '
          'archive.' % (f, labels[bad[0], 0], bad[0], NUM_CLASSES - 1))
    total += size // RECORD_BYTES
  return total


def read_class_names(data_dir, default=CLASS_NAMES):
  """The class names of a data directory's batches.meta.txt.

  Args:
    data_dir: directory that may hold batches.meta.txt.
    default: the names to use when it does not exist.

  Returns:
    tuple of NUM_CLASSES str, in label order.

  Raises:
    DataError: if the file exists but does not name NUM_CLASSES classes.
  """
  path = os.path.join(data_dir, META_FILE)
  if not tf.gfile.Exists(path):
    return tuple(default)
  with tf.gfile.GFile(path, 'rb') as f:
    contents = f.read()
  try:
    names = tuple(line.strip() for line in contents.decode('utf-8').splitlines()
                  if line.strip())
  except UnicodeDecodeError:
    raise DataError('%s is not text (UTF-8): it should name the %d classes, '
                    'one a line. Put the data set\'s own file back, or delete '
                    'it to use the CIFAR-10 names.' % (path, NUM_CLASSES))
  if len(names) != NUM_CLASSES:
    raise DataError('%s names %d classes, not %d (one name a line).'
                    % (path, len(names), NUM_CLASSES))
  return names


def is_synthetic(data_dir):
  """Returns True if `data_dir` was written by the synthetic data generator."""
  return tf.gfile.Exists(os.path.join(data_dir, SYNTHETIC_MARKER))


# Synthetic data directories this process has already warned about.
_WARNED = set()


def _warn_if_synthetic(data_dir, name='CIFAR-10'):
  """Prints the synthetic-data banner, once per process and directory."""
  if is_synthetic(data_dir) and data_dir not in _WARNED:
    _WARNED.add(data_dir)
    line = '!' * 78
    sys.stderr.write(
        '%s\n!!! SYNTHETIC DATA: %s was made by cifar10_synthetic, not taken'
        '\n!!! from %s. Losses and precision measured on it say nothing'
        '\n!!! about %s.\n%s\n' % (line, data_dir, name, name, line))
    sys.stderr.flush()


def _generate_image_and_label_batch(image, label, min_queue_examples,
                                    batch_size, shuffle, num_threads,
                                    allow_smaller_final_batch=False,
                                    enqueue_many=False, batch_fn=None):
  """Construct a queued batch of images and labels.

  Args:
    image: 3-D Tensor of [height, width, 3] of type.float32; with
      enqueue_many, a 4-D Tensor of [n, height, width, 3] (any dtype batch_fn
      takes).
    label: 0-D Tensor of type.int32 ([n] with enqueue_many).
    min_queue_examples: int32, minimum number of samples to retain
      in the queue that provides of batches of examples.
    batch_size: Number of images per batch.
    shuffle: boolean indicating whether to use a shuffling queue.
    num_threads: int, number of threads running the preprocessing.
    allow_smaller_final_batch: bool, let the last batch of a finite input be
      smaller than batch_size (its first dimension is then None).
    enqueue_many: bool, image and label hold several examples each.
    batch_fn: None, or a function applied to the dequeued batch of images,
      returning a float32 Tensor of the same shape.

  Returns:
    images: Images. 4D tensor of [batch_size, height, width, 3] size, float32.
    labels: Labels. 1D tensor of [batch_size] size.
  """
  # Create a queue that shuffles the examples, and then
  # read 'batch_size' images + labels from the example queue.
  if shuffle:
    images, label_batch = tf.train.shuffle_batch(
        [image, label],
        batch_size=batch_size,
        num_threads=num_threads,
        capacity=min_queue_examples + 3 * batch_size,
        min_after_dequeue=min_queue_examples,
        enqueue_many=enqueue_many)
  else:
    images, label_batch = tf.train.batch(
        [image, label],
        batch_size=batch_size,
        num_threads=num_threads,
        capacity=min_queue_examples + 3 * batch_size,
        allow_smaller_final_batch=allow_smaller_final_batch,
        enqueue_many=enqueue_many)
  if batch_fn is not None:
    images = batch_fn(images)

  # Display the training images in the visualizer.
  tf.summary.image('images', images)

  return images, tf.reshape(label_batch, [-1])


def read_cifar10_records(filename_queue, num_records):
  """Reads up to num_records consecutive records of a CIFAR-10 file.

  The batched form of read_cifar10, for the training pipeline: the queue
  runner's threads each run one small graph per call, and reading many
  records per call spreads that fixed cost over all of them.

  Args:
    filename_queue: A queue of strings with the filenames to read from.
    num_records: int, the most records to read at once (fewer at the end of
      a file).

  Returns:
    labels: [n] int32 Tensor, labels in the range 0..9.
    depth_major: [n, 3, 32, 32] uint8 Tensor, the images as stored: the red,
      green and blue planes one after the other.
  """
  reader = tf.FixedLengthRecordReader(record_bytes=RECORD_BYTES)
  keys, values = reader.read_up_to(filename_queue, num_records)
  record_bytes = tf.decode_raw(values, tf.uint8)  # [n, RECORD_BYTES]
  labels = tf.cast(record_bytes[:, 0], tf.int32)
  labels = _checked_labels(labels, keys)
  depth_major = tf.reshape(
      record_bytes[:, LABEL_BYTES:],
      [-1, ORIGINAL_DEPTH, ORIGINAL_HEIGHT, ORIGINAL_WIDTH])
  return labels, depth_major


def _crop_and_flip_indices(height, width):
  """Where each byte of a crop at (0, 0) lies in a depth-major record.

  Returns:
    int32 [2, height * width * 3] numpy array: row 0 for the crop as it is,
    row 1 for it flipped left to right, in [height, width, depth] order.
    A crop at (top, left) adds top * 32 + left to every index.
  """
  rows = np.arange(height).reshape(height, 1, 1)
  columns = np.arange(width).reshape(1, width, 1)
  channels = np.arange(ORIGINAL_DEPTH).reshape(1, 1, ORIGINAL_DEPTH)
  return np.stack([
      (channels * ORIGINAL_HEIGHT + rows) * ORIGINAL_WIDTH + cols
      for cols in (columns, width - 1 - columns)]).reshape(2, -1).astype(
          np.int32)


def random_crop_and_flip(depth_major, height=IMAGE_SIZE, width=IMAGE_SIZE):
  """Crops each image at a random position and flips half of them.

  For each image, what tf.random_crop(image, [height, width, 3]) and then
  tf.image.random_flip_left_right do: an offset drawn uniformly from the
  (32 - height + 1) x (32 - width + 1) possible ones, and a left-right flip
  with probability 1/2. Cropping and flipping only move pixels, so all of it,
  and the change from depth-major to [height, width, depth] order, is one
  gather of the uint8 bytes.

  Args:
    depth_major: [n, 3, 32, 32] uint8 Tensor, from read_cifar10_records.
    height, width: int, size of the crop.

  Returns:
    [n, height, width, 3] uint8 Tensor.
  """
  n = tf.shape(depth_major)[0]
  # Randomly crop a [height, width] section of the image.
  top = tf.random_uniform([n, 1], 0, ORIGINAL_HEIGHT - height + 1,
                          dtype=tf.int32)
  left = tf.random_uniform([n, 1], 0, ORIGINAL_WIDTH - width + 1,
                           dtype=tf.int32)
  # Randomly flip the image horizontally: read the columns right to left.
  flip = tf.cast(tf.random_uniform([n]) < 0.5, tf.int32)
  # One of two fixed index patterns per image, moved to its crop and its
  # record: cheaper than building every index from rows, columns and
  # channels.
  first = (tf.reshape(tf.range(n), [-1, 1]) * IMAGE_BYTES +
           top * ORIGINAL_WIDTH + left)
  index = tf.gather(tf.constant(_crop_and_flip_indices(height, width)),
                    flip) + first
  # gather_nd copies single bytes faster than gather (measured).
  images = tf.gather_nd(tf.reshape(depth_major, [-1]), index[..., None])
  return tf.reshape(images, [n, height, width, ORIGINAL_DEPTH])


def distort_batch(images):
  """Random brightness and contrast, and standardization, image by image.

  For each image of the batch, what tf.image.random_brightness(max_delta=63),
  tf.image.random_contrast(lower=0.2, upper=1.8) and
  tf.image.per_image_standardization do: each image gets its own delta,
  uniform in [-63, 63), and its own contrast factor, uniform in [0.2, 1.8).
  Applied to the dequeued batch, the same arithmetic costs a fraction of the
  CPU time it takes image by image in the preprocessing threads.

  Args:
    images: [batch, height, width, 3] uint8 or float32 Tensor of cropped and
      flipped images, pixel values 0-255.

  Returns:
    [batch, height, width, 3] float32 Tensor: each image with zero mean and
    unit (adjusted) standard deviation.
  """
  with tf.name_scope('distort_batch'):
    delta, factor = random_brightness_and_contrast(tf.shape(images)[0])
    return adjust_and_standardize(images, delta, factor)


def random_brightness_and_contrast(n):
  """The random draws of random_brightness(63) and random_contrast(0.2, 1.8).

  Args:
    n: int or scalar int32 Tensor, the number of images.

  Returns:
    delta: [n] float32 Tensor, uniform in [-63, 63).
    factor: [n] float32 Tensor, uniform in [0.2, 1.8), independent of delta.
  """
  # Because these operations are not commutative, consider randomizing
  # the order their operation.
  # NOTE: since per_image_standardization zeros the mean and makes
  # the stddev unit, this likely has no effect see tensorflow#1458.
  return (tf.random_uniform([n], -63.0, 63.0),
          tf.random_uniform([n], 0.2, 1.8))


def adjust_and_standardize(images, delta, factor):
  """adjust_brightness, adjust_contrast, per_image_standardization per image.

  For image i, tf.image.per_image_standardization(tf.image.adjust_contrast(
  tf.image.adjust_brightness(images[i], delta[i]), factor[i])), to float32
  rounding, in six whole-batch passes over the pixels (cast, square, two row
  sums, multiply, add) instead of ten, none of them broadcasting a
  per-channel value over 3-wide slivers:

    brightness then contrast:  y = factor * (x - m_c) + m_c + delta,
    standardization:           (y - mean(y)) / max(std(y), 1/sqrt(values)),

  where m_c is the mean of channel c of x. Both are affine in x, so the
  result is x * scale + offset_c, and mean(y) and std(y) follow from each
  channel's sum and sum of squares. (The brightness delta cancels in
  y - mean(y), as the tutorial's note on tensorflow#1458 suspected; it is
  kept so that the code does what the tutorial says.)

  Args:
    images: [n, height, width, channels] uint8 or float32 Tensor (static
      height, width, channels), pixel values 0-255.
    delta: [n] float32 Tensor, each image's brightness delta.
    factor: [n] float32 Tensor, each image's contrast factor.

  Returns:
    [n, height, width, channels] float32 Tensor.
  """
  _, height, width, channels = images.shape.as_list()
  # Rows of width * channels values: a per-channel offset then broadcasts
  # over rows, as one row of that width, not as channels-wide slivers.
  rows = tf.reshape(tf.cast(images, tf.float32), [-1, height, width * channels])
  # Summed over the rows first in float32: for uint8 pixels these sums of
  # `height` values and squares are whole numbers below 2**24, so exact.
  sums = [tf.cast(tf.reduce_sum(v, axis=1), tf.float64)
          for v in (rows, tf.square(rows))]
  total, total_squares = [tf.reduce_sum(tf.reshape(v, [-1, width, channels]),
                                        axis=1) for v in sums]  # [n, channels]
  pixels = float(height * width)
  channel_mean = total / pixels
  image_mean = tf.reduce_mean(channel_mean, axis=1, keepdims=True)  # [n, 1]
  # Mean over the image of (x - m_c)**2, and the spread of the channel means.
  within = tf.reduce_mean(total_squares / pixels - tf.square(channel_mean),
                          axis=1, keepdims=True)
  between = tf.reduce_mean(tf.square(channel_mean - image_mean), axis=1,
                           keepdims=True)
  delta, factor = [tf.cast(tf.reshape(v, [-1, 1]), tf.float64)
                   for v in (delta, factor)]
  # y - mean(y) = factor * (x - m_c) + (m_c - mean of the m_c): the cross
  # term of its square sums to zero over each channel. (Rounding can make a
  # flat image's variance a hair below zero.)
  variance = tf.maximum(tf.square(factor) * within + between, 0.0)
  stddev = tf.maximum(tf.sqrt(variance), 1.0 / np.sqrt(pixels * channels))
  y_mean = image_mean + delta
  scale = factor / stddev
  offset = ((1.0 - factor) * channel_mean + delta - y_mean) / stddev
  scale = tf.reshape(tf.cast(scale, tf.float32), [-1, 1, 1])
  offset = tf.reshape(tf.tile(tf.cast(offset, tf.float32), [1, width]),
                      [-1, 1, width * channels])
  return tf.reshape(rows * scale + offset, [-1, height, width, channels])


def _check_batch_size(batch_size):
  if not isinstance(batch_size, int) or batch_size < 1:
    raise ValueError('batch_size must be a positive integer, got %r.'
                     % (batch_size,))


def distorted_inputs(data_dir, batch_size,
                     num_threads=NUM_PREPROCESS_THREADS,
                     min_fraction_of_examples_in_queue=(
                         MIN_FRACTION_OF_EXAMPLES_IN_QUEUE),
                     data_set='cifar10'):
  """Construct distorted input for CIFAR training using the Reader ops.

  Args:
    data_dir: Path to the CIFAR-10 data directory ('cifar-10-batches-bin').
    batch_size: Number of images per batch.
    num_threads: Number of preprocessing threads filling the shuffle queue.
    min_fraction_of_examples_in_queue: fraction of an epoch the shuffle
      queue holds before the first batch (and keeps after each): smaller
      starts sooner and shuffles less.
    data_set: a key of DATA_SETS, for its epoch size.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32.
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    DataError: if a data file is missing or malformed.
    ValueError: if batch_size is not a positive integer.
  """
  _check_batch_size(batch_size)
  filenames = [os.path.join(data_dir, f) for f in TRAIN_FILES]
  check_data_files(filenames)
  _warn_if_synthetic(data_dir, DATA_SETS[data_set].name)

  with tf.name_scope('data_augmentation'):
    # Create a queue that produces the filenames to read.
    filename_queue = tf.train.string_input_producer(filenames)

    # Read examples from files in the filename queue, RECORDS_PER_READ at a
    # time.
    labels, depth_major = read_cifar10_records(filename_queue,
                                               RECORDS_PER_READ)

    # Image processing for training the network. Note the many random
    # distortions applied to the image. Cropping and flipping only move
    # pixels: they are done on the uint8 images, which the shuffle queue
    # holds (a quarter of the memory of float32 images). The brightness,
    # contrast and standardization of each image are applied to the
    # dequeued batch (distort_batch).
    distorted_images = random_crop_and_flip(depth_major)

    # Ensure that the random shuffling has good mixing properties.
    min_queue_examples = int(DATA_SETS[data_set].num_train *
                             min_fraction_of_examples_in_queue)
    print('Filling queue with %d %s images before starting to train. '
          'This will take a few minutes.' % (
              min_queue_examples, DATA_SETS[data_set].images))

  # Generate a batch of images and labels by building up a queue of examples.
  # The brightness, contrast and standardization of each image are applied
  # to the dequeued batch.
  return _generate_image_and_label_batch(distorted_images, labels,
                                         min_queue_examples, batch_size,
                                         shuffle=True, num_threads=num_threads,
                                         enqueue_many=True,
                                         batch_fn=distort_batch)


def eval_image(image):
  """The evaluation preprocessing of inputs(), for images from elsewhere.

  Args:
    image: [32, 32, 3] or [batch, 32, 32, 3] float32 Tensor of 0-255 pixel
      values.

  Returns:
    float32 Tensor [(batch,) IMAGE_SIZE, IMAGE_SIZE, 3]: the central crop,
    standardized per image.
  """
  resized = tf.image.resize_image_with_crop_or_pad(image, IMAGE_SIZE,
                                                   IMAGE_SIZE)
  return tf.image.per_image_standardization(resized)


def inputs(eval_data, data_dir, batch_size, num_epochs=None,
           num_threads=None, data_set='cifar10'):
  """Construct input for CIFAR evaluation using the Reader ops.

  Args:
    eval_data: bool, indicating if one should use the train or eval data set.
    data_dir: Path to the CIFAR-10 data directory ('cifar-10-batches-bin').
    batch_size: Number of images per batch.
    num_epochs: None to cycle through the files forever (the tutorial's
      behaviour); an int to read every record exactly that many times, in
      file order, and then raise OutOfRangeError. The last batch may then be
      smaller than batch_size. Initialise local variables before use.
    num_threads: Number of preprocessing threads filling the batch queue;
      default NUM_PREPROCESS_THREADS, or 1 with num_epochs set: several
      threads would put the records into the batches in whatever order they
      finish, and an evaluation of the first N records (or two evaluations
      meant to see the same images) would score a different subset each
      time. One thread keeps up with inference on the CPU.
    data_set: a key of DATA_SETS, for its epoch sizes.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32 (first dimension None when num_epochs is set).
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    DataError: if a data file is missing or malformed.
    ValueError: if batch_size is not a positive integer.
  """
  _check_batch_size(batch_size)
  if not eval_data:
    filenames = [os.path.join(data_dir, f) for f in TRAIN_FILES]
    num_examples_per_epoch = DATA_SETS[data_set].num_train
  else:
    filenames = [os.path.join(data_dir, f) for f in TEST_FILES]
    num_examples_per_epoch = DATA_SETS[data_set].num_eval
  check_data_files(filenames)
  _warn_if_synthetic(data_dir, DATA_SETS[data_set].name)

  if num_threads is None:
    num_threads = NUM_PREPROCESS_THREADS if num_epochs is None else 1
  with tf.name_scope('input'):
    # Create a queue that produces the filenames to read. A finite number of
    # epochs also fixes the file order, so that each record is read once.
    filename_queue = tf.train.string_input_producer(
        filenames, num_epochs=num_epochs, shuffle=num_epochs is None)

    # Read examples from files in the filename queue.
    read_input = read_cifar10(filename_queue)
    reshaped_image = tf.cast(read_input.uint8image, tf.float32)

    height = IMAGE_SIZE
    width = IMAGE_SIZE

    # Image processing for evaluation.
    # Crop the central [height, width] of the image.
    resized_image = tf.image.resize_image_with_crop_or_pad(reshaped_image,
                                                           height, width)

    # Subtract off the mean and divide by the variance of the pixels.
    float_image = tf.image.per_image_standardization(resized_image)

    # Set the shapes of tensors.
    float_image.set_shape([height, width, 3])
    read_input.label.set_shape([1])

    # Ensure that the random shuffling has good mixing properties.
    min_queue_examples = int(num_examples_per_epoch *
                             MIN_FRACTION_OF_EXAMPLES_IN_QUEUE)

  # Generate a batch of images and labels by building up a queue of examples.
  return _generate_image_and_label_batch(
      float_image, read_input.label, min_queue_examples, batch_size,
      shuffle=False, num_threads=num_threads,
      allow_smaller_final_batch=num_epochs is not None)
