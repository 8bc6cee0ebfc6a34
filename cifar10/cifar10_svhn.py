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

"""The Street View House Numbers (SVHN) data set, as CIFAR-10 records.

The tutorial's last exercise swaps SVHN in for CIFAR-10. SVHN's cropped
digits (http://ufldl.stanford.edu/housenumbers/, format 2) come as MATLAB 5
files, train_32x32.mat and test_32x32.mat, each holding `X`, uint8 images of
shape [32, 32, 3, N], and `y`, labels of shape [N, 1] from 1 to 10, where 10
is the digit 0. They are fetched into --data_dir (or used if already there,
once their structure is checked) and converted once into the CIFAR-10 binary
format in --data_dir/svhn-batches-bin, laid out as cifar-10-batches-bin
(data_batch_1..5.bin, test_batch.bin, batches.meta.txt), with label d for
the digit d. The input pipeline and the model then read them unchanged.

The conversion is redone when the .mat files change (their size or
modification time), or when a converted file goes missing or changes size.
It is written beside svhn-batches-bin and renamed into place whole, so a
trainer or evaluator reading it never finds it half replaced, and
conversions of one --data_dir take turns (the lock of cifar10_dirs.DirLock,
--data_dir/.cifar10.lock): a second process waits, then uses the first one's
conversion.

The MATLAB 5 files are read with cifar10_matfile (numpy and zlib).

Summary of available functions:

 # The images and labels of an SVHN .mat file, checked.
 images, labels, synthetic = load_svhn_mat(path)

 # --data_dir/svhn-batches-bin, downloading and converting if needed.
 batches_dir = maybe_download_and_convert(data_dir)

 # SVHN-format .mat files of the synthetic classes, for offline runs.
 write_synthetic(data_dir, make_records, records_per_file, seed)

This module does not import TensorFlow.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import collections
import contextlib
import errno
import io
import os
import shutil
import sys

import numpy as np

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_download
  from cifar10 import cifar10_matfile
else:
  import cifar10_dirs
  import cifar10_download
  import cifar10_matfile

SVHN_URL = 'http://ufldl.stanford.edu/housenumbers/'

MatFile = collections.namedtuple('MatFile',
                                 ['name', 'size', 'md5', 'num_images'])
TRAIN_MAT = MatFile('train_32x32.mat', 182040794,
                    'e26dedcc434d2e4c54c9b2d4a06d8373', 73257)
TEST_MAT = MatFile('test_32x32.mat', 64275384,
                   'eb5a983be6a315427106f1b164d9cef3', 26032)
NUM_TRAIN = TRAIN_MAT.num_images
NUM_TEST = TEST_MAT.num_images

# The converted set, laid out as the extracted CIFAR-10 archive.
BATCHES_DIR = 'svhn-batches-bin'
TRAIN_FILES = tuple('data_batch_%d.bin' % i for i in range(1, 6))
TEST_FILES = ('test_batch.bin',)
META_FILE = 'batches.meta.txt'
# Which .mat files (by name, size and modification time) a conversion was
# made from, and the size of each file it wrote.
SOURCE_FILE = 'converted_from.txt'
CLASS_NAMES = tuple(str(digit) for digit in range(10))

_SIZE = 32
_RECORD_BYTES = 1 + _SIZE * _SIZE * 3
# The header text of the synthetic files: read back, it marks the converted
# set as synthetic (cifar10_download.SYNTHETIC_MARKER).
_SYNTHETIC_HEADER = ('MATLAB 5.0 MAT-file, SYNTHETIC SVHN-format data written '
                     'by cifar10_synthetic (seed %d), not SVHN')

# Scratch directories beside svhn-batches-bin (cifar10_download's names,
# which say whose they are): a conversion being written, and a replaced one
# being removed.
_SCRATCH_NAME = '.' + BATCHES_DIR
_CONVERTING = 'converting'
_REPLACED = 'replaced'


class SVHNError(cifar10_dirs.UserError, ValueError):
  """An SVHN .mat file is not what it should be, or cannot be converted."""


def load_svhn_mat(path):
  """The images and labels of an SVHN format-2 .mat file, checked.

  Args:
    path: str, e.g. --data_dir/train_32x32.mat.

  Returns:
    images: [32, 32, 3, N] uint8 array, as in the file (MATLAB's layout).
    labels: [N] uint8 array, 0-9 (SVHN's 10, the digit 0, becomes 0).
    synthetic: bool, whether write_synthetic() wrote the file.

  Raises:
    SVHNError: naming the file and what is wrong with it.
  """
  def bad(reason):
    return SVHNError(
        '%s is not an SVHN .mat file: %s. Delete it to download it again, or '
        'generate a synthetic one with `python -m cifar10.cifar10_synthetic '
        '--dataset=svhn --data_dir=DIR`.' % (path, reason))
  try:
    arrays, header = cifar10_matfile.read_mat(path, names=('X', 'y'))
  except cifar10_matfile.MatFileError as e:
    raise bad(str(e))
  except (IOError, OSError) as e:
    raise SVHNError('Cannot read %s: %s.' % (path, e.strerror or e))
  for name in ('X', 'y'):
    if name not in arrays:
      raise bad('it has no numeric variable %s' % name)
  images, y = arrays['X'], arrays['y']
  if (images.dtype != np.uint8 or images.ndim != 4 or
      images.shape[:3] != (_SIZE, _SIZE, 3)):
    raise bad('X is %s %s, not uint8 32x32x3xN' % (
        images.dtype, 'x'.join(map(str, images.shape))))
  n = images.shape[3]
  if y.shape != (n, 1):
    raise bad('y is %s for %d images, not %dx1' % (
        'x'.join(map(str, y.shape)), n, n))
  values = y.reshape(-1)
  wrong = np.flatnonzero((values != np.round(values)) | (values < 1) |
                         (values > 10))
  if wrong.size:
    raise bad('label %s of image %d is not 1-10' % (values[wrong[0]],
                                                     wrong[0] + 1))
  labels = (values.astype(np.int64) % 10).astype(np.uint8)
  return images, labels, header.startswith(_SYNTHETIC_HEADER.split(' (')[0])


def _write_records(path, images, labels):
  """Writes [32, 32, 3, n] MATLAB-layout images as CIFAR-10 records."""
  # Column-major [row, column, channel, n] -> [n, channel, row, column]:
  # each record's planes, row-major, as the CIFAR-10 files hold them.
  planes = images.transpose(3, 2, 0, 1).reshape(len(labels),
                                                _RECORD_BYTES - 1)
  with open(path, 'wb') as f:
    f.write(np.concatenate([labels[:, None], planes], axis=1).tobytes())


def _sources(data_dir):
  """The lines naming the .mat files a conversion is made from.

  Each holds a file's name, size and modification time in nanoseconds: a
  file written again (or replaced by another) changes them.

  Raises:
    OSError: if a file is missing or cannot be examined.
  """
  lines = []
  for mat in (TRAIN_MAT, TEST_MAT):
    st = os.stat(os.path.join(data_dir, mat.name))
    lines.append('%s %d %d\n' % (mat.name, st.st_size, st.st_mtime_ns))
  return ''.join(lines)


_Record = collections.namedtuple('_Record', ['sources', 'sizes'])
_OUTPUT_FILES = TRAIN_FILES + TEST_FILES + (META_FILE,)


def _converted_from(batches_dir):
  """The record of the conversion in batches_dir (its SOURCE_FILE).

  Returns:
    _Record(sources, sizes), or None if there is none: sources, the
    _sources() lines of the .mat files it was made from; sizes, dict of each
    file it wrote to its size in bytes (empty in a record of an earlier
    version of this module, which kept only the .mat files' names and sizes).
  """
  try:
    with open(os.path.join(batches_dir, SOURCE_FILE)) as f:
      text = f.read()
  except (IOError, OSError, UnicodeDecodeError):
    return None
  sources, sizes = [], {}
  for line in text.splitlines():
    fields = line.split()
    if fields and fields[0].endswith('.mat'):
      sources.append(line + '\n')
    elif len(fields) == 2 and fields[1].isdigit():
      sizes[fields[0]] = int(fields[1])
  return _Record(''.join(sources), sizes)


def _damage(batches_dir, sizes):
  """What is wrong with the converted files, or None if they are whole.

  Args:
    batches_dir: str, svhn-batches-bin.
    sizes: dict of file name to the size the conversion wrote; a file not in
      it must hold a non-zero, whole number of records.

  Returns:
    str, e.g. 'data_batch_3.bin is missing', or None.
  """
  for name in _OUTPUT_FILES:
    path = os.path.join(batches_dir, name)
    if not os.path.isfile(path):
      return '%s is missing' % name
    size = os.path.getsize(path)
    if name in sizes:
      if size != sizes[name]:
        return '%s has %d bytes, not the %d it was written with' % (
            name, size, sizes[name])
    elif name != META_FILE and (size == 0 or size % _RECORD_BYTES):
      return '%s has %d bytes, not a whole number of %d-byte records' % (
          name, size, _RECORD_BYTES)
  return None


def _reuse(data_dir):
  """Tells whether data_dir/svhn-batches-bin can be used as it is.

  Returns:
    None if it can: it is whole, and made from the .mat files in data_dir
    as they are now (by name and size in an earlier version's record), or
    they were removed after converting. Otherwise ''
    if there is no conversion, or one of other .mat files; or, if it is
    damaged, how.
  """
  batches_dir = os.path.join(data_dir, BATCHES_DIR)
  record = _converted_from(batches_dir)
  if record is None:
    return ''
  damage = _damage(batches_dir, record.sizes)
  if damage:
    return damage
  try:
    current = _sources(data_dir)
  except OSError:
    return None  # The .mat files were removed after converting.
  if not record.sizes:
    # A record of an earlier version names the .mat files by name and size
    # only; converting again for want of the times would fail on a shared,
    # read-only --data_dir.
    current = ''.join(' '.join(line.split()[:2]) + '\n'
                      for line in current.splitlines())
  return None if current == record.sources else ''


def _write_error(data_dir, e):
  """The SVHNError for a conversion that could not be written (OSError e)."""
  if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
    fix = ('Free some space there (SVHN takes about 305 MB converted) or '
           'choose another --data_dir')
  elif e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
    fix = 'Make it writable or choose another --data_dir'
  else:
    fix = ('Free some space or make it writable, or choose another '
           '--data_dir')
  return SVHNError(
      'Cannot write the SVHN conversion into --data_dir=%s: %s. %s; the .mat '
      'files and any earlier %s there are kept.' % (
          data_dir, e.strerror or e, fix, BATCHES_DIR))


@contextlib.contextmanager
def _taking_turns(data_dir, log):
  """Holds --data_dir's lock (cifar10_dirs.DirLock): conversions take turns.

  A process that finds another converting says by whom, and waits.

  Raises:
    cifar10_dirs.DirError: if the lock file cannot be made (a read-only
      --data_dir).
  """
  def say(holder):
    log.write('Waiting for %s, which is converting the SVHN files in %s.\n'
              % (holder, data_dir))
    log.flush()
  lock = cifar10_dirs.DirLock.acquire(data_dir, 'data_dir', wait=say)
  try:
    yield
  finally:
    lock.release()


def _scratch_path(data_dir, kind):
  """A new name beside svhn-batches-bin that says it is this process's."""
  return os.path.join(data_dir, cifar10_download.scratch_prefix(
      _SCRATCH_NAME, kind) + os.urandom(4).hex())


def _put_in_place(work, batches_dir, data_dir):
  """Makes the finished conversion in `work` data_dir/svhn-batches-bin.

  A reader (a trainer, an evaluator) never finds svhn-batches-bin half
  replaced: an earlier conversion is renamed aside just before the new one
  is renamed in, and removed after.
  """
  if not os.path.lexists(batches_dir):
    os.rename(work, batches_dir)
    return
  old = _scratch_path(data_dir, _REPLACED)
  os.rename(batches_dir, old)
  try:
    os.rename(work, batches_dir)
  except BaseException:
    os.rename(old, batches_dir)
    raise
  shutil.rmtree(old, ignore_errors=True)


def convert(data_dir, out=None):
  """Converts data_dir's two .mat files into data_dir/svhn-batches-bin.

  The records are written to a scratch directory beside it, which then
  takes its place in one step, so neither an interrupted conversion nor a
  reader at the same time finds anything half done. Conversions of one
  data_dir take turns (a lock in it), and scratch directories that killed
  processes left are removed first. An earlier conversion of other .mat
  files (e.g. synthetic ones) is replaced; it is derived data.

  Args:
    data_dir: str, holding train_32x32.mat and test_32x32.mat.
    out: stream for the progress line; None: quiet.

  Returns:
    str, the path of svhn-batches-bin.

  Raises:
    SVHNError: if a .mat file is not SVHN data, or the conversion cannot be
      written (a full disk, a read-only --data_dir); what was in data_dir
      is then kept as it was.
  """
  log = out if out is not None else io.StringIO()
  with _taking_turns(data_dir, log):
    return _convert(data_dir, out)


def _convert(data_dir, out):
  """convert(), with the conversion lock held."""
  log = out if out is not None else io.StringIO()
  batches_dir = os.path.join(data_dir, BATCHES_DIR)
  if os.path.islink(batches_dir) or (os.path.lexists(batches_dir) and
                                     not os.path.isdir(batches_dir)):
    raise SVHNError('%s is not a directory of converted files; move it '
                    'aside so that the SVHN files can be converted there.'
                    % batches_dir)
  for kind in (_CONVERTING, _REPLACED):
    cifar10_download.remove_leftovers(data_dir, _SCRATCH_NAME, kind, log)
  try:
    # Taken first: a file that changes while it is read is converted again
    # next time.
    sources = _sources(data_dir)
  except OSError as e:
    raise SVHNError('Cannot read %s: %s. Put SVHN\'s %s and %s in %s.' % (
        e.filename, e.strerror or e, TRAIN_MAT.name, TEST_MAT.name,
        data_dir))
  work = None
  try:
    work = _scratch_path(data_dir, _CONVERTING)
    os.mkdir(work)  # Mode 0777 less the umask, as any new directory.
    synthetic = False
    counts = []
    for mat, names in ((TRAIN_MAT, TRAIN_FILES), (TEST_MAT, TEST_FILES)):
      path = os.path.join(data_dir, mat.name)
      images, labels, marked = load_svhn_mat(path)
      if len(labels) < len(names):
        raise SVHNError(
            '%s has %d images, fewer than the %d files it fills. Delete it '
            'to download SVHN\'s file again, or write synthetic files with '
            '`python -m cifar10.cifar10_synthetic --dataset=svhn '
            '--data_dir=%s`.' % (path, len(labels), len(names), data_dir))
      synthetic = synthetic or marked
      counts.append(len(labels))
      # Split as evenly as the CIFAR-10 files are (73,257 = 14,652 x 2 +
      # 14,651 x 3): the readers take the same file names.
      bounds = np.linspace(0, len(labels), len(names) + 1).astype(int)
      for name, lo, hi in zip(names, bounds[:-1], bounds[1:]):
        _write_records(os.path.join(work, name), images[..., lo:hi],
                       labels[lo:hi])
      del images
    with open(os.path.join(work, META_FILE), 'w') as f:
      f.write('\n'.join(CLASS_NAMES) + '\n')
    if synthetic:
      with open(os.path.join(work, cifar10_download.SYNTHETIC_MARKER),
                'w') as f:
        f.write('Converted from SYNTHETIC SVHN-format .mat files written by '
                'cifar10_synthetic;\nthey are NOT the SVHN data set.\n')
    with open(os.path.join(work, SOURCE_FILE), 'w') as f:
      f.write(sources + ''.join(
          '%s %d\n' % (name, os.path.getsize(os.path.join(work, name)))
          for name in _OUTPUT_FILES))
    _put_in_place(work, batches_dir, data_dir)
  except OSError as e:
    raise _write_error(data_dir, e)
  finally:
    if work is not None and os.path.isdir(work):
      shutil.rmtree(work, ignore_errors=True)
  if out is not None:
    out.write('Converted %s (%d images) and %s (%d images) to %s\n' % (
        TRAIN_MAT.name, counts[0], TEST_MAT.name, counts[1], batches_dir))
    out.flush()
  return batches_dir


def maybe_download_and_convert(data_dir, url=SVHN_URL, out=sys.stdout,
                               deadline_secs=None):
  """Makes data_dir/svhn-batches-bin, fetching the .mat files if needed.

  A .mat file already in data_dir is used as it is (its structure is
  checked when it is converted); a missing one is downloaded from `url`
  through cifar10_download.fetch, which keeps it only once its size and MD5
  are those of the SVHN release. The conversion runs once: again only if
  the .mat files change (their size or modification time), or if a
  converted file is missing or no longer has the size it was written with.
  A process that finds another converting waits for it and uses its
  conversion.

  Args:
    data_dir: str, --data_dir.
    url: base URL of the two files (SVHN's site, or a mirror).
    out: stream for progress lines; None: quiet.
    deadline_secs: seconds each download attempt may take; None: fetch's
      default.

  Returns:
    str, the path of svhn-batches-bin.

  Raises:
    cifar10_download.DownloadError: if a download fails or does not verify.
    cifar10_dirs.DirError: if data_dir is a file.
    SVHNError: if a .mat file is not SVHN data, one is missing and url is
      not an http(s)://, ftp:// or file:// URL, data_dir cannot be created,
      the conversion cannot be written, or svhn-batches-bin is damaged and
      the .mat files to convert again are gone.
  """
  log = out if out is not None else io.StringIO()
  batches_dir = os.path.join(data_dir, BATCHES_DIR)
  mats = [os.path.join(data_dir, m.name) for m in (TRAIN_MAT, TEST_MAT)]
  damage = _reuse(data_dir)
  if damage is None:
    return batches_dir
  if damage and not all(os.path.isfile(p) for p in mats):
    again = ''
    if os.path.exists(os.path.join(batches_dir,
                                   cifar10_download.SYNTHETIC_MARKER)):
      again = (', or write synthetic files again with `python -m '
               'cifar10.cifar10_synthetic --dataset=svhn --data_dir=%s`'
               % data_dir)
    raise SVHNError(
        '%s is damaged (%s), and the .mat files it was converted from are '
        'no longer in %s. Delete %s and run again to download and convert '
        'SVHN anew%s.' % (batches_dir, damage, data_dir, batches_dir, again))
  if (not all(os.path.isfile(p) for p in mats) and
      not cifar10_download.is_download_url(url)):
    raise SVHNError(
        '--svhn_url=%s is not an http://, https://, ftp:// or file:// URL. '
        'Pass the URL of the directory holding %s and %s, e.g. '
        '--svhn_url=file:///path/to/svhn/ (default %s).'
        % (url, TRAIN_MAT.name, TEST_MAT.name, SVHN_URL))
  cifar10_dirs.check_directory_flag('data_dir', data_dir)
  try:
    os.makedirs(data_dir, exist_ok=True)
  except OSError as e:
    raise SVHNError('Cannot create --data_dir=%s: %s%s. Pass a directory '
                    'that can be created and written.' % (
                        data_dir, e.strerror or e,
                        '' if e.filename in (None, data_dir) else
                        ' (%s)' % e.filename))
  for mat, path in zip((TRAIN_MAT, TEST_MAT), mats):
    if not os.path.isfile(path):
      deadline = {} if deadline_secs is None else {
          'deadline_secs': deadline_secs}
      cifar10_download.fetch(url.rstrip('/') + '/' + mat.name, path,
                             expected_size=mat.size, expected_md5=mat.md5,
                             out=out, **deadline)
  with _taking_turns(data_dir, log):
    # Another process may have converted meanwhile.
    damage = _reuse(data_dir)
    if damage is None:
      return batches_dir
    if damage:
      log.write('%s is damaged (%s); converting the .mat files again.\n'
                % (batches_dir, damage))
    return _convert(data_dir, out)


def write_synthetic(data_dir, make_records, records_per_file=10000, seed=0):
  """Writes SVHN-format train_32x32.mat and test_32x32.mat of synthetic data.

  The images are labelled as SVHN does (the class 0 as 10); the header text
  marks the files as synthetic, and so does their conversion. Files that are
  not synthetic are never overwritten.

  Args:
    data_dir: str, created if needed.
    make_records: cifar10_synthetic.make_records (its colour and stripe
      classes): function of (num_records, seed) returning [n] uint8 labels
      0-9 and [n, 3, 32, 32] uint8 depth-major images.
    records_per_file: the test file's images; the training file has five
      times as many, as the CIFAR-10 layout.
    seed: random seed.

  Returns:
    list of the two paths.

  Raises:
    ValueError: if data_dir holds .mat files that are not synthetic.
  """
  if not os.path.isdir(data_dir):
    os.makedirs(data_dir)
  files = ((TRAIN_MAT, 5 * records_per_file), (TEST_MAT, records_per_file))
  paths = [os.path.join(data_dir, mat.name) for mat, _ in files]
  for path in paths:
    if os.path.exists(path):
      try:
        _, _, synthetic = load_svhn_mat(path)
      except SVHNError:
        synthetic = False
      if not synthetic:
        raise ValueError('%s is not a synthetic file (the real SVHN?); not '
                         'overwriting it. Choose another --data_dir.' % path)
  for i, ((_, n), path) in enumerate(zip(files, paths)):
    labels, images = make_records(n, seed * 100 + i)
    # Depth-major [n, 3, 32, 32] -> MATLAB's [32, 32, 3, n]; SVHN's 10 for 0.
    x = np.ascontiguousarray(images.transpose(2, 3, 1, 0))
    y = np.where(labels == 0, 10, labels).astype(np.float64)[:, None]
    # Written beside it and renamed over it: a full disk leaves the file
    # that was there.
    scratch = os.path.join(data_dir, cifar10_download.scratch_prefix(
        os.path.basename(path), 'writing') + os.urandom(4).hex())
    try:
      cifar10_matfile.write_mat(scratch, [('X', x), ('y', y, np.uint8)],
                                header_text=_SYNTHETIC_HEADER % seed)
      os.replace(scratch, path)
    finally:
      if os.path.exists(scratch):
        os.remove(scratch)
  return paths
