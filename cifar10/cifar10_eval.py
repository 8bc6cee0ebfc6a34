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

"""Evaluation for CIFAR-10.

Accuracy:
cifar10_train.py achieves 83.0% accuracy after 100K steps (256 epochs
of data) as judged by cifar10_eval.py.

Speed:
On a single Tesla K40, cifar10_train.py processes a single batch of 128 images
in 0.25-0.35 sec (i.e. 350 - 600 images /sec). The model reaches ~86%
accuracy after 100K steps in 8 hours of training time.

(These are the tutorial's figures; see the README for this package's.)

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

http://tensorflow.org/tutorials/deep_cnn/

Each new checkpoint in --checkpoint_dir is evaluated once, on exactly
--num_examples images, each counted once, with the moving-average weights.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import sys
from datetime import datetime
import time

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_eval.py, or a script beside it that imports it).
# Either way each file loads once, and before TensorFlow, so that
# cifar10_input's environment defaults (oneDNN, log level) apply.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_download
  from cifar10 import cifar10_input
else:
  import cifar10
  import cifar10_checkpoint
  import cifar10_dirs
  import cifar10_download
  import cifar10_input
import numpy as np
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_string('eval_dir', '/tmp/cifar10_eval',
                           """Directory where to write event logs.""")
tf.app.flags.DEFINE_enum('eval_data', 'test', ['test', 'train_eval'],
                         """Either 'test' or 'train_eval'.""")
tf.app.flags.DEFINE_string('checkpoint_dir', '/tmp/cifar10_train',
                           """Directory where to read model checkpoints.""")
tf.app.flags.DEFINE_integer('eval_interval_secs', 60 * 5,
                            """How often to run the eval (seconds, at least """
                            """1).""", lower_bound=1)
tf.app.flags.DEFINE_integer('num_examples', 10000,
                            """Number of examples to run.""", lower_bound=1)
tf.app.flags.DEFINE_boolean('run_once', False,
                            """Whether to run eval only once.""")
tf.app.flags.DEFINE_boolean('eval_on_cpu', False,
                            """Run on the CPU only, leaving every GPU to """
                            """training.""")

PRECISION_TAG = 'Precision @ 1'


class EvalError(cifar10_dirs.UserError, ValueError):
  """The evaluation cannot run as asked (checkpoint or flag mismatch)."""


def _check_num_examples(eval_data, data_dir, num_examples):
  """Returns num_examples if the evaluation set holds that many images."""
  files = (cifar10_input.TEST_FILES if eval_data == 'test'
           else cifar10_input.TRAIN_FILES)
  batches_dir = os.path.join(data_dir, cifar10_download.EXTRACTED_DIR)
  available = cifar10_input.check_data_files(
      [os.path.join(batches_dir, f) for f in files])
  if num_examples > available:
    raise EvalError(
        '--num_examples=%d but the %s set in %s has %d images; pass '
        '--num_examples=%d or less.' % (num_examples, eval_data, batches_dir,
                                         available, available))
  return num_examples


def _count_correct(sess, top_k_op, summary_op, num_examples):
  """Runs batches until num_examples predictions are scored, each once.

  Returns:
    (true_count, summary_str) where summary_str is the summary of the first
    batch.
  """
  true_count = 0  # Counts the number of correct predictions.
  counted = 0
  predictions, summary_str = sess.run([top_k_op, summary_op])
  while True:
    # The last batch may hold more images than are still to be counted.
    take = min(len(predictions), num_examples - counted)
    true_count += int(np.sum(predictions[:take]))
    counted += take
    if counted >= num_examples:
      return true_count, summary_str
    predictions = sess.run(top_k_op)


def eval_once(saver, summary_writer, top_k_op, summary_op, global_step,
              local_init_op, checkpoint_path, num_examples, config=None):
  """Run Eval once.

  Args:
    saver: Saver restoring the moving-average weights.
    summary_writer: Summary writer.
    top_k_op: Top K op: [batch] bool Tensor.
    summary_op: Summary op.
    global_step: the global step variable (restored from the checkpoint).
    local_init_op: initialises the input's epoch counter.
    checkpoint_path: the checkpoint to evaluate.
    num_examples: how many images to score.
    config: tf.ConfigProto of the session.

  Returns:
    float, the precision @ 1.
  """
  with tf.Session(config=config) as sess:
    cifar10_checkpoint.restore(sess, saver, checkpoint_path)
    # The input's epoch counter starts again: every checkpoint sees one pass.
    sess.run(local_init_op)
    step = sess.run(global_step)

    # Start the queue runners.
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
      true_count, summary_str = _count_correct(sess, top_k_op, summary_op,
                                               num_examples)
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)

  # Compute precision @ 1.
  precision = true_count / num_examples
  print('%s: precision @ 1 = %.3f' % (datetime.now(), precision))
  sys.stdout.flush()

  summary = tf.Summary()
  summary.ParseFromString(summary_str)
  summary.value.add(tag=PRECISION_TAG, simple_value=precision)
  summary_writer.add_summary(summary, step)
  summary_writer.flush()
  return precision


def _reason(error):
  """The line of a TensorFlow error message that says what went wrong."""
  lines = [l.strip() for l in error.message.split('\n')]
  for line in lines:
    # Skip the headers ("Graph execution error:") and where the op was built.
    if line and not line.endswith(':') and not line.startswith(
        ('Detected at node', 'Node:', 'File ', '[[')):
      return line
  return lines[0]


def _evaluation_error(checkpoint_path, error):
  """Turns a failed evaluation into a short message naming the checkpoint.

  The checkpoint was checked against the model before (restore_plan), so
  evaluating its weights failed: e.g. the activation histograms reject the
  NaN or infinite values of a diverged model.

  Returns:
    An EvalError, or None if training deleted the checkpoint before it could
    be read (the trainer keeps only its newest few): that is not an error.
  """
  if (isinstance(error, tf.errors.NotFoundError) and
      not os.path.exists(checkpoint_path + '.index')):
    return None
  reason = _reason(error)
  if 'Nan' in reason or 'Infinity' in reason:
    reason += ('; the model diverged before this checkpoint: evaluate an '
               'earlier one')
  return EvalError('Evaluating %s failed: %s.' % (checkpoint_path, reason))


def evaluate(checkpoint_dir, eval_dir, eval_data='test', num_examples=10000,
             run_once=False, eval_interval_secs=300, data_dir=None,
             batch_size=None, use_fp16=None, eval_on_cpu=False,
             mixed_precision=None):
  """Eval CIFAR-10 for a number of steps.

  Args:
    checkpoint_dir: where cifar10_train.py writes checkpoints.
    eval_dir: where the event files go.
    eval_data: 'test' or 'train_eval'.
    num_examples: images to score per checkpoint.
    run_once: evaluate the latest checkpoint and return.
    eval_interval_secs: how often to look for a new checkpoint.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per batch; default --batch_size.
    use_fp16: build the model in float16; default --use_fp16.
    eval_on_cpu: hide the GPUs from the evaluation.
    mixed_precision: compute in float16 (the checkpoint's variables are
      float32 either way); default --mixed_precision.

  Returns:
    float, the precision @ 1 of the last checkpoint evaluated, or None if
    there was none.

  Raises:
    EvalError: if num_examples exceeds the data or evaluating fails.
    cifar10_checkpoint.CheckpointError: if a checkpoint does not fit the
      model.
    cifar10_dirs.DirError: if a directory flag is unusable, or another
      process writes eval_dir.
  """
  data_dir = cifar10.flag_or(data_dir, 'data_dir')
  cifar10_dirs.check_directory_flag('data_dir', data_dir)
  cifar10_dirs.check_directory_flag('checkpoint_dir', checkpoint_dir)
  cifar10_dirs.check_apart('eval_dir', eval_dir, 'checkpoint_dir',
                           checkpoint_dir)
  # Another evaluator already writing eval_dir is refused at once; a new
  # eval_dir is only made (and locked) once there is a checkpoint to score.
  lock = (cifar10_dirs.DirLock.acquire(eval_dir, 'eval_dir')
          if os.path.isdir(eval_dir) else None)
  _check_num_examples(eval_data, data_dir, num_examples)
  with tf.Graph().as_default() as g:
    # Get images and labels for CIFAR-10: one pass, in file order.
    eval_data = eval_data == 'test'
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=eval_data, data_dir=data_dir,
                                      batch_size=batch_size,
                                      use_fp16=use_fp16, num_epochs=1)

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images, mixed_precision)

    # Calculate predictions. in_top_k needs float32 logits; labels stay int32.
    top_k_op = tf.nn.in_top_k(tf.cast(logits, tf.float32), labels, 1)

    # Restore the moving average version of the learned variables for eval.
    global_step = tf.train.get_or_create_global_step()
    variable_averages = tf.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY)
    variables_to_restore = variable_averages.variables_to_restore()
    saver = tf.train.Saver(variables_to_restore)

    # Build the summary operation based on the TF collection of Summaries.
    summary_op = tf.summary.merge_all()
    local_init_op = tf.local_variables_initializer()

    summary_writer = None
    config = cifar10.use_xla(tf.ConfigProto(
        gpu_options=tf.GPUOptions(allow_growth=True),
        device_count={'GPU': 0} if eval_on_cpu else None))

    precision = None
    last_evaluated = last_skipped = None
    try:
      while True:
        start = time.time()
        checkpoint, skipped = cifar10_checkpoint.newest_readable(
            checkpoint_dir)
        if skipped and skipped != last_skipped:
          print('Skipping %s in %s: %s.' % (
              'the checkpoints that cannot be read' if checkpoint else
              'every checkpoint', checkpoint_dir,
              cifar10_checkpoint.describe_skipped(skipped)))
        last_skipped = skipped
        if not checkpoint:
          if not skipped:
            print('No checkpoint file found in %s%s' % (
                checkpoint_dir, '' if run_once else '; waiting for one'))
        elif checkpoint.path != last_evaluated:
          try:
            # Checked against the model first: a checkpoint of another model
            # or precision is one line naming the variable.
            cifar10_checkpoint.restore_plan(checkpoint.path,
                                            variables_to_restore)
            if summary_writer is None:
              lock = lock or cifar10_dirs.DirLock.acquire(eval_dir,
                                                          'eval_dir')
              summary_writer = cifar10.event_writer(eval_dir, g)
            precision = eval_once(saver, summary_writer, top_k_op, summary_op,
                                  global_step, local_init_op, checkpoint.path,
                                  num_examples, config)
          except (tf.errors.NotFoundError,
                  tf.errors.InvalidArgumentError) as e:
            error = _evaluation_error(checkpoint.path, e)
            if error:
              raise error
            print('%s was deleted before it could be read; skipping it.'
                  % checkpoint.path)
          last_evaluated = checkpoint.path
        if run_once:
          return precision
        time.sleep(max(0.0, eval_interval_secs - (time.time() - start)))
    finally:
      if summary_writer is not None:
        summary_writer.close()
      if lock is not None:
        lock.release()


def main(argv=None):  # pylint: disable=unused-argument
  cifar10_dirs.check_directory_flag('data_dir', FLAGS.data_dir)
  cifar10.maybe_download_and_extract()
  precision = evaluate(FLAGS.checkpoint_dir, FLAGS.eval_dir, FLAGS.eval_data,
                       FLAGS.num_examples, FLAGS.run_once,
                       FLAGS.eval_interval_secs,
                       eval_on_cpu=FLAGS.eval_on_cpu)
  if precision is None:
    sys.exit(1)  # --run_once found no checkpoint; the reason is printed.


def run():
  """Entry point of `python cifar10_eval.py` and the console script."""
  cifar10.run_main(main)


if __name__ == '__main__':
  run()
