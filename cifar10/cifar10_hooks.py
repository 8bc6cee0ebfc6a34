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

"""What runs around each training step, for every trainer.

cifar10_train.run_training installs these hooks in the MonitoredSession:

 LoggerHook        the tutorial's log line every --log_frequency steps
 StopOnSignalHook  Ctrl-C and SIGTERM stop after the step, with a checkpoint
 InputWatchHook    a failed reader thread stops after the step, with one
 SaveHook          checkpoints that never overwrite or glob, and the event
                   file flushed after every step
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import signal
import sys
import threading
from datetime import datetime
import time

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
else:
  import cifar10
  import cifar10_checkpoint
  import cifar10_dirs
import tensorflow.compat.v1 as tf


# Checkpoints of one run kept in --train_dir, as tf.train.Saver's default.
MAX_TO_KEEP = 5


class TrainDirError(cifar10_dirs.UserError, RuntimeError):
  """--train_dir cannot be written: read-only, full, or not a directory."""


class LoggerHook(tf.train.SessionRunHook):
  """Logs loss and runtime every `log_frequency` steps, in LOG_FORMAT."""

  def __init__(self, loss, log_frequency, examples_per_step, num_towers=1):
    """Creates the hook.

    Args:
      loss: scalar loss Tensor to print.
      log_frequency: int, print every this many steps.
      examples_per_step: images one step trains on (batch_size * towers).
      num_towers: model replicas per step; sec/batch is per tower's batch.
    """
    self._loss = loss
    # None until a session is created (an error can come before that).
    self._step = None
    self._log_frequency = log_frequency
    self._examples_per_step = examples_per_step
    self._num_towers = num_towers

  def after_create_session(self, session, coord):
    # Count from the restored global step, so a resumed run logs true steps.
    self._step = session.run(tf.train.get_global_step()) - 1
    self._last_step = self._step
    self._start_time = time.time()

  @property
  def step(self):
    """The global step of the current (or last) run; None before a session
    was created."""
    return self._step

  def before_run(self, run_context):
    self._step += 1
    return tf.train.SessionRunArgs(self._loss)  # Asks for loss value.

  def after_run(self, run_context, run_values):
    if self._step % self._log_frequency == 0:
      current_time = time.time()
      duration = current_time - self._start_time
      steps = self._step - self._last_step
      self._start_time = current_time
      self._last_step = self._step

      loss_value = run_values.results
      examples_per_sec = steps * self._examples_per_step / duration
      sec_per_batch = float(duration / steps / self._num_towers)

      print(cifar10.LOG_FORMAT % (datetime.now(), self._step, loss_value,
                                  examples_per_sec, sec_per_batch))
      sys.stdout.flush()


class StopOnSignalHook(tf.train.SessionRunHook):
  """Turns SIGINT and SIGTERM into a clean stop after the current step.

  The session then closes normally: the checkpoint hook writes a final
  checkpoint and the queue threads are stopped, instead of the process dying
  mid-step. A second signal interrupts at once.
  """

  SIGNALS = (signal.SIGINT, signal.SIGTERM)

  def __init__(self):
    self.received = None
    self._previous = {}

  def install(self):
    """Installs the handlers (only the main thread may)."""
    if threading.current_thread() is threading.main_thread():
      self._previous = {s: signal.signal(s, self._handle)
                        for s in self.SIGNALS}

  def uninstall(self):
    for signum, handler in self._previous.items():
      signal.signal(signum, handler)
    self._previous = {}

  def _handle(self, signum, frame):  # pylint: disable=unused-argument
    self.received = signal.Signals(signum).name
    self.uninstall()  # A second signal takes the default action.

  def after_run(self, run_context, run_values):
    if self.received:
      run_context.request_stop()


class InputWatchHook(tf.train.SessionRunHook):
  """Saves a checkpoint when the input threads fail, then stops training.

  A data file deleted, truncated or unreadable while training runs fails a
  reader thread. TensorFlow then ends the session with that error at the
  next step, without running any hook's end(): the steps since the last
  checkpoint (up to ten minutes' worth by default) would be lost. The
  shuffle queue still holds thousands of examples, so the step in progress
  completes; after it this hook saves (on the chief) and asks to stop.
  """

  def __init__(self, save_hook=None):
    """Creates the hook.

    Args:
      save_hook: the chief's SaveHook, or None on a task that does not save.
    """
    self._save_hook = save_hook
    self._coord = None
    self.saved = False

  def after_create_session(self, session, coord):
    self._coord = coord

  def error(self):
    """The error an input thread stopped the session with, or None."""
    if self._coord is None:
      return None
    try:
      self._coord.raise_requested_exception()
    except Exception as e:  # pylint: disable=broad-except
      return e
    return None

  def after_run(self, run_context, run_values):
    if self._coord.should_stop() and self.error() is not None:
      if self._save_hook is not None and not self.saved:
        self.saved = True
        self._save_hook.save_now(run_context.session)
      run_context.request_stop()


def _write_text(path, message):
  """Writes `message` in protobuf text format to `path`, atomically.

  What tf.train.write_graph writes, but formatted by the protobuf runtime's
  own printer (str()): the same fields and values, map entries in another
  order, in 0.1 s instead of tf.train.write_graph's 0.9 s (its Python
  formatter) for the training graph on a 2-core AMD EPYC, at every start of
  a trainer.

  Args:
    path: str, the file to write.
    message: a protocol buffer message, e.g. a GraphDef.

  Raises:
    tf.errors.OpError: the write failed (a full or read-only disk).
  """
  temp = path + '.tmp%d' % os.getpid()
  try:
    with tf.io.gfile.GFile(temp, 'w') as f:
      f.write(str(message))
    tf.io.gfile.rename(temp, path, overwrite=True)
  except tf.errors.OpError:
    if tf.io.gfile.exists(temp):
      tf.io.gfile.remove(temp)
    raise


class SaveHook(tf.train.SessionRunHook):
  """Saves checkpoints, keeps the newest few, and flushes the event file.

  TensorFlow's CheckpointSaverHook would, at start, save the restored step
  again over the checkpoint it was restored from, and its saver deletes old
  checkpoints by glob patterns (so in a --train_dir named like `exp[1]` it
  could delete another directory's files). This hook never writes over an
  existing checkpoint, deletes only checkpoints this run saved, by their
  exact file names, and keeps the index naming them relative to train_dir.

  It also flushes the event file after every step, so that a full or
  read-only --train_dir stops training at the first write that fails,
  summaries included (they are otherwise written by a background thread
  whose errors surface minutes later).
  """

  def __init__(self, train_dir, saver, writer, save_steps=None,
               save_secs=None, max_to_keep=MAX_TO_KEEP):
    """Creates the hook.

    Args:
      train_dir: str, where checkpoints go (as 'model.ckpt-<step>').
      saver: tf.train.Saver over every variable.
      writer: the tf.summary.FileWriter of train_dir.
      save_steps: save every this many global steps, or
      save_secs: every this many seconds.
      max_to_keep: int, checkpoints of this run to keep.
    """
    self._train_dir = train_dir
    self._saver = saver
    self._writer = writer
    self._timer = tf.train.SecondOrStepTimer(every_secs=save_secs,
                                             every_steps=save_steps)
    self._max_to_keep = max_to_keep
    self._saved = []
    # The global step of the newest checkpoint written (or found in place):
    # what the messages report. Other workers may have moved the global step
    # on since this worker's last step.
    self.saved_step = None

  def begin(self):
    self._global_step = tf.train.get_global_step()

  def after_create_session(self, session, coord):
    stat = os.stat(self._train_dir)  # Made by the caller's DirLock.
    self._identity = (stat.st_dev, stat.st_ino)
    # As TensorFlow's hook: the graph for TensorBoard, then a checkpoint of
    # the starting step unless one exists (the one restored from).
    graph = tf.get_default_graph()
    graph_def = graph.as_graph_def(add_shapes=True)
    _write_text(os.path.join(self._train_dir, 'graph.pbtxt'), graph_def)
    self._writer.add_graph(graph)
    self._writer.add_meta_graph(tf.train.export_meta_graph(
        graph_def=graph_def, saver_def=self._saver.saver_def))
    step = session.run(self._global_step)
    self._save(session, step)
    self._timer.update_last_triggered_step(step)

  def before_run(self, run_context):
    return tf.train.SessionRunArgs(self._global_step)

  def after_run(self, run_context, run_values):
    if self._timer.should_trigger_for_step(run_values.results + 1):
      step = run_context.session.run(self._global_step)
      if self._timer.should_trigger_for_step(step):
        self._timer.update_last_triggered_step(step)
        self._save(run_context.session, step)
    self._writer.flush()

  def end(self, session):
    self.save_now(session)
    self._writer.flush()

  def save_now(self, session):
    """Saves the current global step, unless it was just saved."""
    step = session.run(self._global_step)
    if step != self._timer.last_triggered_step():
      self._timer.update_last_triggered_step(step)
      self._save(session, step)

  def _save(self, session, step):
    path = os.path.join(self._train_dir, 'model.ckpt-%d' % step)
    self.saved_step = step
    if any(c.path == path for c in cifar10_checkpoint.list_checkpoints(
        self._train_dir)):
      return  # Restored from it: it is kept as it is.
    gone = self._gone()
    if not gone:
      try:
        self._saver.save(session, path, write_state=False)
      except Exception:
        cifar10_checkpoint.discard_failed_save(path)
        if not self._gone():
          raise
      # TensorFlow's save recreates a directory deleted under it.
      gone = self._gone()
    if gone:
      # Deleted while training ran, perhaps by mistake: the weights in
      # memory are the only copy of the work, so they are saved (again, if
      # the directory went during the save) in a new directory of that name
      # before training stops.
      cifar10_checkpoint.discard_failed_save(path)
      os.makedirs(self._train_dir, exist_ok=True)
      self._saver.save(session, path, write_state=False)
      self._saved = []
    self._writer.add_session_log(
        tf.SessionLog(status=tf.SessionLog.CHECKPOINT, checkpoint_path=path),
        step)
    tf.logging.info('Saved checkpoint %s (global step %d).', path, step)
    self._saved.append(path)
    for old in self._saved[:-self._max_to_keep]:
      cifar10_checkpoint.delete(old)
    self._saved = self._saved[-self._max_to_keep:]
    cifar10_checkpoint.write_index(self._train_dir, path, self._saved[:-1])
    if gone:
      raise TrainDirError(
          '--train_dir=%s was deleted while training ran: saved the '
          'checkpoint at global step %d in a new directory of that name and '
          'stopped (its earlier checkpoints and event files are gone). Run '
          'again to resume from it.' % (self._train_dir, step))

  def _gone(self):
    """Whether train_dir is no longer the directory training started in."""
    try:
      stat = os.stat(self._train_dir)
    except OSError:
      return True
    return (stat.st_dev, stat.st_ino) != self._identity
