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

"""Offline tests for cifar10_download: local archives and 127.0.0.1 servers."""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import gzip
import hashlib
import http.server
import io
import os
import pty
import re
import resource
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import tty

import pytest

from cifar10 import cifar10_download as dl
from conftest import local_http_server
from conftest import mounted
from conftest import run_module
from conftest import script_env

NUM_RECORDS = 10


def _bin_contents(seed):
  """10 records, labels 0..9, image bytes that differ between files."""
  records = []
  for label in range(NUM_RECORDS):
    image = bytes((seed * 31 + label * 7 + i) % 256
                  for i in range(dl.RECORD_BYTES - 1))
    records.append(bytes([label]) + image)
  return b''.join(records)


ORIGINALS = {name: _bin_contents(seed)
             for seed, name in enumerate(dl.EXTRACTED_FILES)}


def _add_bytes(tar, name, data):
  info = tarfile.TarInfo(name)
  info.size = len(data)
  tar.addfile(info, io.BytesIO(data))


def make_archive(path, files=None, extra=None):
  """Writes a .tar.gz like the CIFAR-10 release; returns its bytes.

  Args:
    path: Where to write the archive.
    files: Dict of EXTRACTED_FILES name to contents; defaults to ORIGINALS.
    extra: Optional callable(tar) run after the data files are added.
  """
  files = ORIGINALS if files is None else files
  with tarfile.open(path, 'w:gz') as tar:
    for name, data in sorted(files.items()):
      _add_bytes(tar, dl.EXTRACTED_DIR + '/' + name, data)
    _add_bytes(tar, dl.EXTRACTED_DIR + '/batches.meta.txt',
               b'\n'.join(b'class%d' % i for i in range(10)) + b'\n')
    if extra:
      extra(tar)
  with open(path, 'rb') as f:
    return f.read()


def assert_extracted(dest):
  for name, data in ORIGINALS.items():
    with open(os.path.join(dest, dl.EXTRACTED_DIR, name), 'rb') as f:
      assert f.read() == data, name


def file_url(path):
  return 'file://' + os.path.abspath(path)


@pytest.fixture
def release(tmp_path, monkeypatch):
  """A small 'cifar-10-binary.tar.gz' whose size and MD5 are the release's."""
  path = str(tmp_path / 'src' / dl.ARCHIVE_NAME)
  os.makedirs(os.path.dirname(path))
  data = make_archive(path)
  monkeypatch.setattr(dl, 'ARCHIVE_SIZE', len(data))
  monkeypatch.setattr(dl, 'ARCHIVE_MD5', hashlib.md5(data).hexdigest())
  return path, data


@pytest.fixture
def dest(tmp_path):
  return str(tmp_path / 'dest')


class _Handler(http.server.BaseHTTPRequestHandler):
  """Serves server.payload as server.behaviour(request number) says."""

  def do_GET(self):  # pylint: disable=invalid-name
    server = self.server
    with server.lock:
      server.requests.append(self.path)
      behaviour = server.behaviour(len(server.requests))
    payload = server.payload
    # 'cut' and 'trailer' send consistent headers for a file that was cut
    # short: in half, or by just the gzip CRC and length trailer.
    if behaviour == 'cut':
      payload = payload[:len(payload) // 2]
    elif behaviour == 'trailer':
      payload = payload[:-8]
    self.send_response(200)
    self.send_header('Content-Type', 'application/octet-stream')
    self.send_header('Content-Length', str(len(server.payload)
                                           if behaviour == 'drop'
                                           else len(payload)))
    self.end_headers()
    if behaviour == 'trickle':  # One byte every server.trickle_secs.
      for i in range(len(payload)):
        time.sleep(server.trickle_secs)
        try:
          self.wfile.write(payload[i:i + 1])
          self.wfile.flush()
        except OSError:  # The client gave up.
          return
      return
    if behaviour == 'pieces':  # 20 pieces, as a slow link delivers them.
      step = -(-len(payload) // 20)
      for i in range(0, len(payload), step):
        self.wfile.write(payload[i:i + step])
        self.wfile.flush()
        time.sleep(0.03)
      return
    if behaviour == 'drop':  # Claims the full length, then hangs up.
      self.wfile.write(payload[:len(payload) // 3])
      self.wfile.flush()
      self.connection.shutdown(socket.SHUT_RDWR)
      self.close_connection = True
      return
    self.wfile.write(payload)

  def log_message(self, *args):  # Keep the test output clean.
    pass


@pytest.fixture
def server():
  """A ThreadingHTTPServer on 127.0.0.1, shut down after the test."""
  with local_http_server(_Handler) as httpd:
    httpd.requests = []
    httpd.payload = b''
    httpd.behaviour = lambda n: 'ok'
    httpd.trickle_secs = 0.2
    httpd.url = lambda name: 'http://127.0.0.1:%d/data/%s' % (
        httpd.server_address[1], name)
    yield httpd


def test_file_url_downloads_verifies_and_extracts(release, dest):
  path, data = release
  out = io.StringIO()
  result = dl.download_and_extract(dest, data_url=file_url(path), out=out)
  assert result == os.path.join(dest, dl.EXTRACTED_DIR)
  assert_extracted(dest)
  assert dl.extracted_files_present(dest)
  text = out.getvalue()
  # Not a terminal: whole progress lines, no carriage returns.
  assert text == ('>> Downloading %s 100.0%%\nSuccessfully downloaded %s %d '
                  'bytes.\n' % (dl.ARCHIVE_NAME, dl.ARCHIVE_NAME, len(data)))
  assert sorted(os.listdir(dest)) == sorted([dl.ARCHIVE_NAME,
                                             dl.EXTRACTED_DIR])


def test_what_killed_processes_left_is_removed_and_nothing_else(release,
                                                                 dest):
  """kill -9 leaves a partial download or a half-extracted set; the next
  run removes those of processes gone from this host, and only those."""
  path, _ = release
  dead = subprocess.Popen(['true'])
  dead.wait()
  host = socket.gethostname()
  os.makedirs(dest)

  def scratch(name, kind, owner_host, pid, is_dir):
    entry = os.path.join(dest, '%s.%s-%s-%d-x1y2' % (name, kind, owner_host,
                                                     pid))
    if is_dir:
      os.makedirs(os.path.join(entry, dl.EXTRACTED_DIR))
    else:
      with open(entry, 'wb') as f:
        f.write(b'partial')
    return entry
  gone = [scratch(dl.ARCHIVE_NAME, 'partial', host, dead.pid, False),
          scratch('.' + dl.EXTRACTED_DIR, 'extracting', host, dead.pid, True)]
  kept = [scratch(dl.ARCHIVE_NAME, 'partial', host, os.getpid(), False),
          scratch('.' + dl.EXTRACTED_DIR, 'extracting', 'other-host',
                  dead.pid, True),
          scratch('notes.txt', 'partial', host, dead.pid, False),
          scratch(dl.ARCHIVE_NAME, 'partial', host, 0, False),
          scratch(dl.ARCHIVE_NAME, 'partial', host, 10**30, False)]
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=file_url(path), out=out)
  assert_extracted(dest)
  assert [p for p in gone if os.path.lexists(p)] == []
  assert all(os.path.lexists(p) for p in kept)
  for entry in gone:
    assert ('Removed %s, left by process %d, which was killed.\n'
            % (entry, dead.pid)) in out.getvalue()
  # Its own scratch files are gone too (it was not killed).
  assert sorted(os.listdir(dest)) == sorted(
      [dl.ARCHIVE_NAME, dl.EXTRACTED_DIR] + [os.path.basename(p)
                                             for p in kept])


def test_http_download_then_second_call_fetches_nothing(release, dest,
                                                         server):
  server.payload = release[1]
  url = server.url(dl.ARCHIVE_NAME)
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=url, out=out)
  assert_extracted(dest)
  assert 'Successfully downloaded %s %d bytes.' % (
      dl.ARCHIVE_NAME, len(release[1])) in out.getvalue()
  assert server.requests == ['/data/' + dl.ARCHIVE_NAME]

  out = io.StringIO()
  dl.download_and_extract(dest, data_url=url, out=out)
  assert len(server.requests) == 1
  assert out.getvalue() == ''


@pytest.mark.parametrize('name', [dl.ARCHIVE_NAME, 'synthetic.tar.gz'])
@pytest.mark.parametrize('behaviour', ['drop', 'cut', 'trailer'])
def test_truncated_download_is_rejected_and_cleaned_up(release, dest, server,
                                                       name, behaviour):
  server.payload = release[1]
  server.behaviour = lambda n: behaviour
  url = server.url(name)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=url, retries=2,
                            retry_wait_secs=0, out=io.StringIO())
  assert url in str(e.value)
  if behaviour == 'drop':
    assert 'connection closed after' in str(e.value)
  assert len(server.requests) == 2
  assert os.listdir(dest) == []


def test_retry_after_dropped_connection_succeeds(release, dest, server):
  server.payload = release[1]
  server.behaviour = lambda n: 'drop' if n == 1 else 'ok'
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME),
                          retry_wait_secs=0, out=out)
  assert len(server.requests) == 2
  assert 'Attempt 1 of 3' in out.getvalue()
  assert_extracted(dest)


def test_always_dropping_server_fails_after_all_retries(release, dest, server):
  server.payload = release[1]
  server.behaviour = lambda n: 'drop'
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME),
                            retries=4, retry_wait_secs=0, out=io.StringIO())
  assert len(server.requests) == 4
  assert 'after 4 attempt(s)' in str(e.value)
  assert os.listdir(dest) == []


def test_md5_mismatch_is_rejected(release, dest, tmp_path):
  path, data = release
  bad = bytearray(data)
  bad[len(bad) // 2] ^= 0xFF
  bad_path = tmp_path / 'mirror' / dl.ARCHIVE_NAME
  bad_path.parent.mkdir()
  bad_path.write_bytes(bytes(bad))
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(bad_path),
                            retry_wait_secs=0, out=io.StringIO())
  message = str(e.value)
  assert 'MD5 mismatch' in message
  assert 'expected %s' % hashlib.md5(data).hexdigest() in message
  assert 'got %s' % hashlib.md5(bytes(bad)).hexdigest() in message
  assert os.listdir(dest) == []


def _symlink_out(target):
  def add(tar):
    info = tarfile.TarInfo(dl.EXTRACTED_DIR + '/escape')
    info.type = tarfile.SYMTYPE
    info.linkname = target
    tar.addfile(info)
    _add_bytes(tar, dl.EXTRACTED_DIR + '/escape/evil.bin', b'evil')
  return add


def _special(name, kind, linkname=''):
  def add(tar):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tar.addfile(info)
  return add


@pytest.mark.parametrize('case', ['dotdot', 'absolute', 'symlink', 'hardlink',
                                  'fifo'])
def test_unsafe_members_are_refused_before_extracting_anything(tmp_path, dest,
                                                               case):
  outside = tmp_path / 'outside'
  outside.mkdir()
  evil = str(outside / 'evil.bin')
  member, extra = {
      'dotdot': ('../outside/evil.bin',
                 lambda t: _add_bytes(t, '../outside/evil.bin', b'evil')),
      'absolute': (evil, lambda t: _add_bytes(t, evil, b'evil')),
      'symlink': (dl.EXTRACTED_DIR + '/escape', _symlink_out(str(outside))),
      'hardlink': ('hard', _special('hard', tarfile.LNKTYPE, evil)),
      'fifo': ('pipe', _special('pipe', tarfile.FIFOTYPE)),
  }[case]
  archive = str(tmp_path / 'evil.tar.gz')
  make_archive(archive, extra=extra)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert repr(member) in str(e.value)
  assert 'evil.tar.gz' in str(e.value)
  assert os.listdir(str(outside)) == []
  # Nothing came out of it, and the archive downloaded is not kept for the
  # next run to extract.
  assert 'It was removed' in str(e.value)
  assert os.listdir(dest) == []


def test_no_network_gives_short_actionable_error(dest):
  sock = socket.socket()
  sock.bind(('127.0.0.1', 0))
  port = sock.getsockname()[1]
  sock.close()
  url = 'http://127.0.0.1:%d/%s' % (port, dl.ARCHIVE_NAME)
  out = io.StringIO()
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=url, retry_wait_secs=0, out=out)
  message = str(e.value)
  for needle in (url, 'after 3 attempt(s)', 'refused',
                 os.path.join(dest, dl.ARCHIVE_NAME),
                 os.path.join(dest, dl.EXTRACTED_DIR), '--data_url',
                 'file:///', 'cifar10_synthetic', '--data_dir=' + dest):
    assert needle in message, needle
  assert len(message.splitlines()) <= 3
  assert out.getvalue().count('Attempt') == 3
  assert os.listdir(dest) == []


def test_existing_verified_archive_is_extracted_without_download(
    release, dest, server):
  os.makedirs(dest)
  archive = os.path.join(dest, dl.ARCHIVE_NAME)
  with open(archive, 'wb') as f:
    f.write(release[1])
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME), out=out)
  assert server.requests == []
  assert 'Downloading' not in out.getvalue()
  assert_extracted(dest)
  with open(archive, 'rb') as f:
    assert f.read() == release[1]


def test_partial_archive_in_place_is_replaced_by_verified_download(
    release, dest, server):
  # What the original tutorial left behind after an interrupted download.
  os.makedirs(dest)
  archive = os.path.join(dest, dl.ARCHIVE_NAME)
  with open(archive, 'wb') as f:
    f.write(release[1][:100])
  server.payload = release[1]
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME), out=out)
  assert 'unusable (size mismatch' in out.getvalue()
  assert len(server.requests) == 1
  assert_extracted(dest)


def test_failed_download_keeps_existing_archive(release, dest, server):
  os.makedirs(dest)
  archive = os.path.join(dest, dl.ARCHIVE_NAME)
  with open(archive, 'wb') as f:
    f.write(b'user data')
  server.payload = release[1]
  server.behaviour = lambda n: 'drop'
  with pytest.raises(dl.DownloadError):
    dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME),
                            retries=1, out=io.StringIO())
  assert os.listdir(dest) == [dl.ARCHIVE_NAME]
  with open(archive, 'rb') as f:
    assert f.read() == b'user data'


def test_archive_missing_a_required_file(tmp_path, dest):
  files = dict(ORIGINALS)
  del files['test_batch.bin']
  archive = str(tmp_path / 'partial.tar.gz')
  make_archive(archive, files=files)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert 'test_batch.bin' in str(e.value)
  assert 'data_batch_1.bin' not in str(e.value)
  assert not os.path.exists(os.path.join(dest, dl.EXTRACTED_DIR))


def test_archive_with_partial_records_is_rejected(tmp_path, dest):
  files = dict(ORIGINALS)
  files['data_batch_3.bin'] = files['data_batch_3.bin'][:-5]
  archive = str(tmp_path / 'odd.tar.gz')
  make_archive(archive, files=files)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert 'data_batch_3.bin' in str(e.value)
  assert not dl.extracted_files_present(dest)


def test_other_archive_names_are_stream_checked_not_checksummed(tmp_path,
                                                                 dest):
  archive = str(tmp_path / 'synthetic.tar.gz')
  data = make_archive(archive)
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=file_url(archive), out=out)
  assert 'checksum cannot be checked' in out.getvalue()
  assert 'Successfully downloaded synthetic.tar.gz %d bytes.' % len(
      data) in out.getvalue()
  assert_extracted(dest)


def test_extracted_files_present_requires_whole_records(tmp_path):
  data_dir = tmp_path / dl.EXTRACTED_DIR
  data_dir.mkdir()
  assert not dl.extracted_files_present(str(tmp_path))
  for name, data in ORIGINALS.items():
    (data_dir / name).write_bytes(data)
  assert dl.extracted_files_present(str(tmp_path))
  (data_dir / 'test_batch.bin').write_bytes(b'')
  assert not dl.extracted_files_present(str(tmp_path))
  (data_dir / 'test_batch.bin').write_bytes(b'x' * (dl.RECORD_BYTES + 1))
  assert not dl.extracted_files_present(str(tmp_path))


def test_bad_url_is_reported_without_network(dest):
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url='/some/path/', out=io.StringIO())
  assert 'file:///path/to/cifar-10-binary.tar.gz' in str(e.value)


def _listing(directory):
  """Every path under directory, hidden ones included, relative to it."""
  return sorted(os.path.relpath(os.path.join(root, name), directory)
                for root, dirs, files in os.walk(directory)
                for name in dirs + files)


def _error_from(stderr, script):
  """The script's error: stderr from '<script>: error: ' on, no traceback."""
  assert 'Traceback' not in stderr, stderr
  return stderr[stderr.index(script + ': error: '):].strip()


# --- fetch(): any file, verified before it is renamed into place -------------


def test_fetch_verifies_size_and_md5_then_renames_into_place(server,
                                                             tmp_path):
  payload = os.urandom(50000)
  server.payload = payload
  path = str(tmp_path / 'f.bin')
  out = io.StringIO()
  assert dl.fetch(server.url('f.bin'), path, expected_size=len(payload),
                  expected_md5=hashlib.md5(payload).hexdigest(),
                  out=out) == path
  with open(path, 'rb') as f:
    assert f.read() == payload
  assert os.listdir(str(tmp_path)) == ['f.bin']
  assert out.getvalue().endswith(
      '\nSuccessfully downloaded f.bin 50000 bytes.\n')
  # Readable as any file the user makes (the umask), not this user's only.
  umask = os.umask(0)
  os.umask(umask)
  assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize('wrong', ['size', 'more', 'md5'])
def test_fetch_rejects_a_wrong_file_and_keeps_the_one_in_place(server,
                                                               tmp_path,
                                                               wrong):
  payload = os.urandom(50000)
  server.payload = payload
  path = tmp_path / 'f.bin'
  path.write_bytes(b'kept')
  size, md5 = len(payload), hashlib.md5(payload).hexdigest()
  if wrong == 'size':
    size, reason = size + 1, 'size mismatch: expected 50001 bytes, got 50000'
  elif wrong == 'more':  # Stops reading: a server cannot fill the disk.
    size, reason = size - 1, 'size mismatch: expected 49999 bytes, got more'
  else:
    md5, reason = '0' * 32, 'MD5 mismatch: expected %s, got %s' % ('0' * 32,
                                                                    md5)
  url = server.url('f.bin')
  out = io.StringIO()
  with pytest.raises(dl.DownloadError) as e:
    dl.fetch(url, str(path), size, md5, retries=2, retry_wait_secs=0,
             out=out)
  assert str(e.value) == (
      'Downloading %s failed after 2 attempt(s): %s.\nTo fix (e.g. offline): '
      'download it some other way and copy it to %s (%d bytes, MD5 %s)'
      % (url, reason, path, size, md5))
  assert out.getvalue().count('failed: %s\n' % reason) == 2
  assert len(server.requests) == 2
  assert os.listdir(str(tmp_path)) == ['f.bin']
  assert path.read_bytes() == b'kept'


def test_fetch_into_a_missing_directory_is_not_retried(server, tmp_path):
  server.payload = b'x'
  path = str(tmp_path / 'no_such_dir' / 'f.bin')
  with pytest.raises(dl.DownloadError) as e:
    dl.fetch(server.url('f.bin'), path, out=io.StringIO())
  assert str(e.value).startswith(
      'Cannot write the download of %s to %s: [Errno 2] No such file or '
      'directory' % (server.url('f.bin'), os.path.dirname(path)))
  assert server.requests == []


def test_trickling_server_fails_each_attempt_at_its_deadline(server,
                                                             tmp_path):
  # A byte every 0.2 s never trips the read timeout; the file would take
  # 200 s. Each attempt must stop at its 1 s deadline instead.
  server.payload = os.urandom(1000)
  server.behaviour = lambda n: 'trickle'
  url = server.url('f.bin')
  out = io.StringIO()
  start = time.monotonic()
  with pytest.raises(dl.DownloadError) as e:
    dl.fetch(url, str(tmp_path / 'f.bin'), retries=2, retry_wait_secs=0,
             deadline_secs=1, out=out)
  assert time.monotonic() - start < 60  # Bounded: far from the 400 s.
  assert str(e.value).startswith(
      'Downloading %s failed after 2 attempt(s): not complete within 1 s ('
      % url)
  assert 'of 1000 bytes received); on a slow connection pass a larger ' \
      '--download_timeout_secs' in str(e.value)
  assert out.getvalue().count('failed: not complete within 1 s (') == 2
  assert len(server.requests) == 2
  assert os.listdir(str(tmp_path)) == []


def test_script_gives_up_on_a_stalled_server_in_one_line(server, tmp_path):
  # One byte every 20 s: each attempt ends at --download_timeout_secs=2.
  server.payload = os.urandom(1000)
  server.behaviour = lambda n: 'trickle'
  server.trickle_secs = 20
  data_dir = tmp_path / 'data'
  url = server.url(dl.ARCHIVE_NAME)
  proc = run_module('cifar10_train', '--data_dir=%s' % data_dir,
                    '--data_url=' + url, '--download_timeout_secs=2',
                    '--train_dir=%s' % (tmp_path / 'train'), check=False,
                    timeout=120)
  assert proc.returncode == 1, proc.stderr
  error = _error_from(proc.stderr, 'cifar10_train')
  assert error.startswith(
      'cifar10_train: error: Downloading %s failed after 3 attempt(s): not '
      'complete within 2 s (0 of 1000 bytes received)' % url), error
  assert len(error.splitlines()) == 2  # What failed; how to fix it.
  assert proc.stdout.count('Attempt ') == 3
  assert len(server.requests) == 3
  assert os.listdir(str(data_dir)) == []


def test_sigint_during_a_download_leaves_no_partial_file(server, tmp_path):
  server.payload = os.urandom(100000)
  server.behaviour = lambda n: 'trickle'
  server.trickle_secs = 0.05
  data_dir = tmp_path / 'data'
  proc = subprocess.Popen(
      [sys.executable, '-m', 'cifar10.cifar10_train',
       '--data_dir=%s' % data_dir, '--data_url=' + server.url(dl.ARCHIVE_NAME),
       '--train_dir=%s' % (tmp_path / 'train')],
      env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
      text=True)
  try:
    deadline = time.monotonic() + 120
    # Interrupt once the temporary file exists and bytes are arriving.
    while not any(name.startswith(dl.ARCHIVE_NAME + '.partial-')
                  for name in (os.listdir(str(data_dir))
                               if data_dir.exists() else [])):
      if proc.poll() is not None or time.monotonic() > deadline:
        proc.kill()
        raise AssertionError('no download started: %r' % (proc.communicate(),))
      time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
  finally:
    if proc.poll() is None:
      proc.kill()
      proc.wait()
  assert proc.returncode == 130, stderr
  assert 'Traceback' not in stderr
  assert stderr.strip().splitlines()[-1] == (
      'cifar10_train: interrupted (Ctrl-C); stopped.')
  assert os.listdir(str(data_dir)) == []  # No partial file.


# --- Progress ----------------------------------------------------------------


_PROGRESS = re.compile(r'^>> Downloading f\.bin (\d+\.\d)%$')


def test_progress_in_a_log_is_a_line_per_ten_percent(server, tmp_path):
  server.payload = os.urandom(200000)
  server.behaviour = lambda n: 'pieces'
  out = io.StringIO()
  dl.fetch(server.url('f.bin'), str(tmp_path / 'f.bin'), out=out)
  text = out.getvalue()
  assert '\r' not in text
  lines = text.splitlines()
  assert lines[-1] == 'Successfully downloaded f.bin 200000 bytes.'
  percents = [float(_PROGRESS.match(line).group(1)) for line in lines[:-1]]
  assert percents[-1] == 100.0
  assert percents == sorted(set(percents))
  assert set(percents) <= set(10.0 * i for i in range(1, 11))
  assert len(percents) >= 5, text  # 20 pieces arrive: most tens are seen.


def test_progress_on_a_terminal_is_one_line_rewritten(server, tmp_path):
  server.payload = os.urandom(200000)
  server.behaviour = lambda n: 'pieces'
  master, slave = pty.openpty()
  tty.setraw(slave)  # No newline translation: the bytes as written.
  received = []

  def drain():
    while b'bytes.\n' not in b''.join(received):
      try:
        received.append(os.read(master, 65536))
      except OSError:
        return

  reader = threading.Thread(target=drain, daemon=True)
  reader.start()
  with os.fdopen(slave, 'w') as out:
    dl.fetch(server.url('f.bin'), str(tmp_path / 'f.bin'), out=out)
  reader.join(30)
  os.close(master)
  text = b''.join(received).decode()
  assert text.endswith('\r>> Downloading f.bin 100.0%\n'
                       'Successfully downloaded f.bin 200000 bytes.\n'), text
  updates = text[:text.index('\n')].split('\r')
  assert updates[0] == ''  # Every update starts with a carriage return.
  percents = [float(_PROGRESS.match(u).group(1)) for u in updates[1:]]
  assert percents == sorted(set(percents))
  assert len(percents) >= 5, text


# --- Extraction: bombs, full disks, existing files ---------------------------


def _zeros_archive(path, size):
  """The six data files and a member of `size` zero bytes (gzip: ~1/1000)."""
  return make_archive(path, extra=lambda tar: _add_bytes(
      tar, dl.EXTRACTED_DIR + '/zeros.bin', bytes(size)))


def test_bomb_from_a_mirror_is_refused_before_writing_anything(
    tmp_path, dest, monkeypatch):
  monkeypatch.setattr(dl, 'MAX_EXTRACTED_BYTES', 1 << 20)
  archive = str(tmp_path / 'bomb.tar.gz')
  _zeros_archive(archive, 2 << 20)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert str(e.value).startswith(
      'Refusing to extract bomb.tar.gz: its members add up to more than '
      '1048576 bytes (the CIFAR-10 set is 184,380,000)')
  assert os.listdir(dest) == []


def test_bomb_with_the_release_checksum_is_refused_at_extraction(
    tmp_path, dest, monkeypatch):
  os.makedirs(dest)
  archive = os.path.join(dest, dl.ARCHIVE_NAME)
  data = _zeros_archive(archive, 2 << 20)
  monkeypatch.setattr(dl, 'ARCHIVE_SIZE', len(data))
  monkeypatch.setattr(dl, 'ARCHIVE_MD5', hashlib.md5(data).hexdigest())
  monkeypatch.setattr(dl, 'MAX_EXTRACTED_BYTES', 1 << 20)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(  # The archive in place is used: no download.
        dest, data_url=file_url(str(tmp_path / 'none' / dl.ARCHIVE_NAME)),
        out=io.StringIO())
  assert str(e.value).startswith(
      'Refusing to extract %s: its members add up to more than 1048576 '
      'bytes' % archive)
  assert _listing(dest) == [dl.ARCHIVE_NAME]  # No temporary directory.


def test_a_header_claiming_4_gib_is_refused_by_default(tmp_path, dest):
  # Refused from the header alone, so no 4 GiB of data are needed (or read).
  info = tarfile.TarInfo(dl.EXTRACTED_DIR + '/huge.bin')
  info.size = 4 << 30
  archive = str(tmp_path / 'huge.tar.gz')
  with gzip.open(archive, 'wb') as f:
    f.write(info.tobuf() + bytes(1 << 16))
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert str(e.value).startswith(
      'Refusing to extract huge.tar.gz: its members add up to more than '
      '1073741824 bytes')
  assert os.listdir(dest) == []


_EXTRACT = """
import sys
from cifar10 import cifar10_download as dl
try:
  dl.download_and_extract(sys.argv[1], sys.argv[2])
except dl.DownloadError as e:
  sys.exit(str(e))
"""


def _limit_file_size():
  resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 10, 256 << 10))


def test_disk_full_during_extraction_leaves_no_partial_set(tmp_path):
  # 6 files of 200 records (614,600 bytes each) in a ~20 kB archive.
  files = {name: data * 20 for name, data in ORIGINALS.items()}
  archive = str(tmp_path / 'src' / 'big.tar.gz')
  os.makedirs(os.path.dirname(archive))
  assert len(make_archive(archive, files=files)) < 128 << 10
  disk = str(tmp_path / 'disk')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs') as refused:
    # Where mounting is not allowed: a 256 kB file size limit fails the
    # extraction the same way (EFBIG instead of ENOSPC).
    dest_dir = os.path.join(disk, 'data')
    proc = subprocess.run(
        [sys.executable, '-c', _EXTRACT, dest_dir, file_url(archive)],
        env=script_env(), capture_output=True, text=True, timeout=120,
        preexec_fn=_limit_file_size if refused else None)
    assert proc.returncode == 1, proc.stderr
    assert 'Traceback' not in proc.stderr
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith('Extracting %s into %s failed: ' % (
        os.path.join(dest_dir, 'big.tar.gz'), dest_dir)), error
    assert error.endswith('Free some space or choose another --data_dir.')
    assert ('File too large' if refused
            else 'No space left on device') in error, (refused, error)
    # The verified archive stays; nothing half-extracted, no temporary files.
    assert _listing(dest_dir) == ['big.tar.gz']
    assert not dl.extracted_files_present(dest_dir)


def test_damaged_files_of_a_real_set_are_named_and_not_overwritten(
    release, dest, server):
  data_dir = os.path.join(dest, dl.EXTRACTED_DIR)
  os.makedirs(data_dir)
  for name, data in ORIGINALS.items():
    with open(os.path.join(data_dir, name), 'wb') as f:
      f.write(data[:-5] if name == 'data_batch_2.bin' else data)
  os.remove(os.path.join(data_dir, 'test_batch.bin'))
  server.payload = release[1]
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME),
                            out=io.StringIO())
  damaged = os.path.join(data_dir, 'data_batch_2.bin')
  assert str(e.value) == (
      '%s: empty or not whole 3073-byte records; not overwriting them. Delete '
      'them (or move %s aside) and run again to extract them anew.'
      % (damaged, data_dir))
  assert server.requests == []
  with open(damaged, 'rb') as f:
    assert f.read() == ORIGINALS['data_batch_2.bin'][:-5]
  assert sorted(os.listdir(data_dir)) == sorted(
      set(dl.EXTRACTED_FILES) - {'test_batch.bin'})


def test_missing_files_are_filled_in_and_present_ones_kept(release, dest,
                                                            server):
  data_dir = os.path.join(dest, dl.EXTRACTED_DIR)
  os.makedirs(data_dir)
  for name, data in ORIGINALS.items():
    with open(os.path.join(data_dir, name), 'wb') as f:
      f.write(data)
  os.remove(os.path.join(data_dir, 'test_batch.bin'))
  own = _bin_contents(99)  # Whole records, but not the archive's.
  with open(os.path.join(data_dir, 'data_batch_1.bin'), 'wb') as f:
    f.write(own)
  with open(os.path.join(data_dir, 'notes.txt'), 'w') as f:
    f.write('mine')
  server.payload = release[1]
  out = io.StringIO()
  dl.download_and_extract(dest, data_url=server.url(dl.ARCHIVE_NAME), out=out)
  assert out.getvalue().startswith(
      '%s: missing; extracting them from the archive (the files already '
      'there are kept).\n' % os.path.join(data_dir, 'test_batch.bin'))
  with open(os.path.join(data_dir, 'test_batch.bin'), 'rb') as f:
    assert f.read() == ORIGINALS['test_batch.bin']
  with open(os.path.join(data_dir, 'data_batch_1.bin'), 'rb') as f:
    assert f.read() == own
  with open(os.path.join(data_dir, 'notes.txt')) as f:
    assert f.read() == 'mine'
  assert sorted(os.listdir(dest)) == sorted([dl.ARCHIVE_NAME,
                                             dl.EXTRACTED_DIR])


def test_bad_download_timeout_flag_is_one_line(tmp_path):
  proc = run_module('cifar10_train', '--data_dir=%s' % tmp_path,
                    '--download_timeout_secs=0', check=False)
  assert proc.returncode == 1
  assert ('FATAL Flags parsing error: flag --download_timeout_secs=0: 0 is '
          'not a positive integer') in proc.stderr
  assert 'Traceback' not in proc.stderr
  assert os.listdir(str(tmp_path)) == []


_FETCH = """
import sys
from cifar10 import cifar10_download as dl
try:
  dl.fetch(sys.argv[1], sys.argv[2])
except dl.DownloadError as e:
  sys.exit(str(e))
"""


def test_disk_full_during_a_download_is_not_retried_and_leaves_nothing(
    server, tmp_path):
  server.payload = os.urandom(2 << 20)
  disk = str(tmp_path / 'disk')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs') as refused:
    # Where mounting is not allowed: a 256 kB file size limit (EFBIG).
    path = os.path.join(disk, 'f.bin')
    proc = subprocess.run(
        [sys.executable, '-c', _FETCH, server.url('f.bin'), path],
        env=script_env(), capture_output=True, text=True, timeout=120,
        preexec_fn=_limit_file_size if refused else None)
    assert proc.returncode == 1, proc.stderr
    assert 'Traceback' not in proc.stderr
    assert proc.stderr.strip() == (
        'Cannot write the download of %s to %s: [Errno %d] %s. Free some '
        'space or choose another directory.' % (
            server.url('f.bin'), disk, 27 if refused else 28,
            'File too large' if refused else 'No space left on device'))
    assert len(server.requests) == 1  # A full disk is not worth retrying.
    assert os.listdir(disk) == []


def test_interrupted_extraction_leaves_no_partial_set(release, dest,
                                                      monkeypatch):
  extractall = tarfile.TarFile.extractall

  def interrupted(tar, path, members, **kwargs):
    extractall(tar, path, members=members[:3], **kwargs)  # Real files...
    raise KeyboardInterrupt  # ...then Ctrl-C.

  monkeypatch.setattr(tarfile.TarFile, 'extractall', interrupted)
  with pytest.raises(KeyboardInterrupt):
    dl.download_and_extract(dest, data_url=file_url(release[0]),
                            out=io.StringIO())
  assert _listing(dest) == [dl.ARCHIVE_NAME]  # Verified, kept for next time.
  monkeypatch.setattr(tarfile.TarFile, 'extractall', extractall)
  dl.download_and_extract(dest, data_url=file_url(release[0]),
                          out=io.StringIO())
  assert_extracted(dest)


def test_a_synthetic_archive_never_fills_in_a_real_set(tmp_path, dest):
  data_dir = os.path.join(dest, dl.EXTRACTED_DIR)
  os.makedirs(data_dir)
  for name, data in ORIGINALS.items():
    if name != 'test_batch.bin':
      with open(os.path.join(data_dir, name), 'wb') as f:
        f.write(data)
  before = _listing(dest)
  archive = str(tmp_path / 'synthetic.tar.gz')
  make_archive(archive, files={n: _bin_contents(50 + i) for i, n in
                               enumerate(dl.EXTRACTED_FILES)},
               extra=lambda tar: _add_bytes(
                   tar, dl.EXTRACTED_DIR + '/' + dl.SYNTHETIC_MARKER, b'x'))
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(archive),
                            out=io.StringIO())
  assert str(e.value) == (
      '%s is a synthetic set, and %s holds some files of another set: not '
      'mixing the two. Extract it into another --data_dir, or move %s aside '
      'first.' % (os.path.join(dest, 'synthetic.tar.gz'), data_dir, data_dir))
  # Nothing moved in; the copy of the archive, whole, is kept.
  assert _listing(dest) == sorted(before + ['synthetic.tar.gz'])
  for name in ORIGINALS:
    if name != 'test_batch.bin':
      with open(os.path.join(data_dir, name), 'rb') as f:
        assert f.read() == ORIGINALS[name]


def test_an_archive_refused_after_downloading_is_not_kept(tmp_path, dest,
                                                          server):
  """A mirror's bad archive is removed, so that the next run downloads it
  again; one put there by the user is kept, and the message says so."""
  files = dict(ORIGINALS)
  del files['test_batch.bin']
  archive = str(tmp_path / 'mirror.tar.gz')
  server.payload = make_archive(archive, files=files)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=server.url('mirror.tar.gz'),
                            out=io.StringIO())
  assert 'is missing cifar-10-batches-bin/test_batch.bin. It was removed' in (
      str(e.value))
  assert _listing(dest) == []
  server.payload = make_archive(archive)  # The mirror, fixed.
  dl.download_and_extract(dest, data_url=server.url('mirror.tar.gz'),
                          out=io.StringIO())
  assert_extracted(dest)

  own = str(tmp_path / 'own')
  os.makedirs(own)
  make_archive(os.path.join(own, 'mirror.tar.gz'), files=files)
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(own, data_url=server.url('mirror.tar.gz'),
                            out=io.StringIO())
  assert ('Replace %s (it was there before this run, and is kept)' %
          os.path.join(own, 'mirror.tar.gz')) in str(e.value)
  assert os.listdir(own) == ['mirror.tar.gz']


@pytest.mark.parametrize('url', ['http://[::1/x.tar.gz', 'notaurl', ''])
def test_malformed_urls_are_one_error(url, tmp_path):
  with pytest.raises(dl.DownloadError) as e:
    dl.fetch(url, str(tmp_path / 'f.mat'), out=io.StringIO())
  assert str(e.value).startswith('Cannot download %r: expected ' % url)
  with pytest.raises(dl.DownloadError, match='Cannot download'):
    dl.download_and_extract(str(tmp_path / 'd'), data_url=url,
                            out=io.StringIO())
  assert os.listdir(str(tmp_path)) == []


def test_a_non_gzip_download_is_described_on_one_line(tmp_path, dest):
  page = tmp_path / 'cifar10.tar.gz'
  page.write_text('<html><body>\nNot found\n</body></html>\n')
  with pytest.raises(dl.DownloadError) as e:
    dl.download_and_extract(dest, data_url=file_url(str(page)),
                            out=io.StringIO(), retries=1)
  assert '\n' not in str(e.value).split('To fix')[0].strip(), str(e.value)


def test_the_module_run_alone_fetches_the_data(tmp_path):
  archive = str(tmp_path / 'small.tar.gz')
  make_archive(archive)
  proc = run_module('cifar10_download', '--data_dir=%s' % (tmp_path / 'd'),
                    '--data_url=' + file_url(archive), check=False)
  assert 'Traceback' not in proc.stderr
  assert proc.returncode == 0, proc.stderr
  assert_extracted(str(tmp_path / 'd'))
  assert proc.stdout.strip().splitlines()[-1] == (
      'The data set is in %s.' % (tmp_path / 'd' / dl.EXTRACTED_DIR))
  proc = run_module('cifar10_download', '--data_dir=%s' % (tmp_path / 'e'),
                    'extra', check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_download: error: it takes flags only (--data_dir, --data_url, '
      '--download_timeout_secs, --dataset, --svhn_url), not extra.')
  assert not (tmp_path / 'e').exists()
