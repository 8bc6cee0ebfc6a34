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

"""How the tutorial's scripts run: one entry point, one error boundary.

Every script ends with `cifar10_app.run_main(main)`: the command line is
parsed once (absl), TensorFlow 2 behaviour is turned off (graph mode, the one
place the scripts say so), and every error a user can cause ends in one line.
The event files the trainers and the evaluator write come from here too.

Summary of available functions:

 # Run a script's main(argv).
 run_main(main)

 # The line of a TensorFlow error message that says what went wrong.
 reason = error_gist(error)

 # A tf.summary.FileWriter whose events are written at once, to a file of
 # this process's own.
 writer = event_writer(logdir, graph)
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import errno
import logging
import math
import os
import signal
import socket
import sys
import time
import uuid

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_dirs
else:
  import cifar10_dirs
from absl import app
from absl import flags
from absl.logging import converter
import tensorflow.compat.v1 as tf

FLAGS = flags.FLAGS


class _DeprecationFilter(logging.Filter):
  """Drops TensorFlow's notices that the TF1 APIs taught here are deprecated.

  The tutorial uses queues, readers and tf.train on purpose; the notices
  would bury its output. The README says which APIs they are. Also dropped:
  NanTensorHook's 'Model diverged with loss = NaN.', which the trainer
  reports in its one error line, with the step; and the stack listing of
  'Object was never used', which SyncReplicasOptimizer's unused op prints
  at exit when a synchronous worker stops before its first step.
  """

  def filter(self, record):
    message = record.getMessage()
    return ('is deprecated and will be removed' not in message and
            'Object was never used' not in message and
            message != 'Model diverged with loss = NaN.')


class _Stdout(object):
  """sys.stdout (or sys.stderr) that outlives its reader.

  `cifar10_eval | head -3`, or a terminal closed under a trainer: once the
  pipe is broken, the rest of the output goes nowhere and the script carries
  on with what it writes to disk (checkpoints, summaries), instead of
  stopping at its next print with BrokenPipeError. Characters the stream's
  encoding lacks (a file name that is not UTF-8) print escaped.
  """

  def __init__(self, stream):
    self._stream = stream

  def _to_devnull(self):
    # Later writes, and the interpreter's flush at exit, go nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, self._stream.fileno())
    os.close(devnull)

  def write(self, text):
    try:
      try:
        return self._stream.write(text)
      except UnicodeEncodeError:
        encoding = self._stream.encoding or 'ascii'
        return self._stream.write(text.encode(
            encoding, 'backslashreplace').decode(encoding))
    except BrokenPipeError:
      self._to_devnull()
      return len(text)

  def flush(self):
    try:
      self._stream.flush()
    except BrokenPipeError:
      self._to_devnull()

  def __getattr__(self, name):
    return getattr(self._stream, name)


def require_finite(*names):
  """Refuses nan and inf for these float flags (absl's bounds let nan by)."""
  for name in names:
    flags.register_validator(
        name, lambda value: value is None or math.isfinite(value),
        message='--%s takes a number, not nan or inf' % name)


def run_main(main):
  """Runs a script's `main` in TF1 graph mode, parsing the command line once.

  The one place where the scripts turn TensorFlow 2 behaviour off, and their
  one error boundary: an error the user caused and can fix
  (cifar10_dirs.UserError: bad data, a busy or unusable directory, a
  checkpoint that does not fit ...), Ctrl-C, and running out of memory each
  end in one line on stderr and a non-zero status, never a traceback.

  Args:
    main: function taking argv, as for absl.app.run.
  """
  logger = tf.get_logger()
  logger.addFilter(_DeprecationFilter())
  tf.disable_v2_behavior()
  # TensorFlow's handler prints the records already; absl's would repeat them.
  logger.propagate = False
  script = sys.modules[main.__module__]
  prog = os.path.splitext(os.path.basename(
      getattr(script, '__file__', None) or sys.argv[0]))[0]
  _describe_in_help(script)

  if not isinstance(sys.stdout, _Stdout):
    sys.stdout = _Stdout(sys.stdout)
  if not isinstance(sys.stderr, _Stdout):  # `script 2>&1 | head` too.
    sys.stderr = _Stdout(sys.stderr)

  def guarded_main(argv):
    # As TensorFlow 1 did, print warnings and errors only, unless asked with
    # absl's --verbosity (-v): not the INFO lines of every hook and save.
    logger.setLevel(converter.absl_to_standard(FLAGS.verbosity)
                    if FLAGS['verbosity'].present else logging.WARNING)
    # Until here a Ctrl-C ended the process quietly (cifar10_dirs); now it
    # raises KeyboardInterrupt, so that cleanup code runs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
      return main(argv)
    except cifar10_dirs.UserError as e:
      sys.exit('%s: error: %s' % (prog, e))
    except KeyboardInterrupt:
      sys.stderr.write('%s: interrupted (Ctrl-C); stopped.\n' % prog)
      sys.exit(130)
    except OSError as e:
      # A file or directory the system refused, where no closer check knew
      # what to say: a full or read-only disk, a missing permission.
      if e.filename is None:
        raise
      fix = {errno.ENOSPC: 'free space or choose another path',
             errno.EDQUOT: 'free space or choose another path',
             errno.EACCES: 'fix its permissions or choose another path',
             errno.EPERM: 'fix its permissions or choose another path',
             errno.EROFS: 'choose a path on a writable disk'}.get(
                 e.errno, 'choose another path')
      sys.exit('%s: error: cannot use %s: %s; %s.'
               % (prog, e.filename, e.strerror or e, fix))
    except tf.errors.ResourceExhaustedError as e:
      if 'OOM' not in e.message and 'memory' not in e.message:
        raise
      sys.exit('%s: error: out of memory with --batch_size=%d (%s). Pass a '
               'smaller --batch_size.' % (prog, FLAGS['batch_size'].value,
                                           e.message.split('\n')[0]))

  # The collector, paused while the script imported TensorFlow, runs again
  # and skips the imports' objects.
  cifar10_dirs.imports_done()
  # absl's app.run, unlike tf.app.run, rejects unknown flags (a typo such as
  # --max_step=10 would otherwise be ignored) and reports a bad flag value in
  # one line instead of a traceback.
  app.run(guarded_main)


# Lines of TensorFlow's error messages that say where, not what: headers
# ('Graph execution error:', 'From /job:worker/replica:0/task:0:'), the op
# and the Python stack it was built at, gRPC's details.
_ERROR_NOISE = ('Graph execution error', 'Detected at node', 'File "', 'Node:',
                '[[', 'From /job', 'Additional GRPC', ':UNKNOWN',
                'defined at')


def error_gist(error):
  """The line of an error's message that says what went wrong.

  Args:
    error: an exception, often a tf.errors.OpError (its .message), or a str.

  Returns:
    str, that line stripped; the exception's type name if it has no message.
  """
  message = error if isinstance(error, str) else str(
      getattr(error, 'message', error))
  lines = [l.strip() for l in message.split('\n') if l.strip()]
  useful = [l for l in lines
            if not l.endswith(':') and not l.startswith(_ERROR_NOISE)]
  return (useful or lines or [type(error).__name__])[0]


def _describe_in_help(script):
  """Makes --help show the script's docstring and flags, in every form.

  absl's --help prints the __main__ module's docstring, formatted with `%`
  (so "~86% accuracy" came out mangled), and the flags defined by a module
  named like sys.argv[0]: a console script's __main__ is only a wrapper, and
  the flags belong to cifar10.cifar10_train and the modules it imports.

  Args:
    script: the module of the script being run.
  """
  if script.__doc__:
    sys.modules['__main__'].__doc__ = script.__doc__.replace('%', '%%')
  for module, module_flags in FLAGS.flags_by_module_dict().items():
    if os.path.basename(module).startswith('cifar10'):
      for flag in module_flags:
        FLAGS.register_key_flag_for_module(sys.argv[0], flag)


class EventFileError(cifar10_dirs.UserError, RuntimeError):
  """A write to an event file failed: a full or read-only disk.

  str() is the sentence for the user; `message`, as in tf.errors.OpError,
  is the file's own error ('<path>; No space left on device').
  """

  def __init__(self, flag, logdir, message):
    super(EventFileError, self).__init__(
        'Cannot write to --%s=%s: %s. Free space or choose a writable '
        'directory.' % (flag, logdir, message))
    self.message = message


class _SynchronousEventFile(object):
  """Writes each event to its file at once, raising the first error.

  What tf.summary.FileWriter uses instead, EventFileWriter, writes from a
  background thread through a writer that ignores the errors of its writes:
  on a full disk, summaries were lost silently and training went on. This
  one writes the same records (TFRecordWriter: length, data and checksums)
  in the caller's thread, so the step that writes a summary fails with the
  file's name (EventFileError). After a failed write, closing does not
  fail again: the first error is the one to tell.
  """

  def __init__(self, logdir, suffix, flag):
    tf.gfile.MakeDirs(logdir)
    self._logdir, self._flag, self._failed = logdir, flag, False
    self._path = os.path.join(logdir, 'events.out.tfevents.%010d.%s%s' % (
        time.time(), socket.gethostname(), suffix))
    self._writer = self._guarded(tf.io.TFRecordWriter, self._path)
    self.add_event(tf.Event(wall_time=time.time(),
                            file_version='brain.Event:2'))

  def _guarded(self, write, *args):
    try:
      return write(*args)
    except (tf.errors.OpError, OSError) as e:
      self._failed = True
      raise EventFileError(self._flag, self._logdir, error_gist(e))

  def get_logdir(self):
    return self._logdir

  def add_event(self, event):
    self._guarded(self._writer.write, event.SerializeToString())

  def flush(self):
    self._guarded(self._writer.flush)

  def close(self):
    failed = self._failed
    try:
      self._guarded(self._writer.close)
    except EventFileError:
      if not failed:
        raise

  def reopen(self):
    pass


def event_writer(logdir, graph=None, flag='logdir'):
  """A tf.summary.FileWriter for `logdir` whose file no other process names.

  TensorFlow names event files by the second and the host only, so two
  processes starting in the same second would append to one file, which
  TensorBoard then reads as corrupt: the process id and a random part
  follow. Each event is written when it is added, and a write that fails
  (a full or read-only disk) raises EventFileError at once, naming --flag.

  Args:
    logdir: str, the directory (created if needed).
    graph: tf.Graph to write, or None.
    flag: the name of the flag that chose logdir, for the error message.

  Returns:
    tf.summary.FileWriter.
  """
  writer = tf.summary.FileWriter.__new__(tf.summary.FileWriter)
  writer._closed = False  # pylint: disable=protected-access
  # FileWriter's own __init__ would start the background writer; its base
  # class takes the event file to write to.
  super(tf.summary.FileWriter, writer).__init__(
      _SynchronousEventFile(logdir, '.%d.%s' % (os.getpid(),
                                                 uuid.uuid4().hex[:8]), flag),
      graph)
  return writer
