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

"""cifar10_synthetic: whole sets and archives, never over other files."""

import io
import os
import resource
import signal
import subprocess
import sys
import tarfile
import time

import numpy as np
import pytest

from cifar10 import cifar10_download as dl
from cifar10 import cifar10_synthetic as syn
from conftest import run_module
from conftest import script_env

RECORDS = 20
DATA_FILES = ('data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin',
              'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin')
SET_FILES = sorted(DATA_FILES + ('SYNTHETIC_DATA.txt', 'batches.meta.txt'))


def _listing(directory):
  """Every path under directory, hidden ones included, relative to it."""
  return sorted(os.path.relpath(os.path.join(root, name), directory)
                for root, dirs, files in os.walk(directory)
                for name in dirs + files)


def _snapshot(directory):
  snapshot = {}
  for name in _listing(directory):
    path = os.path.join(directory, name)
    if os.path.isfile(path):
      with open(path, 'rb') as f:
        snapshot[name] = f.read()
  return snapshot


def _expected_bytes(seed, index):
  labels, images = syn.make_records(RECORDS, seed=seed * 100 + index)
  return np.concatenate([labels[:, None], images.reshape(RECORDS, -1)],
                        axis=1).tobytes()


def test_set_is_written_whole_with_progress_lines(tmp_path):
  out = io.StringIO()
  batches = syn.write_data_set(str(tmp_path), RECORDS, seed=3, out=out)
  assert batches == str(tmp_path / dl.EXTRACTED_DIR)
  # No temporary directory is left beside the set.
  assert _listing(str(tmp_path)) == [dl.EXTRACTED_DIR] + [
      os.path.join(dl.EXTRACTED_DIR, n) for n in SET_FILES]
  assert out.getvalue() == ''.join(
      '>> Generated %s (%d of 6, 20 records)\n' % (name, i + 1)
      for i, name in enumerate(DATA_FILES))
  for i, name in enumerate(DATA_FILES):
    with open(os.path.join(batches, name), 'rb') as f:
      assert f.read() == _expected_bytes(3, i), name
  assert dl.extracted_files_present(str(tmp_path))


def test_a_synthetic_set_is_replaced_whole_and_other_files_kept(tmp_path):
  batches = syn.write_data_set(str(tmp_path), RECORDS, seed=0,
                               out=io.StringIO())
  with open(os.path.join(batches, 'notes.txt'), 'w') as f:
    f.write('mine')
  out = io.StringIO()
  syn.write_data_set(str(tmp_path), RECORDS, seed=1, out=out)
  assert 'Replacing the synthetic set in %s.\n' % batches in out.getvalue()
  for i, name in enumerate(DATA_FILES):
    with open(os.path.join(batches, name), 'rb') as f:
      assert f.read() == _expected_bytes(1, i), name
  with open(os.path.join(batches, 'notes.txt')) as f:
    assert f.read() == 'mine'
  assert os.listdir(str(tmp_path)) == [dl.EXTRACTED_DIR]
  assert sorted(os.listdir(batches)) == sorted(SET_FILES + ['notes.txt'])


def test_a_real_set_is_never_written_over(tmp_path):
  batches = tmp_path / dl.EXTRACTED_DIR
  batches.mkdir()
  (batches / 'data_batch_1.bin').write_bytes(b'\x01' * dl.RECORD_BYTES)
  before = _snapshot(str(tmp_path))
  with pytest.raises(ValueError) as e:
    syn.write_data_set(str(tmp_path), RECORDS, out=io.StringIO())
  assert str(e.value) == (
      '%s holds data that cifar10_synthetic did not write (the real CIFAR-10 '
      'set?); not overwriting it. Choose another --data_dir.' % batches)
  assert _snapshot(str(tmp_path)) == before
  assert _listing(str(tmp_path)) == [dl.EXTRACTED_DIR, os.path.join(
      dl.EXTRACTED_DIR, 'data_batch_1.bin')]


def test_archive_over_a_synthetic_archive_is_replaced_and_says_so(tmp_path):
  path = str(tmp_path / 'synthetic.tar.gz')
  syn.write_archive(path, RECORDS, seed=0, out=io.StringIO())
  out = io.StringIO()
  syn.write_archive(path, RECORDS, seed=2, out=out)
  assert out.getvalue().startswith(
      'Replacing %s, a synthetic archive written earlier by '
      'cifar10_synthetic.\n' % path)
  assert os.listdir(str(tmp_path)) == ['synthetic.tar.gz']
  with tarfile.open(path) as tar:
    # The marker comes first: even a partial copy says it is synthetic.
    assert tar.getnames()[0] == dl.EXTRACTED_DIR + '/SYNTHETIC_DATA.txt'
    data = tar.extractfile(dl.EXTRACTED_DIR + '/data_batch_1.bin').read()
  assert data == _expected_bytes(2, 0)


@pytest.mark.parametrize('kind', ['data file', 'tar.gz without marker',
                                  'directory'])
def test_archive_is_never_written_over_other_files(tmp_path, kind):
  path = tmp_path / 'target'
  if kind == 'data file':
    path.write_bytes(b'\x02' * dl.RECORD_BYTES)
  elif kind == 'directory':
    path.mkdir()
  else:
    with tarfile.open(str(path), 'w:gz') as tar:
      info = tarfile.TarInfo(dl.EXTRACTED_DIR + '/data_batch_1.bin')
      info.size = 3
      tar.addfile(info, io.BytesIO(b'abc'))
  before = _snapshot(str(tmp_path))
  out = io.StringIO()
  with pytest.raises(ValueError) as e:
    syn.write_archive(str(path), RECORDS, out=out)
  assert str(e.value) == (
      '%s already exists and is not an archive written by cifar10_synthetic; '
      'not overwriting it. Pass another --archive path, or remove that file '
      'yourself.' % path)
  assert out.getvalue() == ''  # Refused before generating anything.
  assert _snapshot(str(tmp_path)) == before
  assert os.listdir(str(tmp_path)) == ['target']


def test_script_refuses_to_write_its_archive_over_a_real_archive(tmp_path):
  # A CIFAR-10-format archive that cifar10_synthetic did not write.
  real = tmp_path / 'cifar-10-binary.tar.gz'
  with tarfile.open(str(real), 'w:gz') as tar:
    for name in DATA_FILES:
      info = tarfile.TarInfo(dl.EXTRACTED_DIR + '/' + name)
      info.size = dl.RECORD_BYTES
      tar.addfile(info, io.BytesIO(b'\x03' * dl.RECORD_BYTES))
  before = real.read_bytes()
  proc = run_module('cifar10_synthetic', '--archive=%s' % real,
                    '--records_per_file=%d' % RECORDS, check=False)
  assert proc.returncode == 1
  assert 'Traceback' not in proc.stderr
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_synthetic: error: %s already exists and is not an archive '
      'written by cifar10_synthetic; not overwriting it. Pass another '
      '--archive path, or remove that file yourself.' % real)
  assert proc.stdout == ''
  assert real.read_bytes() == before
  assert os.listdir(str(tmp_path)) == [real.name]


def _limit_file_size():
  resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_full_disk_mid_write_keeps_the_previous_set(tmp_path):
  syn.write_data_set(str(tmp_path), RECORDS, seed=0, out=io.StringIO())
  before = _snapshot(str(tmp_path))
  # 500 records make 1.5 MB files: the 1 MB file size limit fails the first
  # one (EFBIG, as ENOSPC on a full disk).
  proc = subprocess.run(
      [sys.executable, '-m', 'cifar10.cifar10_synthetic',
       '--data_dir=%s' % tmp_path, '--records_per_file=500'],
      env=script_env(), capture_output=True, text=True, timeout=300,
      preexec_fn=_limit_file_size)
  assert proc.returncode == 1, proc.stderr
  assert 'Traceback' not in proc.stderr
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_synthetic: error: Cannot write to %s: [Errno 27] File too '
      'large' % tmp_path)
  assert _snapshot(str(tmp_path)) == before  # No temporary directory either.


@pytest.mark.parametrize('archive', [False, True])
def test_sigint_mid_generation_exits_130_in_one_line_leaving_it_as_it_was(
    tmp_path, archive):
  target = str(tmp_path / ('synthetic.tar.gz' if archive else 'data'))
  if archive:
    syn.write_archive(target, RECORDS, out=io.StringIO())
  else:
    syn.write_data_set(target, RECORDS, out=io.StringIO())
  before = _snapshot(str(tmp_path))
  flag = '--archive=' if archive else '--data_dir='
  # 5,000 records: about 2 s per file on 2 cores, 6 files.
  proc = subprocess.Popen(
      [sys.executable, '-m', 'cifar10.cifar10_synthetic', flag + target,
       '--records_per_file=5000'], env=script_env(), stdout=subprocess.PIPE,
      stderr=subprocess.PIPE, text=True)
  try:
    lines = []
    start = time.monotonic()
    while not any(l.startswith('>> Generated data_batch_1.bin') for l in lines):
      line = proc.stdout.readline()
      assert line and time.monotonic() - start < 120, (lines, proc.poll())
      lines.append(line)
    proc.send_signal(signal.SIGINT)  # While data_batch_2.bin is generated.
    stdout, stderr = proc.communicate(timeout=60)
  finally:
    if proc.poll() is None:
      proc.kill()
      proc.wait()
  assert proc.returncode == 130, stderr
  assert 'Traceback' not in stderr
  assert stderr.strip().splitlines()[-1] == (
      'cifar10_synthetic: interrupted; nothing was written to %s.' % target)
  assert 'Wrote a SYNTHETIC' not in stdout
  assert _snapshot(str(tmp_path)) == before  # No temporary file either.
