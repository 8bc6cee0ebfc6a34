# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
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

"""A binary to train CIFAR-10 using a single GPU.

Accuracy:
cifar10_train.py achieves ~86% accuracy after 100K steps (256 epochs of
data) as judged by cifar10_eval.py.

Speed: With batch_size 128.

System        | Step Time (sec/batch)  |     Accuracy
------------------------------------------------------------------
1 Tesla K20m  | 0.35-0.60              | ~86% at 60K steps  (5 hours)
1 Tesla K40m  | 0.25-0.35              | ~86% at 100K steps (4 hours)

(These are the tutorial's figures; see the README for this package's.)

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

http://tensorflow.org/tutorials/deep_cnn/

Training resumes from the latest checkpoint in --train_dir; nothing there is
ever deleted. --fresh_start moves an existing --train_dir aside first.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import importlib
import os
import signal
import sys
import threading

if __package__ in (None, ''):
  # Run as `cd cifar10 && python cifar10_train.py`: import this directory as
  # the `cifar10` package, like `python -m cifar10.cifar10_train` does.
  sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  # The package sets TensorFlow's environment defaults (oneDNN on, C++ log
  # level); they only count if it is imported before TensorFlow loads.
  importlib.import_module('cifar10')

from datetime import datetime  # pylint: disable=g-import-not-at-top
import time

import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_download
from cifar10 import cifar10_input

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_string('train_dir', '/tmp/cifar10_train',
                           """Directory where to write event logs """
                           """and checkpoint.""")
tf.app.flags.DEFINE_integer('max_steps', 1000000,
                            """Number of batches to run.""", lower_bound=1)
tf.app.flags.DEFINE_boolean('log_device_placement', False,
                            """Whether to log device placement.""")
tf.app.flags.DEFINE_integer('log_frequency', 10,
                            """How often to log results to the console.""",
                            lower_bound=1)
tf.app.flags.DEFINE_integer('save_checkpoint_steps', 0,
                            """Save a checkpoint every this many steps; 0 """
                            """keeps the tutorial's every 10 minutes """
                            """(cifar10_multi_gpu_train.py: every 1000 """
                            """steps). One is always saved at the end.""",
                            lower_bound=0)
tf.app.flags.DEFINE_boolean('fresh_start', False,
                            """Start from step 0: move an existing """
                            """--train_dir aside to <train_dir>.old-<time> """
                            """(nothing is deleted) instead of resuming.""")


class DivergedError(RuntimeError):
  """The loss became NaN; training stopped before saving the bad weights."""


class TrainDirError(RuntimeError):
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
    """The global step of the current (or last) run."""
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


def session_config(log_device_placement, allow_soft_placement=False,
                   xla=None):
  """Returns the ConfigProto both trainers use.

  GPU memory grows as needed, so that cifar10_eval.py can run beside
  training on the same GPU.

  Args:
    log_device_placement: log the device of every op.
    allow_soft_placement: run ops on another device when the one asked for
      does not exist.
    xla: compile with XLA auto-clustering; default --xla.

  Returns:
    tf.ConfigProto.
  """
  return cifar10.use_xla(tf.ConfigProto(
      log_device_placement=log_device_placement,
      allow_soft_placement=allow_soft_placement,
      gpu_options=tf.GPUOptions(allow_growth=True)), xla)


def run_training(train_op, loss, train_dir, max_steps, log_frequency,
                 examples_per_step, config, num_towers=1,
                 save_checkpoint_steps=None, save_summaries_steps=100,
                 master='', is_chief=True, hooks=(), chief_only_hooks=(),
                 logger=None, sharded_saver=True, stop_grace_period_secs=120,
                 max_wait_secs=7200):
  """Runs `train_op` until the global step reaches `max_steps`.

  Restores the latest checkpoint in `train_dir` first (global step, weights,
  moving averages), so an interrupted run continues where it stopped.

  Args:
    train_op: the training op.
    loss: scalar loss Tensor; training stops if it becomes NaN.
    train_dir: where checkpoints and event files go.
    max_steps: global step to stop at.
    log_frequency: print a LOG_FORMAT line every this many steps.
    examples_per_step: images per step, for examples/sec.
    config: tf.ConfigProto for the session.
    num_towers: model replicas per step, for sec/batch.
    save_checkpoint_steps: save every this many steps; None saves every
      10 minutes (the tutorial's single-GPU default). A checkpoint is always
      written at the last step.
    save_summaries_steps: write summaries every this many steps.
    master: the session's target; a tf.train.Server's for distributed
      training, '' in process.
    is_chief: whether this task initialises or restores the model and writes
      checkpoints and summaries; the others wait for it (max_wait_secs).
    hooks: more SessionRunHooks, run by every task after the loop's own.
    chief_only_hooks: more SessionRunHooks run by the chief only.
    logger: a LoggerHook (or subclass) to use instead of the default one.
    sharded_saver: save each device's variables from that device. False
      makes this task read them all and write the checkpoint itself, so
      that parameter servers need no access to train_dir.
    stop_grace_period_secs: how long closing waits for queue threads.
    max_wait_secs: how long a non-chief task waits for the chief.

  Returns:
    The name of the signal that stopped training early, or None.
  """
  if logger is None:
    logger = LoggerHook(loss, log_frequency, examples_per_step, num_towers)
  # The default saver's, but the index names checkpoints relative to
  # train_dir: absolute names would still point at the old place once the
  # directory is moved (--fresh_start) or copied.
  saver = tf.train.Saver(sharded=sharded_saver, allow_empty=True,
                         save_relative_paths=True)
  stopper = StopOnSignalHook()
  stopper.install()
  try:
    # The NaN check comes first among the hooks (chief-only hooks run before
    # the others): a diverged step then stops training before the checkpoint
    # hook could save its weights. A checkpoint saved just before it holds the
    # weights that gave the NaN; forget_checkpoints_from() drops it.
    with tf.train.MonitoredTrainingSession(
        master=master,
        is_chief=is_chief,
        checkpoint_dir=train_dir,
        scaffold=tf.train.Scaffold(saver=saver),
        chief_only_hooks=[tf.train.NanTensorHook(loss)] + list(
            chief_only_hooks),
        hooks=[tf.train.StopAtStepHook(last_step=max_steps), logger,
               stopper] + list(hooks),
        save_checkpoint_steps=save_checkpoint_steps,
        save_checkpoint_secs=None if save_checkpoint_steps else 600,
        save_summaries_steps=save_summaries_steps,
        config=config,
        stop_grace_period_secs=stop_grace_period_secs,
        max_wait_secs=max_wait_secs) as mon_sess:
      while not mon_sess.should_stop():
        mon_sess.run(train_op)
  except (tf.errors.PermissionDeniedError, tf.errors.ResourceExhaustedError,
          tf.errors.FailedPreconditionError, tf.errors.OutOfRangeError) as e:
    # A read-only, full or size-limited (EFBIG: OutOfRange) train_dir fails
    # the op writing a checkpoint, the graph or an event file, and its
    # message names the file; an error naming no file there is not ours.
    lines = [l.strip() for l in e.message.split('\n') if train_dir in l]
    if not lines:
      raise
    raise TrainDirError(
        'Cannot write to --train_dir=%s: %s. Free space or choose a writable '
        'directory; the checkpoints already there are kept.' % (train_dir,
                                                                 lines[0]))
  except tf.train.NanLossDuringTrainingError:
    kept = forget_checkpoints_from(train_dir, logger.step)
    raise DivergedError(
        'Model diverged with loss = NaN at step %d; stopped. %s' % (
            logger.step,
            'The latest checkpoint is now %s, the last one saved before that '
            'step.' % kept if kept else
            'There is no checkpoint from before that step in %s.' % train_dir))
  finally:
    stopper.uninstall()
  if stopper.received and is_chief:
    print('%s received: stopped after step %d and saved the checkpoint at '
          'global step %d in %s. Run again to resume.' % (
              stopper.received, logger.step, logger.step + 1, train_dir))
  return stopper.received


def forget_checkpoints_from(train_dir, step):
  """Points the checkpoint index at the newest checkpoint before `step`.

  The checkpoint hook saves after a step's update, so a checkpoint of global
  step `step` holds the very weights whose loss was NaN at that step. Its
  files stay; only the index stops naming it, so that resuming and
  cifar10_eval.py both use the last good weights.

  Args:
    train_dir: the directory holding the checkpoints and their index.
    step: the global step whose loss was NaN.

  Returns:
    The path of the newest checkpoint before `step`, or None if there is none.
  """
  state = tf.train.get_checkpoint_state(train_dir)
  if not state:
    return None
  paths = list(state.all_model_checkpoint_paths) or [
      state.model_checkpoint_path]
  good = [p for p in paths if int(p.rsplit('-', 1)[-1]) < step]
  if good and good[-1] != state.model_checkpoint_path:
    # Written relative to train_dir, as the saver does (see run_training).
    relative = [os.path.relpath(p, train_dir) for p in good]
    tf.train.update_checkpoint_state(train_dir, relative[-1], relative)
  return good[-1] if good else None


def move_aside(train_dir):
  """Renames a non-empty `train_dir` to `<train_dir>.old-<time>`.

  Returns:
    The new name, or None if there was nothing to move.
  """
  if not tf.gfile.IsDirectory(train_dir) or not tf.gfile.ListDirectory(
      train_dir):
    return None
  backup = '%s.old-%s' % (train_dir.rstrip('/'),
                          datetime.now().strftime('%Y%m%d-%H%M%S'))
  tf.gfile.Rename(train_dir, backup)
  return backup


def train(train_dir, max_steps, log_frequency, log_device_placement=False,
          data_dir=None, batch_size=None, use_fp16=None,
          save_checkpoint_steps=None, mixed_precision=None):
  """Train CIFAR-10 for a number of steps.

  Args:
    train_dir: where checkpoints and event files go.
    max_steps: global step to stop at.
    log_frequency: print a line every this many steps.
    log_device_placement: log where each op runs.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per step; default --batch_size.
    use_fp16: build the model in float16; default --use_fp16.
    save_checkpoint_steps: save every this many steps; None saves every 10
      minutes.
    mixed_precision: compute in float16 with float32 variables; default
      --mixed_precision.
  """
  batch_size = cifar10.flag_or(batch_size, 'batch_size')
  with tf.Graph().as_default():
    global_step = tf.train.get_or_create_global_step()

    # Get images and labels for CIFAR-10.
    # Force input pipeline to CPU:0 to avoid operations sometimes ending up on
    # GPU and resulting in a slow down.
    with tf.device('/cpu:0'):
      images, labels = cifar10.distorted_inputs(data_dir, batch_size,
                                                use_fp16)

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images, mixed_precision)

    # Calculate loss.
    loss = cifar10.loss(logits, labels)

    # Build a Graph that trains the model with one batch of examples and
    # updates the model parameters.
    train_op = cifar10.train(loss, global_step, batch_size, mixed_precision)

    run_training(train_op, loss, train_dir, max_steps, log_frequency,
                 examples_per_step=batch_size,
                 config=session_config(log_device_placement),
                 save_checkpoint_steps=save_checkpoint_steps)


def main(argv=None):  # pylint: disable=unused-argument
  try:
    cifar10.maybe_download_and_extract()
    if FLAGS.fresh_start:
      backup = move_aside(FLAGS.train_dir)
      if backup:
        print('--fresh_start: moved %s to %s' % (FLAGS.train_dir, backup))
    train(FLAGS.train_dir, FLAGS.max_steps, FLAGS.log_frequency,
          FLAGS.log_device_placement,
          save_checkpoint_steps=FLAGS.save_checkpoint_steps or None)
  except (cifar10_input.DataError, cifar10_download.DownloadError,
          DivergedError, TrainDirError) as e:
    sys.exit('cifar10_train: error: %s' % e)


def run():
  """Entry point of `python cifar10_train.py` and the console script."""
  cifar10.run_main(main)


if __name__ == '__main__':
  run()
