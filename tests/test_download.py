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

import hashlib
import http.server
import io
import os
import socket
import tarfile

import pytest

from cifar10 import cifar10_download as dl
from conftest import local_http_server

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
  assert sorted(os.listdir(dest)) == sorted([dl.ARCHIVE_NAME, dl.EXTRACTED_DIR])


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
  # The (complete) archive was downloaded, but nothing came out of it.
  assert os.listdir(dest) == ['evil.tar.gz']


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


def test_interrupt_removes_temp_file(release, dest, monkeypatch):
  class _Interrupting(io.BytesIO):
    headers = {'Content-Length': str(len(release[1]))}

    def read(self, size=-1):
      if self.tell():
        raise KeyboardInterrupt
      return super().read(100)

    read1 = read

  monkeypatch.setattr(dl.urllib.request, 'urlopen',
                      lambda *a, **k: _Interrupting(release[1]))
  with pytest.raises(KeyboardInterrupt):
    dl.download_and_extract(dest, data_url=file_url(release[0]),
                            out=io.StringIO())
  assert os.listdir(dest) == []


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
