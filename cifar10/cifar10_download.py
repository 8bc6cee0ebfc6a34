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

"""Downloads, verifies and extracts the CIFAR-10 binary data set.

This replaces the tutorial's maybe_download_and_extract(), which kept a
partial download under the final archive name and later extracted it, so that
training failed far away with "Read less bytes than requested". Here a
download is written to a temporary file and only renamed into place once its
size and checksum are verified, and the archive is checked member by member
before anything is extracted.

This module deliberately does not import TensorFlow, so that fetching the data
is fast and works where TensorFlow is not installed.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import hashlib
import os
import posixpath
import sys
import tarfile
import tempfile
import time
import zlib

from six.moves import http_client
from six.moves import urllib

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_dirs
else:
  import cifar10_dirs

DATA_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'
ARCHIVE_NAME = 'cifar-10-binary.tar.gz'
ARCHIVE_SIZE = 170052171
ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'
ARCHIVE_SHA256 = (
    'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd')
EXTRACTED_DIR = 'cifar-10-batches-bin'
EXTRACTED_FILES = tuple(
    'data_batch_%d.bin' % i for i in range(1, 6)) + ('test_batch.bin',)
RECORD_BYTES = 3073  # A label byte and a 32x32x3 image; no header or footer.
# Marks a directory written by cifar10_synthetic (see cifar10_input).
SYNTHETIC_MARKER = 'SYNTHETIC_DATA.txt'

_CHUNK_BYTES = 1 << 20
# Without a timeout a stalled server would hang the tutorial forever.
_TIMEOUT_SECS = 60
_SCHEMES = ('http', 'https', 'file', 'ftp')


class DownloadError(cifar10_dirs.UserError, RuntimeError):
  """The data set could not be downloaded, verified or extracted."""


class _BadDownload(Exception):
  """A download attempt produced an incomplete or wrong file (retryable)."""


def _bad_extracted_files(dest_directory):
  """Returns the names in EXTRACTED_FILES that are missing or malformed."""
  bad = []
  for name in EXTRACTED_FILES:
    path = os.path.join(dest_directory, EXTRACTED_DIR, name)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    if size == 0 or size % RECORD_BYTES:
      bad.append(name)
  return bad


def extracted_files_present(dest_directory):
  """Tells whether the extracted data set is already in place.

  Args:
    dest_directory: Directory that should hold 'cifar-10-batches-bin/'.

  Returns:
    True when all six .bin files exist, are non-empty and hold a whole number
    of RECORD_BYTES records.
  """
  return not _bad_extracted_files(dest_directory)


def _md5_of(path):
  md5 = hashlib.md5()
  with open(path, 'rb') as f:
    for chunk in iter(lambda: f.read(_CHUNK_BYTES), b''):
      md5.update(chunk)
  return md5.hexdigest()


def _check_stream(path, filename):
  """Raises _BadDownload unless path is a tar archive that reads to its end."""
  try:
    with tarfile.open(path, 'r:*') as tar:
      for _ in tar:
        pass
      # The tar end marker can come before the end of the compressed stream;
      # reading on makes gzip check its length and CRC trailer too.
      while tar.fileobj.read(_CHUNK_BYTES):
        pass
  except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
    raise _BadDownload('%s is not a complete tar archive (%s)'
                       % (filename, e))


def _verify(path, filename, md5=None):
  """Raises _BadDownload unless path holds a complete archive.

  The CIFAR-10 release (by filename) is checked against its published size and
  MD5; any other archive (a local copy, a synthetic set) can only be read
  through to its end.
  """
  if filename != ARCHIVE_NAME:
    return _check_stream(path, filename)
  size = os.path.getsize(path)
  if size != ARCHIVE_SIZE:
    raise _BadDownload('size mismatch: expected %d bytes, got %d'
                       % (ARCHIVE_SIZE, size))
  md5 = md5 or _md5_of(path)
  if md5 != ARCHIVE_MD5:
    raise _BadDownload('MD5 mismatch: expected %s, got %s' % (ARCHIVE_MD5, md5))


def _download_once(data_url, archive_path, out):
  """Downloads data_url to archive_path, renaming it there only if verified."""
  filename = os.path.basename(archive_path)
  fd, tmp_path = tempfile.mkstemp(prefix=filename + '.partial-',
                                  dir=os.path.dirname(archive_path))
  try:
    md5, size, in_progress_line = hashlib.md5(), 0, False
    with os.fdopen(fd, 'wb') as f:
      response = urllib.request.urlopen(data_url, timeout=_TIMEOUT_SECS)
      try:
        length = response.headers.get('Content-Length')
        expected = int(length) if length and length.isdigit() else None
        total = expected or (ARCHIVE_SIZE if filename == ARCHIVE_NAME else 0)
        for chunk in iter(lambda: response.read(_CHUNK_BYTES), b''):
          f.write(chunk)
          md5.update(chunk)
          size += len(chunk)
          if total:
            out.write('\r>> Downloading %s %.1f%%'
                      % (filename, 100.0 * min(size, total) / total))
            out.flush()
            in_progress_line = True
      finally:
        response.close()
        if in_progress_line:
          out.write('\n')
    # http.client returns a short body without complaint when the server
    # closes early; this is the check the tutorial was missing.
    if expected is not None and size != expected:
      raise _BadDownload('connection closed after %d of %d bytes'
                         % (size, expected))
    if filename != ARCHIVE_NAME:
      out.write('Note: %s is not the CIFAR-10 release, so its checksum cannot '
                'be checked; only checking that it is complete.\n' % filename)
    _verify(tmp_path, filename, md5.hexdigest())
    os.replace(tmp_path, archive_path)
    tmp_path = None
    out.write('Successfully downloaded %s %d bytes.\n' % (filename, size))
  finally:
    if tmp_path is not None and os.path.exists(tmp_path):
      os.remove(tmp_path)


def _describe(error):
  if isinstance(error, urllib.error.HTTPError):
    return 'HTTP error %d %s' % (error.code, error.reason)
  if isinstance(error, urllib.error.URLError):
    return str(error.reason)
  return str(error) or type(error).__name__


def _download(data_url, archive_path, retries, retry_wait_secs, out):
  """Calls _download_once up to `retries` times; raises DownloadError."""
  attempts = max(1, int(retries))
  for attempt in range(1, attempts + 1):
    if attempt > 1:
      time.sleep(retry_wait_secs)
    try:
      return _download_once(data_url, archive_path, out)
    except (_BadDownload, OSError, http_client.HTTPException) as e:
      reason = _describe(e)
      out.write('Attempt %d of %d to download %s failed: %s\n'
                % (attempt, attempts, data_url, reason))
  dest = os.path.dirname(archive_path)
  raise DownloadError(
      'Downloading %s failed after %d attempt(s): %s.\n'
      'To fix (e.g. offline): copy the archive to %s, or put the extracted '
      'files in %s, or pass --data_url=<mirror or '
      'file:///path/to/%s>, or run python -m cifar10.cifar10_synthetic '
      '--data_dir=%s' % (data_url, attempts, reason, archive_path,
                         os.path.join(dest, EXTRACTED_DIR) + os.sep,
                         ARCHIVE_NAME, dest))


def _usable_archive(archive_path, out):
  """Tells whether archive_path already holds a complete, verified archive."""
  if not os.path.exists(archive_path):
    return False
  try:
    _verify(archive_path, os.path.basename(archive_path))
    return True
  except _BadDownload as e:
    # Typically a partial download left by the original tutorial. It is only
    # replaced once a new download has verified (see _download_once).
    out.write('Existing %s is unusable (%s); downloading it again.\n'
              % (archive_path, e))
    return False


def _unsafe_reason(member):
  """Returns why extracting member could write outside the destination."""
  name = member.name
  if name.startswith(('/', '\\')) or os.path.isabs(name) or ':' in name:
    return 'absolute path'
  if '..' in name.replace('\\', '/').split('/'):
    return "'..' in path"
  if member.issym() or member.islnk():
    return 'link to %r' % member.linkname
  if not (member.isfile() or member.isdir()):
    return 'device, fifo or other special file'
  return None


def _extract(archive_path, dest_directory):
  """Extracts archive_path after checking every member; raises DownloadError."""
  fix = 'Use an unmodified CIFAR-10 binary archive or cifar10_synthetic.'
  try:
    with tarfile.open(archive_path, 'r:*') as tar:
      members = tar.getmembers()
      for member in members:
        reason = _unsafe_reason(member)
        if reason:
          raise DownloadError('Refusing to extract %s: member %r is unsafe '
                              '(%s). %s' % (archive_path, member.name, reason,
                                            fix))
      names = set(posixpath.normpath(m.name) for m in members if m.isfile())
      missing = [n for n in EXTRACTED_FILES
                 if posixpath.join(EXTRACTED_DIR, n) not in names]
      if missing:
        raise DownloadError('Archive %s is missing %s/%s. %s' % (
            archive_path, EXTRACTED_DIR, ', '.join(missing), fix))
      # The 'data' filter (Python 3.12, 3.11.4+) adds a second line of
      # defence against anything the checks above did not foresee.
      if hasattr(tarfile, 'data_filter'):
        tar.extractall(dest_directory, members=members, filter='data')
      else:
        tar.extractall(dest_directory, members=members)
  except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
    raise DownloadError('Extracting %s into %s failed: %s. %s'
                        % (archive_path, dest_directory, e, fix))
  bad = _bad_extracted_files(dest_directory)
  if bad:
    raise DownloadError(
        'Archive %s holds empty or partial-record files %s/%s (records are '
        '%d bytes). %s' % (archive_path, EXTRACTED_DIR, ', '.join(bad),
                           RECORD_BYTES, fix))


def download_and_extract(dest_directory, data_url=DATA_URL, retries=3,
                         retry_wait_secs=1.0, out=None):
  """Downloads and extracts the CIFAR-10 binary data unless already present.

  Args:
    dest_directory: Directory to hold the archive and 'cifar-10-batches-bin/'.
      Created if needed.
    data_url: http://, https:// or file:// URL of the archive. Its basename is
      the archive's file name in dest_directory.
    retries: Number of download attempts in total.
    retry_wait_secs: Seconds to wait between attempts.
    out: Stream for progress messages; sys.stdout when None.

  Returns:
    The path of dest_directory/cifar-10-batches-bin.

  Raises:
    DownloadError: The download failed or did not verify after all attempts,
      or the archive is unsafe or lacks the expected files.
  """
  out = sys.stdout if out is None else out
  data_dir = os.path.join(dest_directory, EXTRACTED_DIR)
  bad = _bad_extracted_files(dest_directory)
  if not bad:
    return data_dir
  damaged = ''
  if os.path.isdir(data_dir):
    # A deleted or truncated file is replaced from the archive. Say which, so
    # that a download that then fails still names the file that needs it.
    damaged = '%s: missing, empty or not whole %d-byte records. ' % (
        ', '.join(os.path.join(data_dir, n) for n in bad), RECORD_BYTES)
    if os.path.exists(os.path.join(data_dir, SYNTHETIC_MARKER)):
      # Never mix the real set into a synthetic one (or the other way).
      raise DownloadError(
          '%sThis is a synthetic set: write it again with `python -m '
          'cifar10.cifar10_synthetic --data_dir=%s`.' % (damaged,
                                                        dest_directory))
    out.write('%sExtracting the data set again.\n' % damaged)
  parsed = urllib.parse.urlparse(data_url)
  filename = posixpath.basename(urllib.parse.unquote(parsed.path))
  if parsed.scheme not in _SCHEMES or not filename:
    raise DownloadError(
        'Cannot download %r: expected an http://, https:// or file:// URL '
        'naming the archive, e.g. file:///path/to/%s.' % (data_url,
                                                          ARCHIVE_NAME))
  if not os.path.isdir(dest_directory):
    os.makedirs(dest_directory)
  archive_path = os.path.join(dest_directory, filename)
  try:
    if not _usable_archive(archive_path, out):
      _download(data_url, archive_path, retries, retry_wait_secs, out)
    _extract(archive_path, dest_directory)
  except DownloadError as e:
    if damaged:
      raise DownloadError(damaged + str(e))
    raise
  return data_dir
