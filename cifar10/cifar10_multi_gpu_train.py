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

"""A binary to train CIFAR-10 using multiple GPUs with synchronous updates.

Accuracy:
cifar10_multi_gpu_train.py achieves ~86% accuracy after 100K steps (256
epochs of data) as judged by cifar10_eval.py.

Speed: With batch_size 128.

System        | Step Time (sec/batch)  |     Accuracy
--------------------------------------------------------------------
1 Tesla K20m  | 0.35-0.60              | ~86% at 60K steps  (5 hours)
1 Tesla K40m  | 0.25-0.35              | ~86% at 100K steps (4 hours)
2 Tesla K20m  | 0.13-0.20              | ~84% at 30K steps  (2.5 hours)
3 Tesla K20m  | 0.13-0.18              | ~84% at 30K steps
4 Tesla K20m  | ~0.10                  | ~84% at 30K steps

(These are the tutorial's figures; see the README for this package's.)

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

http://tensorflow.org/tutorials/deep_cnn/

One model replica ("tower") per GPU computes the loss and gradients of its own
batch; the gradients are averaged on the CPU, where the variables live, and
applied once per step. A step therefore trains on --batch_size * --num_gpus
images. With fewer GPUs than --num_gpus (or none) the towers are placed on the
devices that exist (allow_soft_placement), so the script runs anywhere.

The loss printed and summarised is the step's: the mean of the towers' losses,
which is what cifar10_train.py would compute on the same images.

Checkpoints hold the same variables as cifar10_train.py's: either trainer
resumes the other's --train_dir, and cifar10_eval.py evaluates both. Nothing in
--train_dir is ever deleted; --fresh_start moves it aside first.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import sys

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_multi_gpu_train.py, or a script beside it that
# imports it). Either way each file loads once, and before TensorFlow, so
# that cifar10_input's environment defaults (oneDNN, log level) apply.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_app
  from cifar10 import cifar10_summary
  from cifar10 import cifar10_train
  from cifar10 import cifar10_top_layers
else:
  import cifar10
  import cifar10_app
  import cifar10_summary
  import cifar10_train
  import cifar10_top_layers
import tensorflow.compat.v1 as tf

# cifar10_train owns --train_dir, --max_steps, --log_device_placement, --log_frequency,
# --save_checkpoint_steps and --fresh_start, and the training loop both
# trainers share.

FLAGS = tf.app.flags.FLAGS

# A bound on --num_gpus: the largest machines hold 8 to 16 GPUs; --num_gpus=1000
# can only be a typo, and would build a thousand towers before failing.
MAX_GPUS = 64

tf.app.flags.DEFINE_integer('num_gpus', 1,
                            """How many GPUs to use: one model replica """
                            """(tower) per GPU; at most %d (no machine has """
                            """more).""" % MAX_GPUS, lower_bound=1,
                            upper_bound=MAX_GPUS)

# Name scope of the prefetch queue between the input pipeline and the towers.
PREFETCH_QUEUE_NAME = 'prefetch_queue'


def _name(i):
  """Name scope of tower `i`: 'tower_0', 'tower_1', ..."""
  return '%s_%d' % (cifar10.TOWER_NAME, i)


def _plural(n, word):
  return '%d %s%s' % (n, word, '' if n == 1 else 's')


def placement_message(num_gpus, num_found):
  """Says where the towers run, given how many GPUs TensorFlow found.

  Args:
    num_gpus: int, towers asked for (--num_gpus).
    num_found: int, GPUs TensorFlow can see.

  Returns:
    str, one line for the start of training.
  """
  found = 'Found %s' % _plural(num_found, 'GPU')
  towers = _plural(num_gpus, 'tower')
  if num_found == 0:
    return ('%s; running %s on the CPU (allow_soft_placement).'
            % (found, towers))
  if num_found < num_gpus:
    return ('%s; running %s: /gpu:%d and up do not exist, so '
            'allow_soft_placement puts those towers on the devices found.'
            % (found, towers, num_found))
  if num_gpus == 1:
    return '%s; running 1 tower on /gpu:0.' % found
  return '%s; running %s on /gpu:0 to /gpu:%d.' % (found, towers,
                                                   num_gpus - 1)


def prefetch_queue(tensors, capacity, name=PREFETCH_QUEUE_NAME):
  """Queues whole batches so that each tower dequeues a batch of its own.

  The TF2 stand-in for tf.contrib.slim.prefetch_queue, which the original
  script used and which is gone: a FIFOQueue of ready batches, filled by one
  QueueRunner thread from the (single) shuffle queue. The towers never wait on
  each other's share of the input, and there is only one input pipeline, with
  its 16 preprocessing threads, however many towers there are.

  Args:
    tensors: list of Tensors with fully defined shapes, e.g. [images, labels]
      with images [batch_size, 24, 24, 3] float32 and labels [batch_size]
      int32.
    capacity: int, batches held (the original's 2 * num_gpus).
    name: name scope of the queue.

  Returns:
    The tf.FIFOQueue; `dequeue()` returns Tensors shaped like `tensors`.
  """
  with tf.name_scope(name):
    queue = tf.FIFOQueue(capacity=capacity,
                         dtypes=[t.dtype for t in tensors],
                         shapes=[t.get_shape() for t in tensors],
                         name='fifo_queue')
    enqueue_op = queue.enqueue(tensors)
    tf.train.add_queue_runner(tf.train.QueueRunner(queue, [enqueue_op]))
    # As slim's: an empty prefetch queue means the input is the bottleneck.
    tf.summary.scalar('fraction_of_%d_full' % capacity,
                      tf.cast(queue.size(), tf.float32) * (1. / capacity))
  return queue


def tower_loss(scope, images, labels, mixed_precision=None, top_layers=None):
  """Calculate the total loss on a single tower running the CIFAR model.

  Args:
    scope: unique prefix string identifying the CIFAR tower, e.g. 'tower_0/'.
    images: Images. 4D tensor of shape [batch_size, 24, 24, 3], float32 (or
      float16).
    labels: Labels. 1D tensor of shape [batch_size], int32.
    mixed_precision: compute in float16 with float32 variables; default
      --mixed_precision.
    top_layers: 'full' or 'local' (see cifar10.inference); default
      --top_layers.

  Returns:
    Scalar Tensor of the images' dtype (float32 with mixed_precision): this
    tower's cross entropy plus all weight decay terms.
  """
  # Build inference Graph.
  logits = cifar10.inference(images, mixed_precision, top_layers)

  # Build the portion of the Graph calculating the losses. Each tower adds its
  # own weight decay terms and cross entropy to the 'losses' collection; the
  # scope keeps the other towers' out of this tower's total.
  return cifar10.loss(logits, labels, scope=scope)


def average_gradients(tower_grads):
  """Calculate the average gradient for each shared variable across towers.

  Note that this function provides a synchronization point across all towers.

  Args:
    tower_grads: List of lists of (gradient, variable) tuples. The outer list
      is over towers; each inner list, as from compute_gradients(), has one
      pair per variable, in the same variable order in every tower.

  Returns:
    List of (gradient, variable) pairs, one per variable, where the gradient
    (same shape and dtype as the variable) is the mean of the towers'
    gradients; None if no tower has a gradient for the variable.
  """
  average_grads = []
  for grad_and_vars in zip(*tower_grads):
    # Note that each grad_and_vars looks like the following:
    #   ((grad0_gpu0, var0_gpu0), ... , (grad0_gpuN, var0_gpuN))
    grads = [tf.expand_dims(g, 0) for g, _ in grad_and_vars if g is not None]
    # The variables are shared across towers, so the first tower's pointer to
    # the variable stands for all of them.
    v = grad_and_vars[0][1]
    if not grads:
      average_grads.append((None, v))
      continue
    # Average over the 'tower' dimension.
    grad = tf.reduce_mean(tf.concat(axis=0, values=grads), 0)
    average_grads.append((grad, v))
  return average_grads


def _mean_over_towers(tower_values, name):
  """The mean of one scalar over the towers, named like the single model's."""
  if len(tower_values) == 1:
    return tf.identity(tower_values[0], name=name)
  return tf.reduce_mean(tf.stack(tower_values), name=name)


def _step_losses(tower_losses):
  """Averages each loss term over the towers, as one model would have it.

  With equal batches, the mean of the towers' cross entropies is the cross
  entropy of the whole step's batch, and every tower's weight decay terms are
  equal, so these are the losses cifar10_train.py would compute on the same
  batch_size * num_gpus images. They carry its names ('cross_entropy',
  'conv1/weight_loss', ..., 'total_loss'), so that the moving averages of them
  are the checkpoint variables ('cross_entropy/avg', ...) cifar10_train saves
  and restores, and the summary tags are the same in TensorBoard.

  Args:
    tower_losses: list over towers of (loss terms, total loss): the terms are
      the tower's 'losses' collection (scalar Tensors, same order in every
      tower), the total their sum.

  Returns:
    (terms, total): list of scalar Tensors, and a scalar Tensor.
  """
  terms = []
  for tower_terms in zip(*(t for t, _ in tower_losses)):
    terms.append(_mean_over_towers(
        list(tower_terms),
        cifar10_summary.strip_tower_prefix(tower_terms[0].op.name)))
  total = _mean_over_towers([total for _, total in tower_losses],
                            'total_loss')
  return terms, total


def _keep_summaries_of_last_tower(num_gpus):
  """Drops the summaries every tower but the last added to the collection.

  The towers build the same model, so one tower's activation summaries are
  enough (the original kept the last tower's). They are tagged without the
  tower prefix, so keeping several towers' would also give duplicate tags,
  which the merged summary op rejects. The step's losses and the learning
  rate, variable and gradient summaries are added outside the towers.

  Args:
    num_gpus: int, number of towers built.
  """
  summaries = tf.get_collection_ref(tf.GraphKeys.SUMMARIES)
  dropped = set()
  for i in range(num_gpus - 1):
    dropped.update(tf.get_collection(tf.GraphKeys.SUMMARIES, _name(i) + '/'))
  summaries[:] = [s for s in summaries if s not in dropped]


def tower_train_op(tower_batch, num_gpus, batch_size, mixed_precision=None,
                   top_layers=None):
  """Builds the synchronous multi-tower training step in the default graph.

  Args:
    tower_batch: function of the tower index i returning that tower's
      (images, labels): [batch_size, 24, 24, 3] float32 (or float16) and
      [batch_size] int32 Tensors. It is called inside the tower's device and
      name scope (e.g. a queue's dequeue, or constants in a test).
    num_gpus: int >= 1, number of towers.
    batch_size: int, images per tower; a step consumes batch_size * num_gpus.
    mixed_precision: compute in float16 with float32 variables and a scaled
      loss; default --mixed_precision.
    top_layers: 'full' or 'local'; default --top_layers.

  Returns:
    train_op: op running one step: gradients of all towers, averaged and
      applied once, then the moving averages of the variables updated.
    loss: scalar Tensor, the step's total loss (mean over the towers).
  """
  # Everything not inside a tower -- global step, learning rate, optimizer,
  # gradient averaging, update and moving averages -- stays on the CPU with
  # the variables, so that only the towers' work lands on the GPUs.
  with tf.device('/cpu:0'):
    global_step = tf.train.get_or_create_global_step()

    # One schedule for the whole step. A step consumes num_gpus batches, so
    # the decay comes after the same number of epochs as in cifar10_train.py
    # (the original divided its decay steps by num_gpus).
    lr = cifar10.learning_rate(global_step, batch_size * num_gpus)

    # Create an optimizer that performs gradient descent.
    opt = cifar10.optimizer(lr, mixed_precision)

    # Calculate the gradients for each model tower.
    tower_grads = []
    tower_losses = []
    with tf.variable_scope(tf.get_variable_scope()):
      for i in range(num_gpus):
        with tf.device('/gpu:%d' % i), tf.name_scope(_name(i)) as scope:
          images, labels = tower_batch(i)

          # Calculate the loss for one tower of the CIFAR model. This function
          # constructs the entire CIFAR model but shares the variables across
          # all towers.
          loss = tower_loss(scope, images, labels, mixed_precision,
                            top_layers)
          tower_losses.append((tf.get_collection('losses', scope), loss))

          # Reuse variables for the next tower.
          tf.get_variable_scope().reuse_variables()

          # Calculate the gradients for the batch of data on this CIFAR tower.
          # Each tower's loss holds the whole weight decay, so each tower's
          # gradient holds the decay's gradient once; averaging the towers
          # keeps it once. The effective decay is the single-device one, and
          # the averaged gradient is the gradient of the step's loss over all
          # batch_size * num_gpus images.
          tower_grads.append(opt.compute_gradients(loss))

    _keep_summaries_of_last_tower(num_gpus)

    # We must calculate the mean of each gradient. Note that this is the
    # synchronization point across all towers.
    grads = average_gradients(tower_grads)

    losses, total_loss = _step_losses(tower_losses)
    loss_averages_op = cifar10._add_loss_summaries(total_loss, losses)  # pylint: disable=protected-access

    # Apply the gradients to adjust the shared variables, then track their
    # moving averages (also adds the variable and gradient histograms). The
    # loss averages are updated every step, before the weights change.
    with tf.control_dependencies([loss_averages_op]):
      train_op = cifar10.apply_gradients(opt, grads, global_step)
  return train_op, total_loss


def build_training_graph(num_gpus, data_dir=None, batch_size=None,
                         use_fp16=None, mixed_precision=None,
                         min_fraction_of_examples_in_queue=None,
                         top_layers=None):
  """Builds input pipeline, towers and update in the default graph.

  Args:
    num_gpus: int >= 1, number of towers.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per tower and step; default --batch_size.
    use_fp16: build the model in float16; default --use_fp16.
    mixed_precision: compute in float16 with float32 variables; default
      --mixed_precision.
    min_fraction_of_examples_in_queue: fraction of an epoch in the shuffle
      queue; default --min_fraction_of_examples_in_queue.
    top_layers: 'full' or 'local'; default --top_layers.

  Returns:
    train_op: op running one synchronous step of all towers.
    loss: scalar Tensor, the step's total loss (mean over the towers).

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
  """
  batch_size = cifar10.flag_or(batch_size, 'batch_size')
  # One input pipeline on the CPU for all towers, as the original: its
  # shuffle queue and preprocessing threads are shared, and the prefetch
  # queue holds two ready batches per tower.
  with tf.device('/cpu:0'):
    images, labels = cifar10.distorted_inputs(
        data_dir, batch_size, use_fp16, cifar10.flag_or(
            min_fraction_of_examples_in_queue,
            'min_fraction_of_examples_in_queue'))
    batch_queue = prefetch_queue([images, labels], capacity=2 * num_gpus)

  return tower_train_op(lambda i: batch_queue.dequeue(), num_gpus, batch_size,
                        mixed_precision, top_layers)


def train(train_dir, max_steps, log_frequency, num_gpus,
          log_device_placement=False, data_dir=None, batch_size=None,
          use_fp16=None, save_checkpoint_steps=1000, mixed_precision=None,
          top_layers=None):
  """Train CIFAR-10 with num_gpus towers for a number of steps.

  Args:
    train_dir: where checkpoints and event files go.
    max_steps: global step to stop at.
    log_frequency: print a line every this many steps.
    num_gpus: int >= 1, number of towers.
    log_device_placement: log where each op runs.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per tower and step; default --batch_size.
    use_fp16: build the model in float16; default --use_fp16.
    save_checkpoint_steps: save every this many steps (the original's 1000);
      one is always saved at the last step.
    mixed_precision: compute in float16 with float32 variables; default
      --mixed_precision.
    top_layers: 'full' or 'local'; default --top_layers.

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
    cifar10_train.DivergedError: if the loss becomes NaN.
  """
  batch_size = cifar10.flag_or(batch_size, 'batch_size')
  print(placement_message(num_gpus,
                          len(tf.config.list_physical_devices('GPU'))))
  sys.stdout.flush()
  with tf.Graph().as_default():
    train_op, loss = build_training_graph(
        num_gpus, data_dir, batch_size, use_fp16, mixed_precision,
        top_layers=top_layers)

    # The single trainer's loop: same log line, checkpoints (every 1000 steps
    # by default, as the original, and at the last step), resume and NaN
    # stop.
    # allow_soft_placement lets the towers run with fewer GPUs, or none.
    cifar10_train.run_training(
        train_op, loss, train_dir, max_steps, log_frequency,
        examples_per_step=batch_size * num_gpus,
        config=cifar10_train.session_config(log_device_placement,
                                            allow_soft_placement=True),
        num_towers=num_gpus, save_checkpoint_steps=save_checkpoint_steps,
        save_summaries_steps=100)


def main(argv=None):  # pylint: disable=unused-argument
  cifar10_train.check_dir_flags(FLAGS.train_dir, FLAGS.data_dir)
  cifar10_train.check_memory(FLAGS.batch_size, FLAGS.num_gpus)
  cifar10.maybe_download_and_extract()
  lock = cifar10_train.own_train_dir(FLAGS.train_dir, FLAGS.data_dir,
                                     FLAGS.max_steps, FLAGS.fresh_start)
  if lock is None:
    return
  # --save_checkpoint_steps=0 (its default) means this script's 1000.
  # Resume with the top layers the checkpoints have (or refuse a
  # --top_layers given against them).
  train(FLAGS.train_dir, FLAGS.max_steps, FLAGS.log_frequency,
        FLAGS.num_gpus, FLAGS.log_device_placement,
        save_checkpoint_steps=FLAGS.save_checkpoint_steps or 1000,
        top_layers=cifar10_top_layers.top_layers_to_use(FLAGS.train_dir))
  lock.release()


def run():
  """Entry point of `python cifar10_multi_gpu_train.py` and the console
  script."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
