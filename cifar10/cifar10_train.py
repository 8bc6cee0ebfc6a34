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

import collections
import os
import sys
from datetime import datetime

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_train.py, or a script beside it that imports it).
# Either way each file loads once, and before TensorFlow, so that
# cifar10_input's environment defaults (oneDNN, log level) apply.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_app
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_hooks
  from cifar10 import cifar10_input
  from cifar10 import cifar10_precision
  from cifar10 import cifar10_top_layers
else:
  import cifar10
  import cifar10_app
  import cifar10_checkpoint
  import cifar10_dirs
  import cifar10_hooks
  import cifar10_input
  import cifar10_precision
  import cifar10_top_layers
import tensorflow.compat.v1 as tf

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
tf.app.flags.DEFINE_float('min_fraction_of_examples_in_queue',
                          cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE,
                          """Fraction of an epoch the shuffle queue holds """
                          """before the first step (and after each): """
                          """smaller starts sooner, shuffles less.""",
                          lower_bound=0.0, upper_bound=1.0)
cifar10_app.require_finite('min_fraction_of_examples_in_queue')


class DivergedError(cifar10_dirs.UserError, RuntimeError):
  """The loss became NaN; training stopped before saving the bad weights."""


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
  return cifar10_precision.use_xla(tf.ConfigProto(
      log_device_placement=log_device_placement,
      allow_soft_placement=allow_soft_placement,
      gpu_options=tf.GPUOptions(allow_growth=True)), xla)


# What run_training() returns.
TrainingEnd = collections.namedtuple('TrainingEnd',
                                     ['signal', 'checkpoint_step'])


class FinishedError(Exception):
  """--max_steps is already reached: there is nothing to train."""


def _check_not_finished(checkpoint, max_steps, train_dir):
  if checkpoint and checkpoint.step >= max_steps:
    raise FinishedError(
        'The run in %s is already at step %d (--max_steps=%d): nothing to '
        'train. Pass a larger --max_steps to train on.' % (
            train_dir, checkpoint.step, max_steps))


def _restorer(train_dir, checkpoint, sharded=True):
  """Scaffold init_fn restoring the newest checkpoint of train_dir.

  It runs each time the session is created: at the start, and again when
  TensorFlow recreates it (a lost parameter server, in distributed
  training). It then looks again for the newest checkpoint that reads, so a
  recreated session continues from the last save, never from where the
  process started. Checkpoints of the 2018 original lack three loss
  averages (see cifar10_checkpoint.restore_plan): those start from their
  initial value.

  Args:
    train_dir: str, the directory of the checkpoints.
    checkpoint: cifar10_checkpoint.Checkpoint found at the start, or None.
    sharded: restore each device's variables on that device.

  Returns:
    function(scaffold, session).
  """
  variables = {v.op.name: v for v in tf.global_variables()}
  if checkpoint is not None:
    variables, fresh = cifar10_checkpoint.restore_plan(checkpoint.path,
                                                       variables)
    if fresh:
      print('%s has no %s (checkpoints of the 2018 original scripts do '
            'not): these moving averages of loss terms, for TensorBoard only, '
            'start afresh.' % (checkpoint.path, ', '.join(fresh)))
  saver = tf.train.Saver(variables, sharded=sharded)

  def init_fn(scaffold, session):  # pylint: disable=unused-argument
    newest = cifar10_checkpoint.newest_readable(train_dir)[0]
    if newest is None:
      return  # Nothing saved yet: the initial values.
    cifar10_checkpoint.restore(session, saver, newest.path)
    print('Resuming from %s (global step %d).' % (newest.path, newest.step))
    sys.stdout.flush()
  return init_fn


# What a read-only, full or size-limited (EFBIG: OutOfRange) train_dir raises
# from the op writing a checkpoint or the graph, or from the event file
# (cifar10_app.EventFileError, a RuntimeError).
_WRITE_ERRORS = (tf.errors.PermissionDeniedError,
                 tf.errors.ResourceExhaustedError,
                 tf.errors.FailedPreconditionError, tf.errors.OutOfRangeError,
                 tf.errors.NotFoundError, OSError, RuntimeError)


def _user_error(error, train_dir, input_watch, save_hook, step, is_chief):
  """The one-line error for a failure the user can fix, or None.

  Args:
    error: the exception training stopped with.
    train_dir: str.
    input_watch: the run's InputWatchHook.
    save_hook: the run's SaveHook.
    step: int, the last step this process ran.
    is_chief: whether this task saves checkpoints.

  Returns:
    cifar10_input.DataError if the input threads failed (a data file
    deleted or damaged while training ran), cifar10_hooks.TrainDirError if
    the error names a file of train_dir that could not be written, else
    None.
  """
  if isinstance(error, cifar10_hooks.TrainDirError):
    return None  # The save hook's own: already the whole story.
  message = str(getattr(error, 'message', error))
  if input_watch.error() is error:
    if input_watch.saved:
      then = ('Saved the checkpoint at global step %d in %s. Put the data '
              'back in place and run again to resume.' % (
                  save_hook.saved_step, train_dir))
    elif is_chief:
      then = 'Put the data back in place; %s' % _kept_checkpoint(train_dir)
    else:
      then = 'Put the data back in place and run again.'
    return cifar10_input.DataError(
        'Reading the training data failed %s: %s. %s' % (
            'before the first step' if step is None else 'after step %d'
            % step, cifar10_app.error_gist(error).rstrip('.'), then))
  if isinstance(error, _WRITE_ERRORS):
    # The message names the file; an error naming no file there is not ours.
    lines = [l.strip() for l in message.split('\n') if train_dir in l]
    if lines:
      return cifar10_hooks.TrainDirError(
          'Cannot write to --train_dir=%s: %s. Free space or choose a '
          'writable directory; %s' % (train_dir, lines[0],
                                      _kept_checkpoint(train_dir)))
  return None


def _kept_checkpoint(train_dir):
  """What is left to resume from, as the end of an error message."""
  kept = cifar10_checkpoint.latest_checkpoint(train_dir)
  return ('the latest checkpoint, %s, is kept: run again to resume from '
          'it.' % kept if kept else 'no checkpoint had been saved there.')


def run_training(train_op, loss, train_dir, max_steps, log_frequency,
                 examples_per_step, config, num_towers=1,
                 save_checkpoint_steps=None, save_summaries_steps=100,
                 master='', is_chief=True, hooks=(), chief_only_hooks=(),
                 logger=None, sharded_saver=True, stop_grace_period_secs=120,
                 max_wait_secs=7200):
  """Runs `train_op` until the global step reaches `max_steps`.

  Resumes from the newest checkpoint in `train_dir` that reads in full
  (global step, weights, moving averages), repairing a damaged directory
  first (cifar10_checkpoint.recover), so an interrupted run continues where
  it stopped and nothing saved is ever overwritten. The caller holds the
  directory's lock (cifar10_dirs.DirLock).

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
    TrainingEnd: the name of the signal that stopped training early (or
    None), and the global step of the last checkpoint (None on a task that
    is not the chief).

  Raises:
    FinishedError: if the checkpoint is already at max_steps.
    cifar10_checkpoint.CheckpointError: if no checkpoint there can be used.
    DivergedError: if the loss becomes NaN.
    cifar10_hooks.TrainDirError: if train_dir cannot be written.
    cifar10_input.DataError: if reading the data fails while training runs
      (after saving a checkpoint on the chief).
  """
  checkpoint = cifar10_checkpoint.recover(train_dir) if is_chief else None
  _check_not_finished(checkpoint, max_steps, train_dir)
  if logger is None:
    logger = cifar10_hooks.LoggerHook(loss, log_frequency, examples_per_step,
                                      num_towers)
  saver = tf.train.Saver(sharded=sharded_saver, allow_empty=True,
                         max_to_keep=None)
  scaffold = tf.train.Scaffold(
      saver=saver,
      init_fn=_restorer(train_dir, checkpoint, sharded_saver)
      if is_chief else None)
  writer = cifar10_app.event_writer(train_dir, flag='train_dir') if (
      is_chief) else None
  save_hook = cifar10_hooks.SaveHook(train_dir, saver, writer,
                       save_steps=save_checkpoint_steps,
                       save_secs=None if save_checkpoint_steps else 600)
  stopper = cifar10_hooks.StopOnSignalHook()
  input_watch = cifar10_hooks.InputWatchHook(save_hook if is_chief else None)
  stopper.install()
  try:
    all_hooks = [tf.train.StopAtStepHook(last_step=max_steps), logger,
                 stopper] + list(hooks)
    if is_chief:
      # The NaN check comes first: a diverged step then stops training
      # before the save hook could save its weights, and end() (the final
      # save) is not run when a hook raises.
      all_hooks = [tf.train.NanTensorHook(loss)] + list(chief_only_hooks) + (
          all_hooks) + [
              tf.train.StepCounterHook(every_n_steps=save_summaries_steps,
                                       summary_writer=writer),
              tf.train.SummarySaverHook(save_steps=save_summaries_steps,
                                        summary_writer=writer,
                                        scaffold=scaffold),
              save_hook]
    # Last: it saves after the step's own hooks have run.
    all_hooks.append(input_watch)
    if is_chief:
      creator = tf.train.ChiefSessionCreator(scaffold=scaffold, master=master,
                                             config=config)
    else:
      creator = tf.train.WorkerSessionCreator(scaffold=scaffold,
                                              master=master, config=config,
                                              max_wait_secs=max_wait_secs)
    with tf.train.MonitoredSession(
        session_creator=creator, hooks=all_hooks,
        stop_grace_period_secs=stop_grace_period_secs) as mon_sess:
      while not mon_sess.should_stop():
        mon_sess.run(train_op)
    if writer is not None:
      # Closing writes what is left of the event file: a full disk fails it
      # like any other write to train_dir, below.
      writer.close()
      writer = None
  except tf.train.NanLossDuringTrainingError:  # A RuntimeError: first.
    kept, moved = cifar10_checkpoint.move_aside_from(train_dir, logger.step,
                                                     'diverged')
    raise DivergedError(
        'Model diverged with loss = NaN at step %d; stopped. %s%s' % (
            logger.step,
            'The latest checkpoint is now %s, the last one saved before that '
            'step. ' % kept.path if kept else
            'There is no checkpoint from before that step in %s. '
            % train_dir, 'Checkpoints from that step on are kept in %s.'
            % moved if moved else ''))
  except Exception as e:  # pylint: disable=broad-except
    error = _user_error(e, train_dir, input_watch, save_hook, logger.step,
                        is_chief)
    if error is None:
      raise
    raise error
  finally:
    stopper.uninstall()
    if writer is not None:  # Training failed: that error is the one to tell.
      try:
        writer.close()
      except _WRITE_ERRORS:
        pass  # On a full disk the rest of the event file is lost too.
  if stopper.received and is_chief:
    print('%s received: stopped after step %d and saved the checkpoint at '
          'global step %d in %s. Run again to resume.' % (
              stopper.received, logger.step, save_hook.saved_step, train_dir))
  return TrainingEnd(stopper.received, save_hook.saved_step)


def check_dir_flags(train_dir, data_dir):
  """Refuses a --data_dir that is a file and a --train_dir inside it.

  Raises:
    cifar10_dirs.DirError: naming the flag.
  """
  cifar10_dirs.check_directory_flag('data_dir', data_dir)
  cifar10_dirs.check_apart('train_dir', train_dir, 'data_dir', data_dir)


def own_train_dir(train_dir, data_dir, max_steps, fresh_start,
                  stop_if_finished=True):
  """Checks the directory flags and takes --train_dir for this process.

  Everything here happens before any data is read or written: the flags are
  checked, the directory is locked (for as long as the process runs), moved
  aside with fresh_start, and repaired if damaged.

  Args:
    train_dir: str, --train_dir.
    data_dir: str, --data_dir.
    max_steps: int, --max_steps.
    fresh_start: bool, --fresh_start.
    stop_if_finished: say so and return None if train_dir is already at
      max_steps (False: run_training raises FinishedError then).

  Returns:
    cifar10_dirs.DirLock held on train_dir; None if its checkpoint is
    already at max_steps (said in one line): there is nothing to train.

  Raises:
    cifar10_dirs.DirError: if a flag names an unusable directory or another
      process holds train_dir.
    cifar10_checkpoint.CheckpointError: if train_dir holds checkpoints and
      none reads.
  """
  check_dir_flags(train_dir, data_dir)
  lock = cifar10_dirs.DirLock.acquire(train_dir, 'train_dir')
  if fresh_start:
    backup = move_aside(train_dir)
    if backup:
      lock.release()
      lock = cifar10_dirs.DirLock.acquire(train_dir, 'train_dir')
      print('--fresh_start: moved %s to %s' % (train_dir, backup))
  checkpoint = cifar10_checkpoint.recover(train_dir)
  try:
    if stop_if_finished:
      _check_not_finished(checkpoint, max_steps, train_dir)
  except FinishedError as e:
    print(e)
    lock.release()
    return None
  return lock


# Peak resident memory of training on the CPU, measured with cifar10_train
# (float32): 0.91 GB at --batch_size=128 and 1.62 GB at 1024, so about
# 0.8 MB per image of a tower's batch on top of 0.8 GB for TensorFlow, the
# graph and the 20,000-image shuffle queue.
_TRAIN_BYTES_BASE = 850 * 2**20
_TRAIN_BYTES_PER_IMAGE = 820 * 2**10


def _available_memory():
  """Bytes the kernel says are available (Linux), or None."""
  try:
    with open('/proc/meminfo') as f:
      for line in f:
        if line.startswith('MemAvailable:'):
          return int(line.split()[1]) * 1024
  except (OSError, ValueError, IndexError):
    pass
  return None


def check_memory(batch_size, num_towers=1):
  """Refuses a batch that cannot fit in this machine's memory.

  On the CPU an oversized batch is not an error TensorFlow can report: the
  kernel kills the process (or the machine swaps) once memory runs out,
  long after start-up. So the need is estimated first; on a GPU, its own
  out-of-memory error is reported by cifar10_app.run_main.

  Args:
    batch_size: int, images per tower and step.
    num_towers: int, towers per step.

  Raises:
    cifar10_dirs.UserError: naming --batch_size and the largest that fits.
  """
  available = _available_memory()
  if available is None or tf.config.list_physical_devices('GPU'):
    return
  need = _TRAIN_BYTES_BASE + _TRAIN_BYTES_PER_IMAGE * batch_size * num_towers
  if need > available:
    fits = max(1, (available - _TRAIN_BYTES_BASE) //
               (_TRAIN_BYTES_PER_IMAGE * num_towers))
    raise cifar10_dirs.UserError(
        'Out of memory: --batch_size=%d%s needs about %.1f GB to train on the '
        'CPU, and %.1f GB is available. Pass a smaller --batch_size (at most '
        'about %d here).' % (batch_size, ' with %d towers' % num_towers
                             if num_towers > 1 else '', need / 1e9,
                             available / 1e9, fits))


def move_aside(train_dir):
  """Renames a non-empty `train_dir` to `<train_dir>.old-<time>`.

  Returns:
    The new name (a name not yet taken), or None if there was nothing to
    move.
  """
  if not os.path.isdir(train_dir) or not set(os.listdir(train_dir)) - {
      cifar10_dirs.LOCK_NAME}:
    return None
  stem = '%s.old-%s' % (os.path.normpath(train_dir),
                        datetime.now().strftime('%Y%m%d-%H%M%S'))
  backup, n = stem, 1
  while os.path.lexists(backup):
    n += 1
    backup = '%s-%d' % (stem, n)
  os.rename(train_dir, backup)
  return backup


def train(train_dir, max_steps, log_frequency, log_device_placement=False,
          data_dir=None, batch_size=None, use_fp16=None,
          save_checkpoint_steps=None, mixed_precision=None,
          min_fraction_of_examples_in_queue=None, top_layers=None):
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
    min_fraction_of_examples_in_queue: fraction of an epoch in the shuffle
      queue; default --min_fraction_of_examples_in_queue.
    top_layers: 'full' or 'local' (see cifar10.inference); default
      --top_layers.
  """
  batch_size = cifar10.flag_or(batch_size, 'batch_size')
  min_fraction = cifar10.flag_or(min_fraction_of_examples_in_queue,
                                 'min_fraction_of_examples_in_queue')
  with tf.Graph().as_default():
    global_step = tf.train.get_or_create_global_step()

    # Get images and labels for CIFAR-10.
    # Force input pipeline to CPU:0 to avoid operations sometimes ending up on
    # GPU and resulting in a slow down.
    with tf.device('/cpu:0'):
      images, labels = cifar10.distorted_inputs(data_dir, batch_size,
                                                use_fp16, min_fraction)

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images, mixed_precision, top_layers)

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
  check_dir_flags(FLAGS.train_dir, FLAGS.data_dir)
  check_memory(FLAGS.batch_size)
  cifar10.maybe_download_and_extract()
  lock = own_train_dir(FLAGS.train_dir, FLAGS.data_dir, FLAGS.max_steps,
                       FLAGS.fresh_start)
  if lock is None:
    return
  # Resume with the top layers the checkpoints have (or refuse a
  # --top_layers given against them).
  train(FLAGS.train_dir, FLAGS.max_steps, FLAGS.log_frequency,
        FLAGS.log_device_placement,
        save_checkpoint_steps=FLAGS.save_checkpoint_steps or None,
        top_layers=cifar10_top_layers.top_layers_to_use(FLAGS.train_dir))
  lock.release()


def run():
  """Entry point of `python cifar10_train.py` and the console script."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
