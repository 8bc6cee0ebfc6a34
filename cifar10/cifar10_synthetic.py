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

"""Writes a synthetic data set in the exact CIFAR-10 binary format.

For running the whole tutorial where the real archive cannot be fetched (no
network) and for tests. Each class is a colour and a striped texture of its
own (orientation and frequency), under random phase, colour jitter and pixel
noise, so that the network has something to learn: it is not uniform noise.

The files are laid out as in the real archive ('cifar-10-batches-bin' with
data_batch_1..5.bin, test_batch.bin and batches.meta.txt) plus a marker file,
SYNTHETIC_DATA.txt, which makes every script that reads them say loudly that
the data are synthetic.

Nothing is written over files this module did not write, and nothing is left
half-written: the set is written into a temporary directory and the archive
into a temporary file, each renamed into place only when complete.

Usage:
  python -m cifar10.cifar10_synthetic --data_dir=/tmp/cifar10_data
  python -m cifar10.cifar10_synthetic --archive=/tmp/cifar-10-synthetic.tar.gz
  python -m cifar10.cifar10_synthetic --dataset=svhn --data_dir=/tmp/svhn

With --dataset=svhn the same classes are written as SVHN's train_32x32.mat
and test_32x32.mat, marked synthetic in their header (cifar10_svhn).

Summary of available functions:
  labels, images = make_records(num_records, seed)
  write_data_set(data_dir, records_per_file, seed, out)
  write_archive(archive_path, records_per_file, seed, out)
  is_synthetic_archive(path)
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import io
import os
import shutil
import sys
import tarfile
import tempfile
import zlib

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_synthetic.py, or a script beside it that imports it).
# Either way each file loads once, and before TensorFlow, so that
# cifar10_input's environment defaults (oneDNN, log level) apply.
if __package__:
  from cifar10 import cifar10  # Owns --data_dir.
  from cifar10 import cifar10_app
  from cifar10 import cifar10_download
  from cifar10 import cifar10_input
  from cifar10 import cifar10_svhn
else:
  import cifar10  # Owns --data_dir.
  import cifar10_app
  import cifar10_download
  import cifar10_input
  import cifar10_svhn
import numpy as np
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_integer('records_per_file', 10000,
                            """Records in each of the six .bin files (the """
                            """real set has 10000).""", lower_bound=1)
tf.app.flags.DEFINE_integer('seed', 0, """Random seed of the generator.""")
tf.app.flags.DEFINE_string('archive', '',
                           """If set, write a .tar.gz laid out like the real """
                           """archive to this path instead of extracted """
                           """files in --data_dir.""")

CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
               'horse', 'ship', 'truck')

SYNTHETIC_ARCHIVE_NAME = 'cifar-10-synthetic-binary.tar.gz'

_MARKER_TEXT = (
    'The files in this directory were made by cifar10_synthetic (seed %d).\n'
    'They are NOT the CIFAR-10 data set; results on them say nothing about\n'
    'CIFAR-10. Delete this directory and run cifar10_train.py to download\n'
    'the real data.\n')

_SIZE = cifar10_input.ORIGINAL_HEIGHT  # 32, and the images are square.

# How much each image departs from its class prototype (all in [0, 1] pixel
# units): enough that no single pixel gives the class away.
_COLOUR_JITTER = 0.10
_NOISE_STDDEV = 0.10
_STRIPE_AMPLITUDE = 0.25


def _class_prototypes():
  """Returns, per class, an RGB colour [10, 3] and stripe parameters."""
  hues = np.arange(10) / 10.0
  # Hue wheel to RGB, at saturation 0.6 and value 0.7: distinct colours.
  rgb = np.stack([np.clip(np.abs(((hues * 6 + k) % 6) - 3) - 1, 0, 1)
                  for k in (0, 4, 2)], axis=1)
  colours = 0.7 * (1 - 0.6 + 0.6 * rgb)
  angles = (np.arange(10) % 5) * np.pi / 5  # Five orientations.
  frequencies = 2.0 + (np.arange(10) * 3 % 4)  # 2 to 5 cycles per image.
  return colours, angles, frequencies


def make_records(num_records, seed=0):
  """Makes labelled images with class structure.

  Args:
    num_records: int, how many images.
    seed: int, random seed; the same seed gives the same bytes.

  Returns:
    labels: [num_records] uint8 array, each class equally often (0-9).
    images: [num_records, 3, 32, 32] uint8 array, depth-major like the
      CIFAR-10 files (red, green and blue planes, each row-major).
  """
  rng = np.random.RandomState(seed)
  labels = rng.permutation(np.arange(num_records) % 10).astype(np.uint8)
  colours, angles, frequencies = _class_prototypes()

  ys, xs = np.mgrid[0:_SIZE, 0:_SIZE] / float(_SIZE)  # [32, 32] each.
  angle = angles[labels][:, None, None]
  phase = rng.uniform(0, 2 * np.pi, size=(num_records, 1, 1))
  stripes = np.sin(2 * np.pi * frequencies[labels][:, None, None] *
                   (xs * np.cos(angle) + ys * np.sin(angle)) + phase)

  colour = colours[labels] + rng.uniform(
      -_COLOUR_JITTER, _COLOUR_JITTER, size=(num_records, 3))
  # [n, 3, 1, 1] colour times [n, 1, 32, 32] texture: depth-major images.
  images = colour[:, :, None, None] * (
      1 + _STRIPE_AMPLITUDE * stripes[:, None, :, :])
  images += rng.normal(0, _NOISE_STDDEV, size=images.shape)
  images = np.clip(np.round(images * 255), 0, 255).astype(np.uint8)
  return labels, images


def _record_bytes(labels, images):
  """Packs labels and depth-major images into 3,073-byte records."""
  records = np.concatenate(
      [labels[:, None], images.reshape(len(labels), -1)], axis=1)
  return records.tobytes()


_DATA_FILES = cifar10_input.TRAIN_FILES + cifar10_input.TEST_FILES
_FILE_NAMES = ((cifar10_input.SYNTHETIC_MARKER,) + tuple(_DATA_FILES) +
               ('batches.meta.txt',))


def _files(records_per_file, seed, out):
  """Yields (name, bytes) of every file of the extracted archive.

  The marker comes first, so that even a partial copy says it is synthetic.
  A progress line is printed as each data file is made (about 5 s each for
  the full set).
  """
  yield cifar10_input.SYNTHETIC_MARKER, (_MARKER_TEXT % seed).encode('ascii')
  for i, name in enumerate(_DATA_FILES):
    labels, images = make_records(records_per_file, seed=seed * 100 + i)
    out.write('>> Generated %s (%d of %d, %d records)\n'
              % (name, i + 1, len(_DATA_FILES), records_per_file))
    out.flush()
    yield name, _record_bytes(labels, images)
  yield 'batches.meta.txt', ('\n'.join(CLASS_NAMES) + '\n').encode('ascii')


def _umask():
  mask = os.umask(0)
  os.umask(mask)
  return mask


def write_data_set(data_dir, records_per_file=10000, seed=0, out=None):
  """Writes the extracted synthetic set to data_dir/cifar-10-batches-bin.

  The set is written into a temporary directory beside it and renamed into
  place when complete; a synthetic set already there is replaced as a whole
  (other files in it are kept). An interrupted run (Ctrl-C included) leaves
  what was there before.

  Args:
    data_dir: directory to write to (created if needed), the --data_dir of
      the tutorial's scripts.
    records_per_file: records in each of the six .bin files.
    seed: random seed.
    out: stream for progress lines; sys.stdout when None.

  Returns:
    str, the path of the 'cifar-10-batches-bin' directory.

  Raises:
    ValueError: if data_dir already holds files that are not synthetic; they
      are never overwritten.
  """
  out = sys.stdout if out is None else out
  batches_dir = os.path.join(data_dir, cifar10_download.EXTRACTED_DIR)
  if (tf.gfile.IsDirectory(batches_dir) and tf.gfile.ListDirectory(batches_dir)
      and not cifar10_input.is_synthetic(batches_dir)):
    raise ValueError(
        '%s holds data that cifar10_synthetic did not write (the real '
        'CIFAR-10 set?); not overwriting it. Choose another --data_dir.'
        % batches_dir)
  tf.gfile.MakeDirs(data_dir)
  prefix = '.%s.' % cifar10_download.EXTRACTED_DIR
  new_dir = tempfile.mkdtemp(prefix=prefix + 'writing-', dir=data_dir)
  old_dir = None
  try:
    os.chmod(new_dir, 0o777 & ~_umask())  # mkdtemp's is private (0700).
    for name, data in _files(records_per_file, seed, out):
      with open(os.path.join(new_dir, name), 'wb') as f:
        f.write(data)
    if os.path.isdir(batches_dir) and os.listdir(batches_dir):
      # The synthetic set there is moved aside, then removed once the new one
      # is in place: a set is never half old and half new.
      old_dir = tempfile.mkdtemp(prefix=prefix + 'old-', dir=data_dir)
      os.rename(batches_dir, old_dir)
      out.write('Replacing the synthetic set in %s.\n' % batches_dir)
    os.rename(new_dir, batches_dir)  # Replaces an empty directory too.
    new_dir = None
  finally:
    if new_dir is not None:
      shutil.rmtree(new_dir, ignore_errors=True)
      if old_dir is not None:
        if os.path.lexists(batches_dir):
          os.rmdir(old_dir)  # Made, but the previous set was not moved yet.
        else:
          os.rename(old_dir, batches_dir)  # Put the previous set back.
        old_dir = None
  if old_dir is not None:
    for name in os.listdir(old_dir):
      path = os.path.join(old_dir, name)
      if name in _FILE_NAMES:
        os.remove(path)
      else:  # Not ours: moved into the new set's directory, never deleted.
        os.rename(path, os.path.join(batches_dir, name))
    os.rmdir(old_dir)
  return batches_dir


def is_synthetic_archive(path):
  """Tells whether path is a .tar.gz written by write_archive.

  Args:
    path: str, any path.

  Returns:
    True if path is a tar archive holding the synthetic marker member.
  """
  marker = '%s/%s' % (cifar10_download.EXTRACTED_DIR,
                      cifar10_input.SYNTHETIC_MARKER)
  try:
    with tarfile.open(path, 'r:*') as tar:
      return any(member.name == marker for member in tar)
  except (tarfile.TarError, EOFError, OSError, zlib.error):
    return False


def write_archive(archive_path, records_per_file=10000, seed=0, out=None):
  """Writes the synthetic set as a .tar.gz laid out like the real archive.

  The archive is written under a temporary name beside archive_path and
  renamed to it when complete. An existing file at archive_path is only
  replaced if it is itself a synthetic archive.

  Args:
    archive_path: path of the .tar.gz to write.
    records_per_file: records in each of the six .bin files.
    seed: random seed.
    out: stream for progress lines; sys.stdout when None.

  Returns:
    str, archive_path.

  Raises:
    ValueError: archive_path exists and is not a synthetic archive.
  """
  out = sys.stdout if out is None else out
  if os.path.lexists(archive_path):
    if not is_synthetic_archive(archive_path):
      raise ValueError(
          '%s already exists and is not an archive written by '
          'cifar10_synthetic; not overwriting it. Pass another --archive '
          'path, or remove that file yourself.' % archive_path)
    out.write('Replacing %s, a synthetic archive written earlier by '
              'cifar10_synthetic.\n' % archive_path)
  directory = os.path.dirname(os.path.abspath(archive_path))
  tf.gfile.MakeDirs(directory)
  name = '.' + os.path.basename(archive_path)
  cifar10_download.remove_leftovers(directory, name, 'partial', out)
  fd, tmp_path = tempfile.mkstemp(
      prefix=cifar10_download.scratch_prefix(name, 'partial'), dir=directory)
  try:
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp's is private (0600).
    with os.fdopen(fd, 'wb') as f, tarfile.open(fileobj=f, mode='w:gz') as tar:
      for name, data in _files(records_per_file, seed, out):
        info = tarfile.TarInfo(cifar10_download.EXTRACTED_DIR + '/' + name)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    os.replace(tmp_path, archive_path)
    tmp_path = None
  finally:
    if tmp_path is not None:
      os.remove(tmp_path)
  return archive_path


def main(argv=None):  # pylint: disable=unused-argument
  target = FLAGS.archive or FLAGS.data_dir
  try:
    if FLAGS.dataset == 'svhn':
      if FLAGS.archive:
        sys.exit('cifar10_synthetic: error: --archive writes the CIFAR-10 '
                 'archive; SVHN comes as .mat files in --data_dir: drop '
                 '--archive.')
      paths = cifar10_svhn.write_synthetic(FLAGS.data_dir, make_records,
                                           FLAGS.records_per_file, FLAGS.seed)
      print('Wrote SYNTHETIC SVHN-format files (%d and %d images, seed %d): '
            '%s' % (5 * FLAGS.records_per_file, FLAGS.records_per_file,
                    FLAGS.seed, ', '.join(paths)))
      return
    if FLAGS.archive:
      path = write_archive(FLAGS.archive, FLAGS.records_per_file, FLAGS.seed)
    else:
      path = write_data_set(FLAGS.data_dir, FLAGS.records_per_file, FLAGS.seed)
  except ValueError as e:
    sys.exit('cifar10_synthetic: error: %s' % e)
  except OSError as e:  # A full disk, say: what was there before is intact.
    sys.exit('cifar10_synthetic: error: Cannot write to %s: %s' % (target, e))
  except KeyboardInterrupt:
    # The writers removed their temporary files; what was there is intact.
    sys.stderr.write('cifar10_synthetic: interrupted; nothing was written to '
                     '%s.\n' % target)
    sys.exit(130)
  print('Wrote a SYNTHETIC CIFAR-10-format data set (%d records per file, '
        'seed %d) to %s' % (FLAGS.records_per_file, FLAGS.seed, path))


def run():
  """Entry point of `python -m cifar10.cifar10_synthetic` and the command."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
