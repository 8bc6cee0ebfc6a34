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
import struct
import time
import zlib

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_eval.py, or a script beside it that imports it).
# Either way each file loads once, and before TensorFlow, so that
# cifar10_input's environment defaults (oneDNN, log level) apply.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_app
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_input
  from cifar10 import cifar10_precision
  from cifar10 import cifar10_top_layers
else:
  import cifar10
  import cifar10_app
  import cifar10_checkpoint
  import cifar10_dirs
  import cifar10_input
  import cifar10_precision
  import cifar10_top_layers
from absl import flags
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
                            """Number of examples to run (with """
                            """--dataset=svhn the default is SVHN's """
                            """26032).""", lower_bound=1)
tf.app.flags.DEFINE_boolean('run_once', False,
                            """Whether to run eval only once.""")
tf.app.flags.DEFINE_boolean('eval_on_cpu', False,
                            """Run on the CPU only, leaving every GPU to """
                            """training.""")
tf.app.flags.DEFINE_boolean('moving_average', True,
                            """Evaluate the moving averages of the weights """
                            """(the tutorial's); false: the raw weights.""")
tf.app.flags.DEFINE_boolean('compare_moving_average', False,
                            """Evaluate each checkpoint with the moving """
                            """averages and with the raw weights, and print """
                            """both side by side.""")
flags.register_multi_flags_validator(
    ['moving_average', 'compare_moving_average'],
    lambda f: f['moving_average'] or not f['compare_moving_average'],
    message='--compare_moving_average evaluates both the moving averages and '
    'the raw weights: drop --moving_average=false.')

PRECISION_TAG = 'Precision @ 1'
# The other summaries of each evaluation, at the checkpoint's global step.
RAW_PRECISION_TAG = 'Precision @ 1 (raw weights)'
CLASS_PRECISION_TAG = 'Precision @ 1 per class/%s'
CONFUSION_IMAGE_TAG = 'Confusion matrix'
CLASS_TEXT_TAG = 'Per-class results'

MOVING_AVERAGES = 'moving averages'
RAW_WEIGHTS = 'raw weights'
# Side of a confusion matrix cell in the TensorBoard image, in pixels.
_CELL_PIXELS = 16


class EvalError(cifar10_dirs.UserError, ValueError):
  """The evaluation cannot run as asked (checkpoint or flag mismatch)."""


def _check_num_examples(eval_data, data_dir, num_examples, dataset=None):
  """Returns num_examples if the evaluation set holds that many images."""
  files = (cifar10_input.TEST_FILES if eval_data == 'test'
           else cifar10_input.TRAIN_FILES)
  batches_dir = cifar10.data_batches_dir(data_dir, dataset)
  available = cifar10_input.check_data_files(
      [os.path.join(batches_dir, f) for f in files])
  if num_examples > available:
    raise EvalError(
        '--num_examples=%d but the %s set in %s has %d images; pass '
        '--num_examples=%d or less.' % (num_examples, eval_data, batches_dir,
                                         available, available))
  return num_examples


def weights_to_restore(moving_average=True):
  """What a Saver restores into the current graph's variables.

  Args:
    moving_average: True: each trainable variable from its moving average
      (the tutorial's evaluation); False: from the raw trained value.

  Returns:
    dict of checkpoint name to Variable (global_step included).
  """
  if moving_average:
    return tf.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY).variables_to_restore()
  return {v.op.name: v for v in tf.global_variables()}


def confusion_matrix(labels, predicted, num_classes=cifar10.NUM_CLASSES):
  """Counts how often each class is predicted as each class.

  Args:
    labels: [n] int array of true classes.
    predicted: [n] int array of predicted classes.
    num_classes: int.

  Returns:
    [num_classes, num_classes] int64 array; [i, j] counts the images of class
    i predicted as class j, so row i sums to the number of images of class i.
  """
  flat = np.asarray(labels, np.int64) * num_classes + np.asarray(predicted)
  return np.bincount(flat, minlength=num_classes * num_classes).reshape(
      num_classes, num_classes)


def class_precisions(confusion):
  """Precision @ 1 of each class: the fraction of its images predicted right.

  Returns:
    [num_classes] float64 array; NaN for a class with no images.
  """
  with np.errstate(invalid='ignore', divide='ignore'):
    return np.diag(confusion) / confusion.sum(axis=1)


def class_report(columns, class_names, step):
  """The per-class results of one checkpoint, as printed after the precision.

  Args:
    columns: list of (weights, confusion): the name of the weights evaluated
      (MOVING_AVERAGES or RAW_WEIGHTS) and their confusion matrix, printed as
      side-by-side precision columns; the confusion matrix printed is the
      first one's.
    class_names: the NUM_CLASSES class names.
    step: the checkpoint's global step.

  Returns:
    str of several lines.
  """
  width = max(len(n) for n in class_names) + 3
  heads = [w for w, _ in columns]
  lines = ['Precision @ 1 per class at step %d:' % step,
           '  %-*s %7s  ' % (width, 'class', 'images') +
           '  '.join('%15s' % h for h in heads)]
  precisions = [class_precisions(c) for _, c in columns]
  counts = columns[0][1].sum(axis=1)
  for i, name in enumerate(class_names):
    # A class with no images among those scored has no precision: '-'.
    lines.append('  %-*s %7d  ' % (width, '%d %s' % (i, name), counts[i]) +
                 '  '.join('%15s' % '-' if np.isnan(p[i]) else '%15.3f' % p[i]
                           for p in precisions))
  lines.append('  %-*s %7d  ' % (width, 'all', counts.sum()) + '  '.join(
      '%15.3f' % (np.trace(c) / c.sum()) for _, c in columns))
  confusion = columns[0][1]
  lines.append('Confusion matrix of the %s (row: true class, column: '
               'predicted class):' % heads[0])
  cell = max(5, len(str(confusion.max())) + 1)
  lines.append('  %-*s ' % (width, '') + ''.join(
      '%*d' % (cell, j) for j in range(len(class_names))))
  for i, name in enumerate(class_names):
    lines.append('  %-*s ' % (width, '%d %s' % (i, name)) + ''.join(
        '%*d' % (cell, n) for n in confusion[i]))
  return '\n'.join(lines)


def _png(pixels):
  """Encodes a [height, width] uint8 array as a greyscale PNG."""
  def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
  height, width = pixels.shape
  rows = b''.join(b'\x00' + row.tobytes() for row in pixels)  # Filter 0.
  return (b'\x89PNG\r\n\x1a\n' +
          chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0,
                                     0)) +
          chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def confusion_image(confusion):
  """The confusion matrix as a picture: each row scaled by its class's size.

  Returns:
    [n * _CELL_PIXELS, n * _CELL_PIXELS] uint8 array: cell (i, j) is white
    when every image of class i was predicted as j, black when none was.
  """
  totals = np.maximum(confusion.sum(axis=1, keepdims=True), 1)
  cells = np.round(255.0 * confusion / totals).astype(np.uint8)
  return np.kron(cells, np.ones([_CELL_PIXELS, _CELL_PIXELS], np.uint8))


def class_summaries(confusion, class_names, report):
  """TensorBoard values of the per-class results.

  Args:
    confusion: [n, n] confusion matrix.
    class_names: the n class names.
    report: the printed class_report(), shown as text.

  Returns:
    list of tf.Summary.Value: a precision scalar per class, the confusion
    matrix as an image and the report as text.
  """
  values = [tf.Summary.Value(tag=CLASS_PRECISION_TAG % name,
                             simple_value=float(p))
            for name, p in zip(class_names, class_precisions(confusion))
            if not np.isnan(p)]
  pixels = confusion_image(confusion)
  values.append(tf.Summary.Value(tag=CONFUSION_IMAGE_TAG, image=tf.Summary.Image(
      height=pixels.shape[0], width=pixels.shape[1], colorspace=1,
      encoded_image_string=_png(pixels))))
  # TensorBoard's text plugin renders markdown: indent as a code block.
  text = '\n'.join('    ' + line for line in report.split('\n'))
  values.append(tf.Summary.Value(
      tag=CLASS_TEXT_TAG,
      metadata=tf.SummaryMetadata(
          plugin_data=tf.SummaryMetadata.PluginData(plugin_name='text')),
      tensor=tf.make_tensor_proto(text, dtype=tf.string)))
  return values


def _count_correct(sess, top_k_op, summary_op, num_examples, class_ops):
  """Runs batches until num_examples predictions are scored, each once.

  Returns:
    (true_count, summary_str, confusion) where summary_str is the summary of
    the first batch and confusion the confusion_matrix() of the images.
  """
  true_count = 0  # Counts the number of correct predictions.
  counted = 0
  confusion = 0
  (predictions, (labels, predicted)), summary_str = sess.run(
      [(top_k_op, class_ops), summary_op])
  while True:
    # The last batch may hold more images than are still to be counted.
    take = min(len(predictions), num_examples - counted)
    true_count += int(np.sum(predictions[:take]))
    confusion += confusion_matrix(labels[:take], predicted[:take])
    counted += take
    if counted >= num_examples:
      return true_count, summary_str, confusion
    predictions, (labels, predicted) = sess.run((top_k_op, class_ops))


def eval_once(saver, summary_writer, top_k_op, summary_op, global_step,
              local_init_op, checkpoint_path, num_examples, config=None,
              class_ops=None, class_names=cifar10_input.CLASS_NAMES,
              weights=MOVING_AVERAGES, raw_saver=None):
  """Run Eval once.

  Prints the precision @ 1, then the per-class results, and writes them to
  TensorBoard at the checkpoint's global step.

  Args:
    saver: Saver restoring the weights to evaluate.
    summary_writer: Summary writer.
    top_k_op: Top K op: [batch] bool Tensor.
    summary_op: Summary op.
    global_step: the global step variable (restored from the checkpoint).
    local_init_op: initialises the input's epoch counter.
    checkpoint_path: the checkpoint to evaluate.
    num_examples: how many images to score.
    config: tf.ConfigProto of the session.
    class_ops: (labels, predicted classes), two [batch] int32 Tensors.
    class_names: the NUM_CLASSES class names.
    weights: what `saver` restores: MOVING_AVERAGES or RAW_WEIGHTS.
    raw_saver: if set, a Saver of the raw weights, evaluated second on the
      same images and printed beside the first.

  Returns:
    float, the precision @ 1 of `saver`'s weights.
  """
  step, true_count, summary_str, confusion = _score(
      saver, top_k_op, summary_op, global_step, local_init_op,
      checkpoint_path, num_examples, config, class_ops)

  # Compute precision @ 1.
  precision = true_count / num_examples
  print('%s: precision @ 1 = %.3f' % (datetime.now(), precision))

  summary = tf.Summary()
  summary.ParseFromString(summary_str)
  summary.value.add(tag=PRECISION_TAG, simple_value=precision)
  columns = [(weights, confusion)]
  if raw_saver is not None:
    _, raw_count, _, raw_confusion = _score(
        raw_saver, top_k_op, summary_op, global_step, local_init_op,
        checkpoint_path, num_examples, config, class_ops)
    raw_precision = raw_count / num_examples
    print('%s: precision @ 1 = %.3f with the raw weights; the moving '
          'averages add %+.1f points.' % (datetime.now(), raw_precision,
                                          100 * (precision - raw_precision)))
    summary.value.add(tag=RAW_PRECISION_TAG, simple_value=raw_precision)
    columns.append((RAW_WEIGHTS, raw_confusion))
  report = class_report(columns, class_names, step)
  print(report)
  sys.stdout.flush()

  summary.value.extend(class_summaries(confusion, class_names, report))
  summary_writer.add_summary(summary, step)
  summary_writer.flush()
  return precision


def _score(saver, top_k_op, summary_op, global_step, local_init_op,
           checkpoint_path, num_examples, config, class_ops):
  """Restores a checkpoint with `saver` and scores num_examples images.

  Returns:
    (global step, true_count, summary_str, confusion); see _count_correct.
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
      true_count, summary_str, confusion = _count_correct(
          sess, top_k_op, summary_op, num_examples, class_ops)
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)
  return step, true_count, summary_str, confusion


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
  reason = cifar10_app.error_gist(error)
  if 'Nan' in reason or 'Infinity' in reason:
    reason += ('; the model diverged before this checkpoint: evaluate an '
               'earlier one')
  return EvalError('Evaluating %s failed: %s.' % (checkpoint_path, reason))


def _find_checkpoint(checkpoint_dir, run_once, last_skipped):
  """The newest checkpoint that reads, saying what is skipped or missing.

  Args:
    checkpoint_dir: str, the directory.
    run_once: bool; then no readable checkpoint, where some are, is an error.
    last_skipped: the skipped list of the last call, or None: the skipped
      checkpoints are named again only when they change.

  Returns:
    (checkpoint or None, skipped), as cifar10_checkpoint.newest_readable.

  Raises:
    EvalError: with run_once, if there are checkpoints and none reads.
  """
  checkpoint, skipped = cifar10_checkpoint.newest_readable(checkpoint_dir)
  if skipped and not checkpoint and run_once:
    raise EvalError(cifar10_checkpoint.none_readable(
        checkpoint_dir, skipped, 'Nothing was changed. Evaluate another '
        '--checkpoint_dir, or train anew there with cifar10_train '
        '--fresh_start (which moves the old run aside).'))
  if skipped and skipped != last_skipped:
    print('Skipping %s in %s: %s.' % (
        'the checkpoints that cannot be read' if checkpoint else
        'every checkpoint', checkpoint_dir,
        cifar10_checkpoint.describe_skipped(skipped)))
  if not checkpoint and not skipped:
    print('No checkpoint file found in %s%s' % (
        checkpoint_dir, '' if run_once else '; waiting for one'))
  return checkpoint, skipped


def evaluate(checkpoint_dir, eval_dir, eval_data='test', num_examples=10000,
             run_once=False, eval_interval_secs=300, data_dir=None,
             batch_size=None, use_fp16=None, eval_on_cpu=False,
             mixed_precision=None, moving_average=True,
             compare_moving_average=False, top_layers=None, dataset=None):
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
    moving_average: evaluate the moving averages of the weights (True, the
      tutorial's) or the raw weights.
    compare_moving_average: evaluate both on each checkpoint, printed side
      by side (moving_average is then ignored).
    top_layers: the model's top, 'full' or 'local'; default that of the
      newest checkpoint in checkpoint_dir, or --top_layers if there is none.
    dataset: 'cifar10' or 'svhn'; default --dataset.

  Returns:
    float, the precision @ 1 of the last checkpoint evaluated, or None if
    there was none.

  Raises:
    EvalError: if num_examples exceeds the data or evaluating fails.
    cifar10_checkpoint.CheckpointError: if a checkpoint does not fit the
      model.
    cifar10_top_layers.TopLayersError: if top_layers differs from the
      checkpoint's.
    cifar10_dirs.DirError: if a directory flag is unusable, or another
      process writes eval_dir.
  """
  data_dir = cifar10.flag_or(data_dir, 'data_dir')
  cifar10_dirs.check_directory_flag('data_dir', data_dir)
  cifar10_dirs.check_directory_flag('checkpoint_dir', checkpoint_dir,
                                    created=False)
  cifar10_dirs.check_apart('eval_dir', eval_dir, 'checkpoint_dir',
                           checkpoint_dir)
  cifar10_dirs.check_apart('eval_dir', eval_dir, 'data_dir', data_dir)
  # Another evaluator already writing eval_dir is refused at once; a new
  # eval_dir is only made (and locked) once there is a checkpoint to score.
  lock = (cifar10_dirs.DirLock.acquire(eval_dir, 'eval_dir')
          if os.path.isdir(eval_dir) else None)
  _check_num_examples(eval_data, data_dir, num_examples, dataset)
  class_names = cifar10_input.read_class_names(
      cifar10.data_batches_dir(data_dir, dataset),
      cifar10.data_set(dataset).class_names)
  last_skipped = checkpoint = None
  if not (run_once or top_layers or FLAGS['top_layers'].present):
    # The model's top layers are those of the checkpoints: an evaluator
    # started beside a new trainer builds the model once the first is there.
    while True:
      checkpoint, last_skipped = _find_checkpoint(checkpoint_dir, run_once,
                                                  last_skipped)
      if checkpoint:
        break
      time.sleep(eval_interval_secs)
  top_layers = cifar10_top_layers.top_layers_to_use(
      checkpoint_dir, top_layers, checkpoint.path if checkpoint else None)
  with tf.Graph().as_default() as g:
    # Get images and labels for CIFAR-10: one pass, in file order.
    eval_data = eval_data == 'test'
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=eval_data, data_dir=data_dir,
                                      batch_size=batch_size,
                                      use_fp16=use_fp16, num_epochs=1,
                                      dataset=dataset)

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images, mixed_precision, top_layers)

    # Calculate predictions. in_top_k needs float32 logits; labels stay int32.
    top_k_op = tf.nn.in_top_k(tf.cast(logits, tf.float32), labels, 1)
    class_ops = (labels, tf.argmax(logits, 1, output_type=tf.int32))

    # Restore the moving average version of the learned variables for eval
    # (or, if asked, the raw weights).
    global_step = tf.train.get_or_create_global_step()
    moving_average = moving_average or compare_moving_average
    variables_to_restore = weights_to_restore(moving_average)
    saver = tf.train.Saver(variables_to_restore)
    raw_saver = (tf.train.Saver(weights_to_restore(False))
                 if compare_moving_average else None)

    # Build the summary operation based on the TF collection of Summaries.
    summary_op = tf.summary.merge_all()
    local_init_op = tf.local_variables_initializer()

    summary_writer = None
    config = cifar10_precision.use_xla(tf.ConfigProto(
        gpu_options=tf.GPUOptions(allow_growth=True),
        device_count={'GPU': 0} if eval_on_cpu else None))

    precision = None
    last_evaluated = None
    try:
      while True:
        start = time.time()
        checkpoint, last_skipped = _find_checkpoint(
            checkpoint_dir, run_once, last_skipped)
        if checkpoint and checkpoint.path != last_evaluated:
          try:
            # Checked against the model first: a checkpoint of another model
            # or precision is one line naming the variable.
            fix = 'Choose another --checkpoint_dir.'
            cifar10_checkpoint.restore_plan(checkpoint.path,
                                            variables_to_restore, fix)
            if raw_saver is not None:
              cifar10_checkpoint.restore_plan(checkpoint.path,
                                              weights_to_restore(False), fix)
            if summary_writer is None:
              lock = lock or cifar10_dirs.DirLock.acquire(eval_dir,
                                                          'eval_dir')
              summary_writer = cifar10_app.event_writer(eval_dir, g,
                                                        'eval_dir')
            precision = eval_once(
                saver, summary_writer, top_k_op, summary_op, global_step,
                local_init_op, checkpoint.path, num_examples, config,
                class_ops, class_names,
                MOVING_AVERAGES if moving_average else RAW_WEIGHTS, raw_saver)
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
  # The default --num_examples is the data set's evaluation set (10,000
  # for CIFAR-10, 26,032 for SVHN).
  num_examples = (FLAGS.num_examples if FLAGS['num_examples'].present else
                  cifar10.data_set().num_eval)
  precision = evaluate(FLAGS.checkpoint_dir, FLAGS.eval_dir, FLAGS.eval_data,
                       num_examples, FLAGS.run_once,
                       FLAGS.eval_interval_secs,
                       eval_on_cpu=FLAGS.eval_on_cpu,
                       moving_average=FLAGS.moving_average,
                       compare_moving_average=FLAGS.compare_moving_average)
  if precision is None:
    sys.exit(1)  # --run_once found no checkpoint; the reason is printed.


def run():
  """Entry point of `python cifar10_eval.py` and the console script."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
