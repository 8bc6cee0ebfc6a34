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
training failed far away with "Read less bytes than requested". Here:

* fetch() downloads any file to a temporary name beside its destination,
  within a deadline per attempt, and renames it into place only once its size
  and checksum are verified; no temporary file survives a failure or Ctrl-C;
* the archive's member headers are checked (no path outside the destination,
  no link or device, at most MAX_EXTRACTED_BYTES in all) before anything is
  extracted;
* the set is extracted into a temporary directory beside
  'cifar-10-batches-bin' and renamed into place only when every file is
  complete, so an interrupted or failed extraction never leaves a set that a
  later run takes for a whole one.

This module deliberately does not import TensorFlow, so that fetching the data
is fast and works where TensorFlow is not installed.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import hashlib
import os
import posixpath
import re
import shutil
import socket
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

# The real set extracts to 184,380,000 bytes of data (six files of 10,000
# records) plus two small text files. gzip can shrink a run of zeros about
# 1,000 times, so a 170 MB archive could expand to 170 GB; members adding up
# to more than 1 GiB (5.8 times the real set, room for larger synthetic sets)
# are refused before a byte is written.
MAX_EXTRACTED_BYTES = 1 << 30

# Each attempt must finish within this many seconds (--download_timeout_secs):
# the 170 MB archive takes 3 minutes at 1 MB/s and 30 at about 95 kB/s. A
# server that trickles bytes never trips the read timeout below.
DEFAULT_DEADLINE_SECS = 1800
# Without a read timeout a silent server would hang the tutorial forever.
_READ_TIMEOUT_SECS = 60
_CHUNK_BYTES = 1 << 20
_SCHEMES = ('http', 'https', 'file', 'ftp')


class DownloadError(cifar10_dirs.UserError, RuntimeError):
  """A file could not be downloaded, verified or extracted."""


class _BadDownload(Exception):
  """A download attempt produced an incomplete or wrong file (retryable)."""


class _LocalWriteError(Exception):
  """The download could not be written locally (not worth retrying)."""


# --- Scratch files, and what a killed process left of them -------------------


def scratch_prefix(name, kind):
  """'<name>.<kind>-<host>-<pid>-': the start of this process's scratch
  file or directory for `name`, which says whose it is."""
  return '%s.%s-%s-%d-' % (name, kind, socket.gethostname(), os.getpid())


def _alive(pid):
  """False only if no process `pid` exists (0 would be a process group, and
  a number too large for a pid is no name of ours: both count as alive)."""
  if pid <= 0:
    return True
  try:
    os.kill(pid, 0)
  except ProcessLookupError:
    return False
  except (OSError, OverflowError):  # EPERM: another user's process exists.
    pass
  return True


def remove_leftovers(directory, name, kind, out):
  """Removes the scratch files for `name` of processes that are gone.

  Ctrl-C or an error removes a scratch file at once, but a process killed
  by SIGKILL (or a power cut) cannot, and a half-extracted set is 180 MB.
  Only names made by this package on this host, whose process no longer
  exists, are removed: those of a running download or extraction, or of
  another host sharing the directory, are left alone.
  """
  pattern = re.compile(r'%s\.%s-%s-(\d+)-' % (
      re.escape(name), kind, re.escape(socket.gethostname())))
  try:
    entries = sorted(os.listdir(directory))
  except OSError:
    return
  for entry in entries:
    match = pattern.match(entry)
    if not match or _alive(int(match.group(1))):
      continue
    path = os.path.join(directory, entry)
    try:
      if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
      else:
        os.remove(path)
    except OSError:
      continue  # Left for the user: nothing depends on it.
    out.write('Removed %s, left by process %s, which was killed.\n'
              % (path, match.group(1)))


# --- Downloading any file ----------------------------------------------------


class _Progress(object):
  """Prints '>> Downloading <name> 45.3%' as bytes arrive.

  On a terminal the line is rewritten in place (carriage returns), as the
  tutorial does; in a log file or a pipe one line per 10 % is printed instead
  of hundreds of carriage-return updates. Without a known total, megabytes
  are shown instead of a percentage.
  """

  def __init__(self, name, total, out):
    self._name, self._total, self._out = name, total, out
    isatty = getattr(out, 'isatty', None)
    self._tty = bool(isatty and isatty())
    self._shown = None  # What the line last said.

  def update(self, size):
    if self._total:
      value, unit = 100.0 * min(size, self._total) / self._total, '%'
    else:
      value, unit = size / 1e6, ' MB'
    if not self._tty:
      value = value // 10 * 10  # A line per 10 % (or 10 MB).
      if not value:
        return
    text = '%.1f%s' % (value, unit)
    if text == self._shown:
      return
    self._shown = text
    if self._tty:
      self._out.write('\r>> Downloading %s %s' % (self._name, text))
    else:
      self._out.write('>> Downloading %s %s\n' % (self._name, text))
    self._out.flush()

  def finish(self):
    if self._tty and self._shown is not None:
      self._out.write('\n')


def _md5_of(path):
  md5 = hashlib.md5()
  with open(path, 'rb') as f:
    for chunk in iter(lambda: f.read(_CHUNK_BYTES), b''):
      md5.update(chunk)
  return md5.hexdigest()


def _check_size_and_md5(size, md5, expected_size, expected_md5):
  """Raises _BadDownload unless size and md5 are the expected ones."""
  if expected_size is not None and size != expected_size:
    raise _BadDownload('size mismatch: expected %d bytes, got %d'
                       % (expected_size, size))
  if expected_md5 is not None and md5 != expected_md5:
    raise _BadDownload('MD5 mismatch: expected %s, got %s'
                       % (expected_md5, md5))


def _download_once(url, path, expected_size, expected_md5, deadline_secs,
                   check, out):
  """One attempt: downloads url to path, renaming it there only if verified.

  Raises:
    _BadDownload, OSError, http_client.HTTPException: the attempt failed.
    _LocalWriteError: the file could not be written.
  """
  name = os.path.basename(path)
  directory = os.path.dirname(path) or '.'
  remove_leftovers(directory, name, 'partial', out)
  try:
    fd, tmp_path = tempfile.mkstemp(prefix=scratch_prefix(name, 'partial'),
                                    dir=directory)
  except OSError as e:
    raise _LocalWriteError(e)
  try:
    md5, size = hashlib.md5(), 0
    start = time.monotonic()
    with os.fdopen(fd, 'wb') as f:
      # Every read waits at most the read timeout or the whole deadline,
      # whichever is shorter; the deadline is checked after every read.
      wait = min(_READ_TIMEOUT_SECS, deadline_secs)
      try:
        response = urllib.request.urlopen(url, timeout=wait)
      except socket.timeout:
        raise _BadDownload('no response within %g s' % wait)
      except urllib.error.URLError as e:
        if isinstance(e.reason, socket.timeout):
          raise _BadDownload('no response within %g s' % wait)
        raise
      length = response.headers.get('Content-Length')
      announced = int(length) if length and length.isdigit() else None
      progress = _Progress(name, announced or expected_size, out)
      # read1 returns what has arrived (one socket read): read(n) would wait
      # for all n bytes, however slowly they come.
      read = getattr(response, 'read1', response.read)
      try:
        while True:
          try:
            chunk = read(_CHUNK_BYTES)
          except socket.timeout:
            if time.monotonic() - start < deadline_secs:
              raise _BadDownload('no data for %g s' % min(
                  _READ_TIMEOUT_SECS, deadline_secs))
            chunk = None  # The deadline check below says what happened.
          if time.monotonic() - start >= deadline_secs:
            raise _BadDownload(
                'not complete within %g s (%d of %s bytes received); on a '
                'slow connection pass a larger --download_timeout_secs' % (
                    deadline_secs, size, announced or expected_size or '?'))
          if not chunk:
            break
          try:
            f.write(chunk)
            f.flush()  # A full disk shows here, not at close.
          except OSError as e:
            raise _LocalWriteError(e)
          md5.update(chunk)
          size += len(chunk)
          if expected_size is not None and size > expected_size:
            # Do not fill the disk with whatever else the server sends.
            raise _BadDownload('size mismatch: expected %d bytes, got more'
                               % expected_size)
          progress.update(size)
      finally:
        response.close()
        progress.finish()
    # http.client returns a short body without complaint when the server
    # closes early; this is the check the tutorial was missing.
    if announced is not None and size != announced:
      raise _BadDownload('connection closed after %d of %d bytes'
                         % (size, announced))
    _check_size_and_md5(size, md5.hexdigest(), expected_size, expected_md5)
    if check:
      check(tmp_path)
    # mkstemp made the file for this user only; a download is as any file.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    os.replace(tmp_path, path)
    tmp_path = None
    out.write('Successfully downloaded %s %d bytes.\n' % (name, size))
  finally:
    # Also on KeyboardInterrupt: no partial file is ever left behind.
    if tmp_path is not None and os.path.exists(tmp_path):
      os.remove(tmp_path)


def _describe(error):
  """What went wrong, on one line."""
  if isinstance(error, urllib.error.HTTPError):
    text = 'HTTP error %d %s' % (error.code, error.reason)
  elif isinstance(error, urllib.error.URLError):
    text = str(error.reason)
  else:
    text = str(error) or type(error).__name__
  return ' '.join(text.split())


def is_download_url(url):
  """True if url parses as an http(s)://, ftp:// or file:// URL."""
  try:
    return urllib.parse.urlparse(url).scheme in _SCHEMES
  except ValueError:  # e.g. 'http://[::1/x': an unclosed IPv6 address.
    return False


def _archive_name(url, example):
  """The file name a URL's path ends in.

  Raises:
    DownloadError: if url is not an http(s)://, ftp:// or file:// URL naming
      a file.
  """
  filename = None
  if is_download_url(url):
    filename = posixpath.basename(
        urllib.parse.unquote(urllib.parse.urlparse(url).path))
  if not filename:
    raise DownloadError(
        'Cannot download %r: expected an http://, https:// or file:// URL '
        'naming the file, e.g. file:///path/to/%s.' % (url, example))
  return filename


def _fetch(url, path, expected_size, expected_md5, retries, retry_wait_secs,
           deadline_secs, out, check=None, fix=None):
  """fetch() with an extra check of the file and the fix to suggest.

  Args:
    check: None, or callable(tmp_path) raising _BadDownload (retried) or
      DownloadError (not retried) if the downloaded file is unusable.
    fix: text after 'To fix (e.g. offline): ' in the final error.
  """
  if not deadline_secs > 0:
    raise ValueError('deadline_secs must be positive, got %r'
                     % deadline_secs)
  _archive_name(url, os.path.basename(path))
  out = sys.stdout if out is None else out
  attempts = max(1, int(retries))
  for attempt in range(1, attempts + 1):
    if attempt > 1:
      time.sleep(retry_wait_secs)
    try:
      _download_once(url, path, expected_size, expected_md5, deadline_secs,
                     check, out)
      return path
    except _LocalWriteError as e:
      raise DownloadError(
          'Cannot write the download of %s to %s: %s. Free some space or '
          'choose another directory.' % (url, os.path.dirname(path) or '.',
                                         _describe(e.args[0])))
    except (_BadDownload, OSError, http_client.HTTPException) as e:
      reason = _describe(e)
      out.write('Attempt %d of %d to download %s failed: %s\n'
                % (attempt, attempts, url, reason))
  if fix is None:
    fix = 'download it some other way and copy it to %s' % path
    if expected_size is not None or expected_md5 is not None:
      fix += ' (%s)' % ', '.join(
          ([] if expected_size is None else ['%d bytes' % expected_size]) +
          ([] if expected_md5 is None else ['MD5 %s' % expected_md5]))
  raise DownloadError('Downloading %s failed after %d attempt(s): %s.\n'
                      'To fix (e.g. offline): %s' % (url, attempts, reason,
                                                     fix))


def fetch(url, path, expected_size=None, expected_md5=None, retries=3,
          retry_wait_secs=1.0, deadline_secs=DEFAULT_DEADLINE_SECS, out=None):
  """Downloads url to path, keeping it only once it is complete and verified.

  The file is written under a temporary name in path's directory
  ('<name>.partial-<host>-<pid>-XXXX') and renamed to path only after the
  whole body arrived and its size and MD5 (when given) match. On any
  failure, Ctrl-C included, the temporary file is removed and an existing
  file at path is left as it was.

  Args:
    url: http://, https://, ftp:// or file:// URL.
    path: str, where to put the file; its directory must exist.
    expected_size: int or None, the file's size in bytes.
    expected_md5: str or None, its MD5 as 32 lowercase hex digits.
    retries: int, number of attempts in total.
    retry_wait_secs: float, seconds to wait between attempts.
    deadline_secs: float, seconds each attempt may take in all; a slow or
      stalled transfer is abandoned (and retried) after that.
    out: stream for progress and attempt messages; sys.stdout when None.

  Returns:
    str, path.

  Raises:
    DownloadError: every attempt failed, or the file could not be written;
      the message says what failed and how to fix it.
  """
  return _fetch(url, path, expected_size, expected_md5, retries,
                retry_wait_secs, deadline_secs, out)


# --- Checking the archive ----------------------------------------------------


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


def _refuse_bomb(total, archive_path):
  if total > MAX_EXTRACTED_BYTES:
    raise DownloadError(
        'Refusing to extract %s: its members add up to more than %d bytes '
        '(the CIFAR-10 set is 184,380,000), so it is not a CIFAR-10-format '
        'archive. Use an unmodified CIFAR-10 binary archive or '
        'cifar10_synthetic.' % (archive_path, MAX_EXTRACTED_BYTES))


def _check_stream(path, filename):
  """Raises _BadDownload unless path is a tar archive that reads to its end.

  Raises:
    DownloadError: the members add up to more than MAX_EXTRACTED_BYTES; the
      headers are summed as they come, so a bomb is not decompressed.
  """
  try:
    with tarfile.open(path, 'r:*') as tar:
      total = 0
      for member in tar:
        total += member.size
        _refuse_bomb(total, filename)
      # The tar end marker can come before the end of the compressed stream;
      # reading on makes gzip check its length and CRC trailer too.
      while tar.fileobj.read(_CHUNK_BYTES):
        pass
  except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
    raise _BadDownload('%s is not a complete tar archive (%s)'
                       % (filename, e))


def _verify(path, filename, out):
  """Raises _BadDownload unless path holds a complete archive.

  The CIFAR-10 release (by filename) is checked against its published size and
  MD5; any other archive (a local copy, a synthetic set) can only be read
  through to its end.
  """
  if filename != ARCHIVE_NAME:
    out.write('Note: %s is not the CIFAR-10 release, so its checksum cannot '
              'be checked; only checking that it is complete.\n' % filename)
    return _check_stream(path, filename)
  size = os.path.getsize(path)
  _check_size_and_md5(size, _md5_of(path) if size == ARCHIVE_SIZE else None,
                      ARCHIVE_SIZE, ARCHIVE_MD5)


def _usable_archive(archive_path, out):
  """Tells whether archive_path already holds a complete, verified archive."""
  if not os.path.exists(archive_path):
    return False
  try:
    _verify(archive_path, os.path.basename(archive_path), out)
    return True
  except _BadDownload as e:
    # Typically a partial download left by the original tutorial. It is only
    # replaced once a new download has verified (see fetch).
    out.write('Existing %s is unusable (%s); downloading it again.\n'
              % (archive_path, e))
    return False


# --- Extracting the set ------------------------------------------------------


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


def _checked_members(tar, archive_path, fix):
  """Returns the members under EXTRACTED_DIR/ after checking every header.

  Raises:
    DownloadError: a member is unsafe, the members add up to more than
      MAX_EXTRACTED_BYTES, or a data file is missing.
  """
  members, total = [], 0
  for member in tar:
    reason = _unsafe_reason(member)
    if reason:
      raise DownloadError('Refusing to extract %s: member %r is unsafe (%s). '
                          '%s' % (archive_path, member.name, reason, fix))
    total += member.size
    _refuse_bomb(total, archive_path)
    members.append(member)
  names = set(posixpath.normpath(m.name) for m in members if m.isfile())
  missing = [n for n in EXTRACTED_FILES
             if posixpath.join(EXTRACTED_DIR, n) not in names]
  if missing:
    raise DownloadError('Archive %s is missing %s/%s. %s' % (
        archive_path, EXTRACTED_DIR, ', '.join(missing), fix))
  # Only the set is extracted; anything else in the archive is not needed.
  return [m for m in members
          if posixpath.normpath(m.name).split('/')[0] == EXTRACTED_DIR]


def _move_into_place(new_dir, data_dir):
  """Renames new_dir to data_dir, or moves in the files data_dir lacks.

  Files already in data_dir are never replaced: they are either good, or
  were refused before anything was downloaded (see download_and_extract).
  """
  try:
    os.rename(new_dir, data_dir)  # Atomic; also replaces an empty directory.
    return
  except OSError:
    if not os.path.isdir(data_dir):
      raise
  for name in sorted(os.listdir(new_dir)):
    target = os.path.join(data_dir, name)
    if not os.path.lexists(target):
      os.rename(os.path.join(new_dir, name), target)


def _extract(archive_path, dest_directory, out, downloaded=False):
  """Extracts the set from archive_path into dest_directory/EXTRACTED_DIR.

  Everything is written into a temporary directory beside it first, which is
  removed on any failure (Ctrl-C included); those of killed processes are
  removed first.

  Args:
    archive_path: str, the archive.
    dest_directory: str, the --data_dir.
    out: stream for messages.
    downloaded: True if this run downloaded the archive: an archive refused
      is then removed, so that the next run downloads it again; one that was
      there before is the user's, and is kept.

  Raises:
    DownloadError: the archive failed a check, or extracting it failed (e.g.
      the disk is full).
  """
  if downloaded:
    fix = ('It was removed: fix the mirror, or use an unmodified CIFAR-10 '
           'binary archive or cifar10_synthetic.')
  else:
    fix = ('Replace %s (it was there before this run, and is kept) with an '
           'unmodified CIFAR-10 binary archive, or use cifar10_synthetic.'
           % archive_path)
  tmp_dir = None
  refused = keep = False
  remove_leftovers(dest_directory, '.' + EXTRACTED_DIR, 'extracting', out)
  try:
    tmp_dir = tempfile.mkdtemp(
        prefix=scratch_prefix('.' + EXTRACTED_DIR, 'extracting'),
        dir=dest_directory)
    with tarfile.open(archive_path, 'r:*') as tar:
      members = _checked_members(tar, archive_path, fix)
      # The 'data' filter (Python 3.12, 3.11.4+) adds a second line of
      # defence against anything the checks above did not foresee.
      if hasattr(tarfile, 'data_filter'):
        tar.extractall(tmp_dir, members=members, filter='data')
      else:
        tar.extractall(tmp_dir, members=members)
    bad = _bad_extracted_files(tmp_dir)
    if bad:
      raise DownloadError(
          'Archive %s holds empty or partial-record files %s/%s (records are '
          '%d bytes). %s' % (archive_path, EXTRACTED_DIR, ', '.join(bad),
                             RECORD_BYTES, fix))
    mixing = _mixing_error(os.path.join(tmp_dir, EXTRACTED_DIR),
                           os.path.join(dest_directory, EXTRACTED_DIR),
                           archive_path)
    if mixing:
      keep = True  # A whole archive, only not for this directory.
      raise mixing
    _move_into_place(os.path.join(tmp_dir, EXTRACTED_DIR),
                     os.path.join(dest_directory, EXTRACTED_DIR))
  except DownloadError:
    refused = not keep
    raise
  except (tarfile.TarError, EOFError, zlib.error) as e:
    refused = True
    raise DownloadError('Extracting %s into %s failed: %s. %s'
                        % (archive_path, dest_directory, _describe(e), fix))
  except OSError as e:
    raise DownloadError('Extracting %s into %s failed: %s. Free some space '
                        'or choose another --data_dir.'
                        % (archive_path, dest_directory, e))
  finally:
    if tmp_dir is not None:
      shutil.rmtree(tmp_dir, ignore_errors=True)
    if refused and downloaded and os.path.exists(archive_path):
      os.remove(archive_path)


def _mixing_error(new_dir, data_dir, archive_path):
  """Refuses to fill in a set's missing files from a set of the other kind.

  A synthetic file beside real ones would be taken for CIFAR-10 (or the
  directory, with the synthetic marker moved in, for a synthetic set, which
  cifar10_synthetic may replace whole).

  Returns:
    A DownloadError if data_dir exists and one of the two sets is synthetic
    and the other is not; else None.
  """
  if not os.path.isdir(data_dir):
    return None
  new_synthetic = os.path.exists(os.path.join(new_dir, SYNTHETIC_MARKER))
  if new_synthetic == os.path.exists(os.path.join(data_dir,
                                                  SYNTHETIC_MARKER)):
    return None
  return DownloadError(
      '%s is %s, and %s holds some files of %s: not mixing the two. Extract '
      'it into another --data_dir, or move %s aside first.' % (
          archive_path, 'a synthetic set' if new_synthetic else
          'not a synthetic set', data_dir, 'another set' if new_synthetic
          else 'a synthetic one', data_dir))


def _refuse_damaged(dest_directory, bad, out):
  """Raises DownloadError unless the bad files can be filled in safely.

  Files that are missing are extracted again; files that are there but
  damaged are never overwritten, since they may not be the package's.
  """
  data_dir = os.path.join(dest_directory, EXTRACTED_DIR)
  if os.path.lexists(data_dir) and not os.path.isdir(data_dir):
    raise DownloadError('%s is not a directory; move it aside so that the '
                        'data set can be extracted there.' % data_dir)
  if not os.path.isdir(data_dir):
    return
  paths = ', '.join(os.path.join(data_dir, n) for n in bad)
  if os.path.exists(os.path.join(data_dir, SYNTHETIC_MARKER)):
    # Never mix the real set into a synthetic one (or the other way).
    raise DownloadError(
        '%s: missing, empty or not whole %d-byte records. This is a '
        'synthetic set: write it again with `python -m '
        'cifar10.cifar10_synthetic --data_dir=%s`.' % (paths, RECORD_BYTES,
                                                      dest_directory))
  damaged = [os.path.join(data_dir, n) for n in bad
             if os.path.lexists(os.path.join(data_dir, n))]
  if damaged:
    raise DownloadError(
        '%s: empty or not whole %d-byte records; not overwriting them. '
        'Delete them (or move %s aside) and run again to extract them anew.'
        % (', '.join(damaged), RECORD_BYTES, data_dir))
  out.write('%s: missing; extracting them from the archive (the files '
            'already there are kept).\n' % paths)


def download_and_extract(dest_directory, data_url=DATA_URL, retries=3,
                         retry_wait_secs=1.0, out=None,
                         deadline_secs=DEFAULT_DEADLINE_SECS):
  """Downloads and extracts the CIFAR-10 binary data unless already present.

  Args:
    dest_directory: Directory to hold the archive and 'cifar-10-batches-bin/'.
      Created if needed.
    data_url: http://, https:// or file:// URL of the archive. Its basename is
      the archive's file name in dest_directory.
    retries: Number of download attempts in total.
    retry_wait_secs: Seconds to wait between attempts.
    out: Stream for progress messages; sys.stdout when None.
    deadline_secs: Seconds each download attempt may take in all.

  Returns:
    The path of dest_directory/cifar-10-batches-bin.

  Raises:
    DownloadError: The download failed or did not verify after all attempts,
      the archive is unsafe or lacks the expected files, extraction failed,
      or files already in 'cifar-10-batches-bin' are damaged.
  """
  out = sys.stdout if out is None else out
  data_dir = os.path.join(dest_directory, EXTRACTED_DIR)
  bad = _bad_extracted_files(dest_directory)
  if not bad:
    return data_dir
  _refuse_damaged(dest_directory, bad, out)
  filename = _archive_name(data_url, ARCHIVE_NAME)
  try:
    os.makedirs(dest_directory, exist_ok=True)
  except OSError as e:
    raise DownloadError('Cannot create --data_dir=%s: %s. Choose a directory '
                        'that can be written.' % (dest_directory,
                                                  e.strerror or e))
  archive_path = os.path.join(dest_directory, filename)
  downloaded = not _usable_archive(archive_path, out)
  if downloaded:
    release = filename == ARCHIVE_NAME
    _fetch(data_url, archive_path,
           ARCHIVE_SIZE if release else None, ARCHIVE_MD5 if release else None,
           retries, retry_wait_secs, deadline_secs, out,
           check=None if release else lambda p: _verify(p, filename, out),
           fix='copy the archive to %s, or put the extracted files in %s, or '
           'pass --data_url=<mirror or file:///path/to/%s>, or run python -m '
           'cifar10.cifar10_synthetic --data_dir=%s' % (
               archive_path, data_dir + os.sep, ARCHIVE_NAME, dest_directory))
  _extract(archive_path, dest_directory, out, downloaded)
  return data_dir


def main(argv):
  """`python -m cifar10.cifar10_download`: fetches the data set alone."""
  if len(argv) > 1:
    raise DownloadError('it takes flags only (--data_dir, --data_url, '
                        '--download_timeout_secs, --dataset, --svhn_url), '
                        'not %s.' % ' '.join(argv[1:]))
  print('The data set is in %s.' % cifar10.maybe_download_and_extract())


if __name__ == '__main__':
  # Run as a script, the module takes the data flags of the package, whose
  # modules (and TensorFlow) it then imports; as a library it imports neither.
  if __package__:
    from cifar10 import cifar10
    from cifar10 import cifar10_app
  else:
    import cifar10
    import cifar10_app
  cifar10_app.run_main(main)
