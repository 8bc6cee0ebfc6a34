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
"""--dataset=svhn when things go wrong: damaged .mat files, a --data_dir
that cannot be created or written, a full disk, .mat files that change, two
conversions at once, a damaged conversion.

Each ends in one SVHNError line naming the file or directory and the fix
(the scripts print it as one line), and nothing the user had is lost.
"""

import errno
import hashlib
import io
import os
import random
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from cifar10 import cifar10_dirs
from cifar10 import cifar10_matfile
from cifar10 import cifar10_svhn
from cifar10 import cifar10_synthetic
from conftest import REPO, run_module, script_env
from test_svhn import MI_INT32, MI_INT8, MI_UINT32, MI_UINT8
from test_svhn import _hand_built, _header, _sub

LOCK = '.cifar10.lock'
BATCHES = 'svhn-batches-bin'


def _message(path):
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.load_svhn_mat(str(path))
  return str(e.value)


def _snapshot(directory):
  """{name: md5} of the files in directory."""
  result = {}
  for name in sorted(os.listdir(directory)):
    with open(os.path.join(directory, name), 'rb') as f:
      result[name] = hashlib.md5(f.read()).hexdigest()
  return result


def _conversion_error(data_dir):
  """The SVHNError message of converting data_dir's .mat files."""
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.maybe_download_and_convert(str(data_dir), out=None)
  return str(e.value)


def _labels(batches, name='test_batch.bin'):
  data = np.fromfile(os.path.join(batches, name), np.uint8)
  return data.reshape(-1, 3073)[:, 0].tolist()


def _converted(tmp_path, train=(1, 2, 3, 4, 5, 6, 7), test=(8, 9, 0, 1, 2)):
  """Hand-built .mat files in tmp_path, converted; returns batches dir."""
  _hand_built(str(tmp_path / 'train_32x32.mat'), list(train), compress=False)
  _hand_built(str(tmp_path / 'test_32x32.mat'), list(test), compress=False)
  return cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)


def _svhn_trainer_error(data_dir, tmp_path):
  """cifar10_train --dataset=svhn on data_dir, failing: its error line."""
  proc = run_module('cifar10_train', '--dataset=svhn',
                    '--data_dir=%s' % data_dir,
                    '--svhn_url=http://127.0.0.1:9/',
                    '--train_dir=%s' % (tmp_path / 'train'), '--max_steps=1',
                    check=False)
  assert proc.returncode == 1, proc.stderr
  assert 'Traceback' not in proc.stderr
  return proc.stderr.strip().splitlines()[-1]


def _later(path, seconds=5):
  """Moves path's modification time on, as a later write would."""
  st = os.stat(path)
  os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


# --- 1. Damaged .mat files ---------------------------------------------------


def test_a_corrupt_compressed_element_is_one_error(tmp_path):
  path = tmp_path / 'train_32x32.mat'
  _hand_built(str(path), [1, 2, 3], compress=True, extra=False)
  good = bytearray(path.read_bytes())
  # Two bytes in the middle of X's zlib stream (after header and tag).
  middle = 128 + 8 + 200
  good[middle] ^= 0x55
  good[middle + 1] ^= 0xaa
  path.write_bytes(bytes(good))
  message = _message(path)
  assert message.startswith(
      '%s is not an SVHN .mat file: a compressed element is damaged (' % path)
  assert 'while decompressing data' in message
  assert message.endswith('Delete it to download it again, or generate a '
                          'synthetic one with `python -m '
                          'cifar10.cifar10_synthetic --dataset=svhn '
                          '--data_dir=DIR`.')


def test_empty_array_flags_are_one_error(tmp_path):
  path = tmp_path / 'test_32x32.mat'
  body = (_sub(MI_UINT32, b'', False) +
          _sub(MI_INT32, struct.pack('<4i', 32, 32, 3, 1)) +
          _sub(MI_INT8, b'X') + _sub(MI_UINT8, bytes(3072), False))
  path.write_bytes(_header() + struct.pack('<II', 14, len(body)) + body)
  assert _message(path).startswith(
      '%s is not an SVHN .mat file: a matrix element has empty array flags. '
      'Delete it' % path)


@pytest.mark.parametrize('compress', [True, False])
def test_any_damage_to_a_mat_file_is_one_error(tmp_path, compress):
  """Every byte flipped, pairs of bytes flipped, every length cut off:
  the file loads, or fails with SVHNError naming it; nothing else."""
  path = tmp_path / 'train_32x32.mat'
  _hand_built(str(path), [1, 0], compress=compress)
  good = path.read_bytes()
  rng = random.Random(7)
  variants = []
  for i in range(len(good)):
    if compress or i < 160 or i % 16 == 0:  # Skip most pixel bytes.
      variants.append(good[:i] + bytes([good[i] ^ 0xff]) + good[i + 1:])
  for _ in range(400):
    data = bytearray(good)
    for i in rng.sample(range(len(good)), 2):
      data[i] = rng.randrange(256)
    variants.append(bytes(data))
  variants += [good[:n] for n in range(0, len(good), 5)]
  failures = 0
  for data in variants:
    path.write_bytes(data)
    try:
      cifar10_svhn.load_svhn_mat(str(path))
    except cifar10_svhn.SVHNError as e:
      assert str(e).startswith('%s is not an SVHN .mat file: ' % path), e
      assert '\n' not in str(e)
      failures += 1
  assert failures > len(variants) // 4


# --- 2. A --data_dir that cannot be created ----------------------------------


def test_a_data_dir_under_a_file_is_one_error(tmp_path):
  (tmp_path / 'file').write_text('mine')
  data_dir = str(tmp_path / 'file' / 'svhn')
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.maybe_download_and_convert(data_dir, 'http://127.0.0.1:9/',
                                            out=None)
  assert str(e.value).startswith(
      'Cannot create --data_dir=%s: Not a directory' % data_dir)
  assert str(e.value).endswith('Pass a directory that can be created and '
                               'written.')
  assert (tmp_path / 'file').read_text() == 'mine'


def test_a_data_dir_on_a_read_only_disk_is_one_error(tmp_path, monkeypatch):
  def makedirs(path, *args, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
  monkeypatch.setattr(os, 'makedirs', makedirs)
  data_dir = str(tmp_path / 'ro' / 'svhn')
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.maybe_download_and_convert(data_dir, 'http://127.0.0.1:9/',
                                            out=None)
  assert str(e.value) == (
      'Cannot create --data_dir=%s: Read-only file system. Pass a directory '
      'that can be created and written.' % data_dir)


def test_the_trainer_says_so_in_one_line(tmp_path):
  (tmp_path / 'file').write_text('mine')
  data_dir = tmp_path / 'file' / 'svhn'
  assert _svhn_trainer_error(data_dir, tmp_path).startswith(
      'cifar10_train: error: Cannot create --data_dir=%s: Not a directory'
      % data_dir)


# --- 3. A full disk, a read-only --data_dir ----------------------------------


def _leftovers(data_dir):
  return sorted(n for n in os.listdir(data_dir)
                if n not in ('train_32x32.mat', 'test_32x32.mat', BATCHES,
                             LOCK))


def test_a_full_disk_keeps_the_earlier_conversion(tmp_path, monkeypatch):
  batches = _converted(tmp_path)
  before = _snapshot(batches)
  # New test images: the conversion is due again, and the disk fills up
  # while it writes.
  _hand_built(str(tmp_path / 'test_32x32.mat'), [4, 4, 4, 4, 4],
              compress=False)
  _later(str(tmp_path / 'test_32x32.mat'))
  write = cifar10_svhn._write_records
  calls = []

  def full(path, images, labels):
    calls.append(path)
    if len(calls) == 3:
      with open(path, 'wb') as f:
        f.write(b'\0' * 100)
      raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
    write(path, images, labels)
  monkeypatch.setattr(cifar10_svhn, '_write_records', full)
  assert _conversion_error(tmp_path) == (
      'Cannot write the SVHN conversion into --data_dir=%s: No space left on '
      'device. Free some space there (SVHN takes about 305 MB converted) or '
      'choose another --data_dir; the .mat files and any earlier '
      'svhn-batches-bin there are kept.' % tmp_path)
  assert _snapshot(batches) == before
  assert _leftovers(tmp_path) == []
  # With space again, the new files are converted.
  monkeypatch.setattr(cifar10_svhn, '_write_records', write)
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert _labels(batches) == [4, 4, 4, 4, 4]


def test_a_real_file_size_limit_keeps_the_earlier_conversion(tmp_path):
  """The write fails in the kernel (EFBIG, as ENOSPC would), in a process
  of its own: one line, the earlier conversion intact, nothing left."""
  data_dir = str(tmp_path)
  cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 40)
  batches = cifar10_svhn.maybe_download_and_convert(data_dir, out=None)
  before = _snapshot(batches)
  cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 40,
                               seed=1)

  def limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (50000, 50000))
  code = ('import sys\n'
          'from cifar10 import cifar10_svhn\n'
          'try:\n'
          '  cifar10_svhn.maybe_download_and_convert(sys.argv[1])\n'
          'except cifar10_svhn.SVHNError as e:\n'
          '  sys.exit("error: %s" % e)\n')
  proc = subprocess.run([sys.executable, '-c', code, data_dir], cwd=REPO,
                        env=script_env(), preexec_fn=limit,
                        capture_output=True, text=True, timeout=120)
  assert proc.returncode == 1, proc.stderr
  assert proc.stderr == (
      'error: Cannot write the SVHN conversion into --data_dir=%s: File too '
      'large. Free some space there (SVHN takes about 305 MB converted) or '
      'choose another --data_dir; the .mat files and any earlier '
      'svhn-batches-bin there are kept.\n' % data_dir)
  assert _snapshot(batches) == before
  assert _leftovers(data_dir) == []


def test_a_read_only_data_dir_is_one_error(tmp_path, monkeypatch):
  _hand_built(str(tmp_path / 'train_32x32.mat'), [1] * 5, compress=False)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [2], compress=False)
  real_open = os.open

  def read_only_open(path, flags, *args, **kwargs):
    if flags & os.O_CREAT:
      raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
    return real_open(path, flags, *args, **kwargs)
  monkeypatch.setattr(os, 'open', read_only_open)
  with pytest.raises(cifar10_dirs.DirError) as e:
    cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert str(e.value) == (
      'Cannot write to --data_dir=%s: %s: Read-only file system. Choose a '
      'writable directory; what is there is kept.' % (tmp_path,
                                                      tmp_path / LOCK))
  monkeypatch.undo()
  # The lock file there already (a directory made read-only later): the
  # scratch directory cannot be made.
  (tmp_path / LOCK).write_text('')

  def read_only_mkdir(path, *args, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
  monkeypatch.setattr(os, 'mkdir', read_only_mkdir)
  with pytest.raises(cifar10_svhn.SVHNError, match='Read-only file system. '
                     'Make it writable'):
    cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert _leftovers(tmp_path) == []
  assert not (tmp_path / BATCHES).exists()


# --- 4. .mat files that change -----------------------------------------------


def test_a_rewritten_mat_file_of_the_same_size_is_converted_again(tmp_path):
  batches = _converted(tmp_path)
  path = str(tmp_path / 'test_32x32.mat')
  size = os.path.getsize(path)
  _hand_built(path, [7, 7, 7, 7, 7], compress=False)
  _later(path)
  assert os.path.getsize(path) == size
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert _labels(batches) == [7, 7, 7, 7, 7]
  with open(os.path.join(batches, 'converted_from.txt')) as f:
    record = f.read().splitlines()
  st = os.stat(path)
  assert record[1] == 'test_32x32.mat %d %d' % (size, st.st_mtime_ns)
  # Seven training images in five files: 1, 1, 2, 1, 2.
  assert record[2:] == ['data_batch_1.bin 3073', 'data_batch_2.bin 3073',
                        'data_batch_3.bin 6146', 'data_batch_4.bin 3073',
                        'data_batch_5.bin 6146', 'test_batch.bin 15365',
                        'batches.meta.txt 20']


def _earlier_record(tmp_path):
  """Rewrites the conversion's record as the first version of the module
  did: each .mat file's name and size, nothing else."""
  with open(str(tmp_path / BATCHES / 'converted_from.txt'), 'w') as f:
    for name in ('train_32x32.mat', 'test_32x32.mat'):
      f.write('%s %d\n' % (name, os.path.getsize(str(tmp_path / name))))


def test_an_earlier_versions_conversion_is_used_as_it_is(tmp_path,
                                                         monkeypatch):
  batches = _converted(tmp_path)
  _earlier_record(tmp_path)
  before = _snapshot(batches)

  def no_conversion(*unused):
    raise AssertionError('converted again')
  # As on a shared, read-only --data_dir: nothing may be written.
  monkeypatch.setattr(cifar10_svhn, '_convert', no_conversion)
  assert cifar10_svhn.maybe_download_and_convert(
      str(tmp_path), out=None) == batches
  assert _snapshot(batches) == before


def test_an_earlier_versions_conversion_of_other_files_is_replaced(tmp_path):
  batches = _converted(tmp_path)
  _earlier_record(tmp_path)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [4, 5, 6], compress=False)
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert _labels(batches) == [4, 5, 6]


# --- 5. Two conversions at once ----------------------------------------------


def test_two_conversions_at_once_take_turns(tmp_path, monkeypatch):
  _hand_built(str(tmp_path / 'train_32x32.mat'), [1] * 6, compress=True)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [2, 3], compress=True)
  load = cifar10_svhn.load_svhn_mat
  reading = threading.Event()
  loads = []

  def slow_load(path):
    loads.append(path)
    reading.set()
    time.sleep(0.5)
    return load(path)
  monkeypatch.setattr(cifar10_svhn, 'load_svhn_mat', slow_load)
  outs = [io.StringIO(), io.StringIO()]
  results, errors = [None, None], []

  def run(i):
    try:
      results[i] = cifar10_svhn.maybe_download_and_convert(str(tmp_path),
                                                           out=outs[i])
    except Exception as e:  # pylint: disable=broad-except
      errors.append(e)
  first = threading.Thread(target=run, args=(0,))
  first.start()
  assert reading.wait(30)
  second = threading.Thread(target=run, args=(1,))
  second.start()
  first.join(60)
  second.join(60)
  assert not errors
  assert results == [str(tmp_path / BATCHES)] * 2
  assert len(loads) == 2  # One conversion: the second used the first's.
  assert 'Converted train_32x32.mat (6 images)' in outs[0].getvalue()
  assert outs[1].getvalue().startswith('Waiting for process %d (' %
                                       os.getpid())
  assert outs[1].getvalue().endswith(
      '), which is converting the SVHN files in %s.\n' % tmp_path)
  assert _labels(results[0]) == [2, 3]


def test_a_reader_never_finds_the_conversion_half_replaced(tmp_path):
  """A reader opening the converted files by their paths finds each whole,
  of the earlier conversion or the new one, or (for the moment between the
  two renames) not there: never a file half written."""
  batches = _converted(tmp_path, train=list(range(10)) * 30)
  paths = [os.path.join(batches, n)
           for n in cifar10_svhn.TRAIN_FILES + cifar10_svhn.TEST_FILES]
  record = 1 + 32 * 32 * 3
  stop = threading.Event()
  seen = []

  def read():
    while not stop.is_set():
      for path in paths:
        try:
          with open(path, 'rb') as f:
            size = len(f.read())
        except FileNotFoundError:
          continue
        seen.append(size > 0 and size % record == 0)
  interval = sys.getswitchinterval()
  sys.setswitchinterval(1e-5)
  reader = threading.Thread(target=read)
  reader.start()
  try:
    for labels in ([5] * 6, [6] * 7, [7] * 8, [8] * 9):  # New sizes.
      _hand_built(str(tmp_path / 'test_32x32.mat'), labels, compress=False)
      cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
      assert _labels(batches) == labels
  finally:
    stop.set()
    reader.join()
    sys.setswitchinterval(interval)
  assert len(seen) > 10 and all(seen), seen.count(False)
  assert _leftovers(tmp_path) == []


def test_the_earlier_conversion_is_removed_once_replaced(tmp_path,
                                                         monkeypatch):
  """Renamed aside just before the new one is renamed in: it is only
  removed then."""
  batches = _converted(tmp_path)
  rmtree = cifar10_svhn.shutil.rmtree
  removals = []

  def checked_rmtree(path, *args, **kwargs):
    removals.append((path, _labels(batches)))
    rmtree(path, *args, **kwargs)
  monkeypatch.setattr(cifar10_svhn.shutil, 'rmtree', checked_rmtree)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [3] * 6, compress=False)
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=None)
  assert len(removals) == 1
  assert removals[0][0] != batches
  assert removals[0][1] == [3] * 6  # The new one was in place already.
  assert _leftovers(tmp_path) == []


def test_leftovers_of_killed_conversions_are_removed(tmp_path):
  _hand_built(str(tmp_path / 'train_32x32.mat'), [1] * 5, compress=False)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [2], compress=False)
  gone = subprocess.Popen([sys.executable, '-c', 'pass'])
  gone.wait()
  host = socket.gethostname()
  dead = tmp_path / ('.svhn-batches-bin.converting-%s-%d-abcd'
                     % (host, gone.pid))
  dead.mkdir()
  (dead / 'data_batch_1.bin').write_bytes(b'x' * 3073)
  alive = tmp_path / ('.svhn-batches-bin.converting-%s-%d-abcd'
                      % (host, os.getppid()))
  alive.mkdir()
  out = io.StringIO()
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=out)
  assert ('Removed %s, left by process %d, which was killed.\n'
          % (dead, gone.pid)) in out.getvalue()
  assert _leftovers(tmp_path) == [alive.name]


# --- 6. A damaged conversion -------------------------------------------------


def test_a_damaged_conversion_is_converted_again(tmp_path):
  batches = _converted(tmp_path)
  good = _snapshot(batches)
  os.remove(os.path.join(batches, 'data_batch_3.bin'))
  out = io.StringIO()
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=out)
  assert out.getvalue().startswith(
      '%s is damaged (data_batch_3.bin is missing); converting the .mat '
      'files again.\n' % batches)
  # A whole record cut off: the size it was written with tells.
  path = os.path.join(batches, 'test_batch.bin')
  with open(path, 'r+b') as f:
    f.truncate(os.path.getsize(path) - 3073)
  out = io.StringIO()
  cifar10_svhn.maybe_download_and_convert(str(tmp_path), out=out)
  assert out.getvalue().startswith(
      '%s is damaged (test_batch.bin has 12292 bytes, not the 15365 it was '
      'written with); converting the .mat files again.\n' % batches)
  after = _snapshot(batches)
  assert {k: v for k, v in after.items() if k != 'converted_from.txt'} == {
      k: v for k, v in good.items() if k != 'converted_from.txt'}


def test_a_damaged_conversion_without_its_mat_files_says_what_to_do(
    tmp_path):
  data_dir = str(tmp_path)
  batches = _converted(tmp_path)
  for name in ('train_32x32.mat', 'test_32x32.mat'):
    os.remove(os.path.join(data_dir, name))
  # Whole, it is used without its .mat files.
  assert cifar10_svhn.maybe_download_and_convert(
      data_dir, 'http://127.0.0.1:9/', out=None) == batches
  with open(os.path.join(batches, 'data_batch_2.bin'), 'ab') as f:
    f.write(b'\0' * 10)
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.maybe_download_and_convert(data_dir, 'http://127.0.0.1:9/',
                                            out=None)
  assert str(e.value) == (
      '%s is damaged (data_batch_2.bin has 3083 bytes, not the 3073 it was '
      'written with), and the .mat files it was converted from are no longer '
      'in %s. Delete %s and run again to download and convert SVHN anew.'
      % (batches, data_dir, batches))
  assert os.path.getsize(os.path.join(batches, 'data_batch_2.bin')) == 3083


def test_a_damaged_synthetic_conversion_names_the_generator(tmp_path):
  data_dir = str(tmp_path / 'data')
  cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 10)
  batches = cifar10_svhn.maybe_download_and_convert(data_dir, out=None)
  for name in ('train_32x32.mat', 'test_32x32.mat'):
    os.remove(os.path.join(data_dir, name))
  os.remove(os.path.join(batches, 'test_batch.bin'))
  assert _svhn_trainer_error(data_dir, tmp_path) == (
      'cifar10_train: error: %s is damaged (test_batch.bin is missing), and '
      'the .mat files it was converted from are no longer in %s. Delete %s '
      'and run again to download and convert SVHN anew, or write synthetic '
      'files again with `python -m cifar10.cifar10_synthetic --dataset=svhn '
      '--data_dir=%s`.' % (batches, data_dir, batches, data_dir))


# --- 7. Too few images -------------------------------------------------------


def test_too_few_images_says_what_to_do(tmp_path):
  _hand_built(str(tmp_path / 'train_32x32.mat'), [1, 2, 3], compress=True)
  _hand_built(str(tmp_path / 'test_32x32.mat'), [4], compress=True)
  assert _conversion_error(tmp_path) == (
      '%s has 3 images, fewer than the 5 files it fills. Delete it to '
      'download SVHN\'s file again, or write synthetic files with `python -m '
      'cifar10.cifar10_synthetic --dataset=svhn --data_dir=%s`.'
      % (tmp_path / 'train_32x32.mat', tmp_path))
  assert _leftovers(tmp_path) == []
  assert not (tmp_path / BATCHES).exists()


# --- 8. Permissions ----------------------------------------------------------


@pytest.mark.parametrize('umask', [0o022, 0o002])
def test_the_conversion_honours_the_umask(tmp_path, umask):
  old = os.umask(umask)
  try:
    batches = _converted(tmp_path)
  finally:
    os.umask(old)
  assert os.stat(batches).st_mode & 0o777 == 0o777 & ~umask
  assert os.stat(os.path.join(batches, 'test_batch.bin')).st_mode & 0o777 == (
      0o666 & ~umask)


# --- The synthetic writer ----------------------------------------------------


def test_a_failed_synthetic_write_keeps_the_file_there(tmp_path, monkeypatch):
  data_dir = str(tmp_path)
  cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 10)
  before = _snapshot(data_dir)
  write = cifar10_matfile.write_mat

  def full(path, *args, **kwargs):
    with open(path, 'wb') as f:
      f.write(b'MATLAB')
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
  monkeypatch.setattr(cifar10_matfile, 'write_mat', full)
  with pytest.raises(OSError):
    cifar10_svhn.write_synthetic(data_dir, cifar10_synthetic.make_records, 10,
                                 seed=3)
  assert _snapshot(data_dir) == before
  monkeypatch.setattr(cifar10_matfile, 'write_mat', write)


@pytest.mark.parametrize('url', ['htp://mirror/svhn/', 'http://[::1/svhn/',
                                 '/data/svhn'])
def test_a_bad_svhn_url_names_the_flag(tmp_path, url):
  with pytest.raises(cifar10_svhn.SVHNError) as e:
    cifar10_svhn.maybe_download_and_convert(str(tmp_path), url=url, out=None)
  assert str(e.value).startswith('--svhn_url=%s is not an http://' % url)
  assert 'file:///path/to/svhn/' in str(e.value)
  assert os.listdir(str(tmp_path)) == []


def test_a_bad_svhn_url_is_one_line_from_the_trainer(tmp_path):
  proc = run_module('cifar10_train', '--dataset=svhn',
                    '--data_dir=%s' % (tmp_path / 'data'),
                    '--svhn_url=svhn.example/',
                    '--train_dir=%s' % (tmp_path / 'train'), '--max_steps=1',
                    check=False)
  assert proc.returncode == 1, proc.stderr
  assert 'Traceback' not in proc.stderr
  assert proc.stderr.strip().splitlines()[-1].endswith(
      '--svhn_url=svhn.example/ is not an http://, https://, ftp:// or '
      'file:// URL. Pass the URL of the directory holding train_32x32.mat and '
      'test_32x32.mat, e.g. --svhn_url=file:///path/to/svhn/ (default '
      'http://ufldl.stanford.edu/housenumbers/).')
