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

"""The directories the scripts write: checked flags and one owner each.

A trainer writes checkpoints and event files into --train_dir, an evaluator
event files into --eval_dir. Two processes writing one directory would
overwrite each other's checkpoints and interleave their event files, so each
takes an exclusive lock on its directory for as long as it runs. The lock is
an flock(2) on a file in the directory: the operating system releases it when
the process ends, however it ends (even kill -9), so nothing stale is ever
left to clean up.

It is also the first module the package loads, so it sets up how a script
starts: until its imports are done, a Ctrl-C ends it in one line and
Python's collector is paused.

Summary of available functions:

 # Errors a user caused and can fix: the scripts print them as one line.
 raise UserError('...')

 # --data_dir must be a directory (or not exist yet).
 check_directory_flag('data_dir', path)

 # --train_dir must not be --data_dir or inside it.
 check_apart('train_dir', train_dir, 'data_dir', data_dir)

 # Own a directory until the process ends.
 lock = DirLock.acquire(train_dir, 'train_dir')

 # A script's imports are done: resume the collector paused while it started.
 imports_done()

 # --output_json: refuse a file that is not an earlier output; write whole.
 if not_json(path) or same_file(path, an_input): ...
 write_whole(path, text)

This module does not import TensorFlow.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import errno
import fcntl
import gc
import os
import signal
import socket
import stat
import sys
import tempfile
import threading
import time

# In the directory it protects; it holds who owns the directory.
LOCK_NAME = '.cifar10.lock'



def _script_name():
  """The running script's name ('cifar10_train'), or another program's."""
  argv = getattr(sys, 'orig_argv', None) or []
  if '-m' in argv[:-1]:  # Its __main__ is not set up yet while importing.
    return argv[argv.index('-m') + 1].rsplit('.', 1)[-1]
  main = getattr(sys.modules.get('__main__'), '__file__', None)
  return os.path.splitext(os.path.basename(main or (sys.argv or [''])[0]))[0]


_SCRIPT = _script_name()


def _quiet_interrupt(signum, frame):  # pylint: disable=unused-argument
  sys.stderr.write('%s: interrupted (Ctrl-C) while starting; nothing was '
                   'written.\n' % _SCRIPT)
  os._exit(130)  # pylint: disable=protected-access


# While one of the package's scripts starts (TensorFlow takes seconds to
# import), a Ctrl-C ends it with one line, not a traceback from deep inside
# an import, and Python's collector is paused: the import makes ~270,000
# objects, and the collector would walk the growing heap again and again
# meanwhile (about 0.5 s of every start). This module is the first the
# package loads, in either layout. imports_done() resumes the collector and
# cifar10_app.run_main hands SIGINT back to Python once the script runs. A
# program of your own that imports the package is left alone.
_STARTING_SCRIPT = _SCRIPT.startswith('cifar10_') and (
    threading.current_thread() is threading.main_thread())
if _STARTING_SCRIPT:
  signal.signal(signal.SIGINT, _quiet_interrupt)
  gc.disable()


def _standard_streams_open():
  """Points a closed stdin, stdout or stderr at /dev/null.

  Started with one closed (`cifar10_train >&-`), the next file the process
  opens would get its number: a checkpoint, an event file or the lock file
  would then receive whatever is printed. Output to a closed stream goes
  nowhere instead, as to a reader that has gone.
  """
  for fd, name, mode in ((0, 'stdin', 'r'), (1, 'stdout', 'w'),
                         (2, 'stderr', 'w')):
    try:
      os.fstat(fd)
    except OSError:
      devnull = os.open(os.devnull, os.O_RDWR)
      if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)
      if getattr(sys, name) is None:
        setattr(sys, name, open(fd, mode, closefd=False))


if _STARTING_SCRIPT:
  _standard_streams_open()


def imports_done():
  """Called by a script once its imports are done, before its main().

  The objects made so far (TensorFlow's, mostly) live until the process
  exits: frozen, the collector's full collections, now and then while
  training and once at exit, no longer walk them (about 0.8 s of every run).
  The collector, paused while the script started, runs again.
  """
  gc.freeze()
  if _STARTING_SCRIPT:
    gc.enable()


def same_file(a, b):
  """Whether paths a and b name one file, by any name (the same path if
  either is missing)."""
  try:
    return os.path.samefile(a, b)
  except (OSError, ValueError):
    return os.path.realpath(a) == os.path.realpath(b)


def not_json(path):
  """True if a file is at `path` that does not begin as a JSON object: not
  an earlier output of a script's --output_json, so not to be replaced
  (an empty file too). False if there is none, or it cannot be read
  (writing it then fails with its own message)."""
  if not os.path.isfile(path):
    return False
  try:
    with open(path, 'rb') as f:
      return not f.read(256).lstrip().startswith(b'{')
  except OSError:
    return False


def write_whole(path, text):
  """Writes `text` to the file `path` names, whole or not at all.

  A regular file (or a new one) is written through a temporary file in the
  same directory, flushed to disk, then renamed over the old one: if writing
  fails (a full disk, Ctrl-C), the old file is left as it was and no partial
  file behind. The new file keeps the old one's permissions (or the
  umask's). A symbolic link is followed, and its target replaced; a
  read-only file is refused, as opening it for writing would be. Anything
  else (/dev/null, a FIFO) is written to directly.

  Args:
    path: str.
    text: str, written as UTF-8.

  Raises:
    OSError: if it cannot be written.
  """
  try:
    mode = os.stat(path).st_mode
  except FileNotFoundError:
    mode = None
  if mode is not None and not stat.S_ISREG(mode):
    with open(path, 'w', encoding='utf-8') as f:
      f.write(text)
    return
  target = os.path.realpath(path)
  if mode is not None and not os.access(target, os.W_OK):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), target)
  if mode is None:
    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
  fd, temporary = tempfile.mkstemp(
      prefix='.%s.' % os.path.basename(target), suffix='.tmp',
      dir=os.path.dirname(target))
  try:
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
      os.fchmod(f.fileno(), stat.S_IMODE(mode))
      f.write(text)
      f.flush()
      os.fsync(f.fileno())
    os.replace(temporary, target)
  except BaseException:
    try:
      os.unlink(temporary)
    except OSError:
      pass
    raise


class UserError(Exception):
  """An error the user caused and can fix.

  The scripts' entry point (cifar10_app.run_main) prints its message as one
  line, '<script>: error: <message>', and exits with status 1: no traceback.
  """


class DirError(UserError, ValueError):
  """A directory flag names something that cannot be used as asked."""


def check_directory_flag(flag, path, created=True):
  """Checks that --flag=path is a directory, or can be created as one.

  Args:
    flag: str, the flag's name without dashes (for the message).
    path: str, its value.
    created: whether the script creates the directory if it is not there
      (False: it only reads one a trainer wrote, as --checkpoint_dir).

  Raises:
    DirError: if path exists and is not a directory, or is empty.
  """
  if not path:
    raise DirError('--%s is empty; pass a directory.' % flag)
  if os.path.exists(path) and not os.path.isdir(path):
    raise DirError('--%s=%s is a file, not a directory; pass a directory%s.'
                   % (flag, path, ' (it is created if it does not exist)'
                      if created else ', the --train_dir a trainer wrote'))


def _inside(path, directory):
  path, directory = os.path.realpath(path), os.path.realpath(directory)
  return path == directory or path.startswith(directory.rstrip(os.sep) +
                                              os.sep)


def check_apart(flag, path, other_flag, other):
  """Refuses --flag=path when it is --other_flag's directory or inside it.

  Checked before anything is written or moved: a --train_dir inside
  --data_dir, or an --eval_dir equal to --train_dir, would mix one script's
  files into what another reads (and --fresh_start would move the data).

  Args:
    flag: str, name of the flag being checked (without dashes).
    path: str, its value.
    other_flag: str, the other flag's name.
    other: str, its value.

  Raises:
    DirError: naming both flags.
  """
  if _inside(path, other):
    raise DirError('--%s=%s is %s --%s=%s; give --%s a directory of its own.'
                   % (flag, path, 'the same directory as'
                      if _inside(other, path) else 'inside', other_flag,
                      other, flag))


def _program():
  return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else (
      'python')


class DirLock(object):
  """An exclusive lock on a directory, held until release() or process end.

  The lock file records the holder (process id, program, host, start time),
  so that a refused process can say who holds the directory.
  """

  def __init__(self, directory, fd):
    self.directory = directory
    self._fd = fd

  @classmethod
  def acquire(cls, directory, flag, wait=None):
    """Creates `directory` if needed and locks it for this process.

    Args:
      directory: str, the directory to own.
      flag: str, the flag that named it (for messages), e.g. 'train_dir'.
      wait: None to refuse a directory another process holds; or a function
        called with the holder's description, after which this process waits
        for the lock (for work that takes turns, such as converting a data
        set).

    Returns:
      DirLock.

    Raises:
      DirError: if another process holds the directory (and wait is None),
        or it cannot be created or written.
    """
    check_directory_flag(flag, directory)
    path = os.path.join(directory, LOCK_NAME)
    try:
      os.makedirs(directory, exist_ok=True)
      # Never truncated on open: the holder's record stays readable.
      fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
      raise DirError('Cannot write to --%s=%s: %s: %s. Choose a writable '
                     'directory; what is there is kept.' % (
                         flag, directory, e.filename or path,
                         e.strerror or e))
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
      holder = os.read(fd, 4096).decode('utf-8', 'replace').strip()
      busy = e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)
      if busy and wait is not None:
        wait(holder or 'another process')
        fcntl.flock(fd, fcntl.LOCK_EX)
        return cls._record(directory, fd)
      os.close(fd)
      if not busy:
        raise DirError('Cannot lock --%s=%s: %s.' % (flag, directory,
                                                     e.strerror))
      raise DirError(
          '--%s=%s is in use by %s; one process writes a directory at a '
          'time. Wait for it to finish, stop it, or choose another --%s.'
          % (flag, directory, holder or 'another process', flag))
    return cls._record(directory, fd)

  @classmethod
  def _record(cls, directory, fd):
    """Writes who holds the lock into the lock file: a DirLock."""
    record = 'process %d (%s on %s, since %s)\n' % (
        os.getpid(), _program(), socket.gethostname(),
        time.strftime('%Y-%m-%d %H:%M:%S'))
    try:
      os.ftruncate(fd, 0)
      os.pwrite(fd, record.encode('utf-8'), 0)
    except OSError:
      pass  # A full disk: the lock holds all the same; the record is a nicety.
    return cls(directory, fd)

  def release(self):
    """Releases the lock (the operating system does it at process end)."""
    if self._fd is not None:
      os.close(self._fd)
      self._fd = None
