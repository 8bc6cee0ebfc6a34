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

"""Builds the CIFAR-10 network.

Summary of available functions:

 # Compute input images and labels for training. If you would like to run
 # evaluations, use inputs() instead.
 inputs, labels = distorted_inputs()

 # Compute inference on the model inputs to make a prediction.
 predictions = inference(inputs)

 # Compute the total loss of the prediction with respect to the labels.
 loss = loss(predictions, labels)

 # Create a graph to run one step of training with respect to the loss.
 train_op = train(loss, global_step)

 # The pieces train() is made of, shared with the multi-GPU trainer.
 lr = learning_rate(global_step, examples_per_step)
 opt = optimizer(lr)
 train_op = apply_gradients(opt, grads_and_vars, global_step)

 # Download and extract the data set unless it is already there.
 maybe_download_and_extract()

The command-line flags below belong to this module; they are parsed once, by
the script that is run (cifar10_train.py, cifar10_eval.py, ...). Functions
that read a flag also take the value as an argument, so that tests and
notebooks can call them without a command line.
"""
# pylint: disable=missing-docstring
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import logging
import os
import re
import sys

from absl import app
from absl import flags
import numpy as np
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_download
from cifar10 import cifar10_input

FLAGS = tf.app.flags.FLAGS

# Basic model parameters.
tf.app.flags.DEFINE_integer('batch_size', 128,
                            """Number of images to process in a batch.""",
                            lower_bound=1)
tf.app.flags.DEFINE_string('data_dir', '/tmp/cifar10_data',
                           """Path to the CIFAR-10 data directory.""")
tf.app.flags.DEFINE_boolean('use_fp16', False,
                            """Train the model using fp16.""")
tf.app.flags.DEFINE_boolean('mixed_precision', False,
                            """Compute in float16, keep the variables in """
                            """float32 and scale the loss: for GPUs. """
                            """Variable names and checkpoints are those """
                            """of float32 training.""")
tf.app.flags.DEFINE_boolean('xla', False,
                            """Compile the graph with XLA auto-clustering. """
                            """For GPUs: variable names and checkpoints are """
                            """unchanged; on the CPU it measured slower and """
                            """needs TF_XLA_FLAGS=--tf_xla_cpu_global_jit.""")
tf.app.flags.DEFINE_string('data_url', cifar10_download.DATA_URL,
                           """Where to download the CIFAR-10 binary archive """
                           """from: https://, http:// or file:// (a mirror """
                           """or a local copy).""")


def _one_precision(flags_dict):
  return not (flags_dict['use_fp16'] and flags_dict['mixed_precision'])


flags.register_multi_flags_validator(
    ['use_fp16', 'mixed_precision'], _one_precision,
    message='--use_fp16 (float16 variables) and --mixed_precision (float32 '
    'variables, float16 compute) exclude each other: pass one of them.')

# Global constants describing the CIFAR-10 data set.
IMAGE_SIZE = cifar10_input.IMAGE_SIZE
NUM_CLASSES = cifar10_input.NUM_CLASSES
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_EVAL


# Constants describing the training process.
MOVING_AVERAGE_DECAY = 0.9999     # The decay to use for the moving average.
NUM_EPOCHS_PER_DECAY = 350.0      # Epochs after which learning rate decays.
LEARNING_RATE_DECAY_FACTOR = 0.1  # Learning rate decay factor.
INITIAL_LEARNING_RATE = 0.1       # Initial learning rate.
# norm1 and norm2: local response normalization over a window of
# 2 * LRN_DEPTH_RADIUS + 1 = 9 channels, as in AlexNet (alpha is the
# original's 0.001 per 9 channels).
LRN_DEPTH_RADIUS = 4
LRN_BIAS = 1.0
LRN_ALPHA = 0.001 / 9.0
LRN_BETA = 0.75
# --mixed_precision multiplies the loss by this before the float16 backward
# pass, so that small gradients do not underflow float16 (smallest normal
# 6e-5), and divides the gradients by it in float32. A fixed scale adds no
# variables to the checkpoints; 128 keeps the scaled loss (about 4.6 * 128 at
# the start) and its gradients far below float16's maximum of 65504.
LOSS_SCALE = 128.0

# If a model is trained with multiple GPUs, prefix all Op names with tower_name
# to differentiate the operations. Note that this prefix is removed from the
# names of the summaries when visualizing a model.
TOWER_NAME = 'tower'

DATA_URL = cifar10_download.DATA_URL

# The line both trainers print every --log_frequency steps.
LOG_FORMAT = ('%s: step %d, loss = %.2f (%.1f examples/sec; %.3f '
              'sec/batch)')


class _DeprecationFilter(logging.Filter):
  """Drops TensorFlow's notices that the TF1 APIs taught here are deprecated.

  The tutorial uses queues, readers and tf.train on purpose; the notices
  would bury its output. The README says which APIs they are.
  """

  def filter(self, record):
    return 'is deprecated and will be removed' not in record.getMessage()


def run_main(main):
  """Runs a script's `main` in TF1 graph mode, parsing the command line once.

  The one place where the scripts turn TensorFlow 2 behaviour off.

  Args:
    main: function taking argv, as for absl.app.run.
  """
  logger = tf.get_logger()
  logger.addFilter(_DeprecationFilter())
  tf.disable_v2_behavior()
  # TensorFlow's handler prints the records already; absl's would repeat them.
  logger.propagate = False
  # absl's app.run, unlike tf.app.run, rejects unknown flags (a typo such as
  # --max_step=10 would otherwise be ignored) and reports a bad flag value in
  # one line instead of a traceback.
  app.run(main)


def use_xla(config, xla=None):
  """Turns on XLA auto-clustering in a session config if asked to.

  Only how ops run changes; the graph, its variable names and checkpoints
  stay the same.

  Args:
    config: tf.ConfigProto, changed in place.
    xla: bool; default --xla.

  Returns:
    config.
  """
  if flag_or(xla, 'xla'):
    config.graph_options.optimizer_options.global_jit_level = (
        tf.OptimizerOptions.ON_1)
  return config


def flag_or(value, name):
  """Returns `value`, or else the flag's value (its default before parsing)."""
  return FLAGS[name].value if value is None else value


def _strip_tower_prefix(name):
  return re.sub('%s_[0-9]*/' % TOWER_NAME, '', name)


def tower_scalar_summary(name, value):
  """Adds a scalar summary tagged `name` less any 'tower_N/' prefix.

  tf.summary.scalar would put the current name scope (tower_N/ in the
  multi-GPU trainer) back in front of the tag; the raw op takes the tag as
  given, so every tower reports under the single-device names.

  Args:
    name: str, the tag, possibly with a tower prefix.
    value: scalar Tensor.
  """
  tf.add_to_collection(tf.GraphKeys.SUMMARIES, tf.raw_ops.ScalarSummary(
      tags=_strip_tower_prefix(name), values=value))


def tower_histogram_summary(name, values):
  """Adds a histogram summary tagged `name` less any 'tower_N/' prefix.

  Args:
    name: str, the tag, possibly with a tower prefix.
    values: Tensor of any shape.
  """
  tf.add_to_collection(tf.GraphKeys.SUMMARIES, tf.raw_ops.HistogramSummary(
      tag=_strip_tower_prefix(name), values=values))


def _activation_summary(x):
  """Helper to create summaries for activations.

  Creates a summary that provides a histogram of activations.
  Creates a summary that measures the sparsity of activations.

  Args:
    x: Tensor
  Returns:
    nothing
  """
  # Remove 'tower_[0-9]/' from the name in case this is a multi-GPU training
  # session. This helps the clarity of presentation on tensorboard.
  tower_histogram_summary(x.op.name + '/activations', x)
  tower_scalar_summary(x.op.name + '/sparsity', tf.nn.zero_fraction(x))


def _variable_on_cpu(name, shape, initializer, dtype=tf.float32):
  """Helper to create a Variable stored on CPU memory.

  Args:
    name: name of the variable
    shape: list of ints
    initializer: initializer for Variable
    dtype: tf.float32 or tf.float16

  Returns:
    Variable Tensor
  """
  with tf.device('/cpu:0'):
    var = tf.get_variable(name, shape, initializer=initializer, dtype=dtype)
  return var


def _variable_with_weight_decay(name, shape, stddev, wd, dtype=tf.float32):
  """Helper to create an initialized Variable with weight decay.

  Note that the Variable is initialized with a truncated normal distribution.
  A weight decay is added only if one is specified.

  Args:
    name: name of the variable
    shape: list of ints
    stddev: standard deviation of a truncated Gaussian
    wd: add L2Loss weight decay multiplied by this float. If None, weight
        decay is not added for this Variable.
    dtype: tf.float32 or tf.float16

  Returns:
    Variable Tensor
  """
  var = _variable_on_cpu(
      name,
      shape,
      tf.truncated_normal_initializer(stddev=stddev, dtype=dtype),
      dtype)
  if wd is not None:
    weight_decay = tf.multiply(tf.nn.l2_loss(var), wd, name='weight_loss')
    tf.add_to_collection('losses', weight_decay)
  return var


def _window_sum(x, band):
  """Sums x over each channel's LRN window.

  Args:
    x: [batch, height, width, depth] float32 Tensor.
    band: [depth, depth] float32 0/1 matrix, 1 where two channels are at most
      LRN_DEPTH_RADIUS apart.

  Returns:
    float32 Tensor of x's shape.
  """
  # [batch, height, width, depth] -> [batch * height * width, depth]: one
  # matmul sums every window.
  flat = tf.reshape(x, [-1, int(band.shape[0])])
  return tf.reshape(tf.matmul(flat, band), tf.shape(x))


def _lrn(x, name):
  """tf.nn.lrn(x, LRN_DEPTH_RADIUS, LRN_BIAS, LRN_ALPHA, LRN_BETA, name).

  TensorFlow's CPU kernel for the gradient of LRN loops over every element
  and its window; it took 14 % of a training step's op time. On machines
  without a GPU, float32 LRN is therefore computed here with the same formula,
    y = x * n^-beta,  n = bias + alpha * (sum of x^2 over the window),
  and its gradient in closed form (the window is symmetric):
    dx = dy * n^-beta - 2 * alpha * beta * x * (sum of dy * y / n over it),
  both with one matmul per window sum. The values equal tf.nn.lrn's to
  float32 rounding; the training step measured 1.09-1.22x faster on a
  2-core CPU (cifar10_benchmark --phases=lrn). GPUs (cuDNN) and float16 keep
  tf.nn.lrn.

  Args:
    x: [batch, height, width, depth] float32 or float16 Tensor.
    name: name of the result (norm1, norm2).

  Returns:
    Tensor of x's shape and dtype.
  """
  if x.dtype != tf.float32 or tf.config.list_physical_devices('GPU'):
    return tf.nn.lrn(x, LRN_DEPTH_RADIUS, bias=LRN_BIAS, alpha=LRN_ALPHA,
                     beta=LRN_BETA, name=name)
  channel = np.arange(int(x.shape[-1]))
  band = np.abs(channel[:, None] - channel[None, :]) <= LRN_DEPTH_RADIUS

  @tf.custom_gradient
  def lrn(features):
    band_matrix = tf.constant(band, tf.float32)
    n = LRN_BIAS + LRN_ALPHA * _window_sum(tf.square(features), band_matrix)
    # n^-0.75 from square roots: cheaper than pow.
    n_pow = (tf.math.rsqrt(n) * tf.math.rsqrt(tf.sqrt(n))
             if LRN_BETA == 0.75 else tf.pow(n, -LRN_BETA))
    y = features * n_pow

    def grad(dy):
      return dy * n_pow - 2.0 * LRN_ALPHA * LRN_BETA * features * _window_sum(
          dy * y / n, band_matrix)
    return y, grad

  with tf.name_scope(name) as scope:
    return tf.identity(lrn(x), name=scope)


def _data_batches_dir(data_dir):
  return os.path.join(flag_or(data_dir, 'data_dir'),
                      cifar10_download.EXTRACTED_DIR)


def distorted_inputs(data_dir=None, batch_size=None, use_fp16=None):
  """Construct distorted input for CIFAR training using the Reader ops.

  Args:
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per batch; default --batch_size.
    use_fp16: cast the images to float16; default --use_fp16.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32 (float16 with use_fp16).
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
  """
  images, labels = cifar10_input.distorted_inputs(
      data_dir=_data_batches_dir(data_dir),
      batch_size=flag_or(batch_size, 'batch_size'))
  if flag_or(use_fp16, 'use_fp16'):
    images = tf.cast(images, tf.float16)
  return images, labels


def inputs(eval_data, data_dir=None, batch_size=None, use_fp16=None,
           num_epochs=None):
  """Construct input for CIFAR evaluation using the Reader ops.

  Args:
    eval_data: bool, indicating if one should use the train or eval data set.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per batch; default --batch_size.
    use_fp16: cast the images to float16; default --use_fp16.
    num_epochs: None to cycle forever; an int to read each record that many
      times and then stop (see cifar10_input.inputs).

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32 (float16 with use_fp16).
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
  """
  images, labels = cifar10_input.inputs(
      eval_data=eval_data,
      data_dir=_data_batches_dir(data_dir),
      batch_size=flag_or(batch_size, 'batch_size'),
      num_epochs=num_epochs)
  if flag_or(use_fp16, 'use_fp16'):
    images = tf.cast(images, tf.float16)
  return images, labels


def inference(images, mixed_precision=None):
  """Build the CIFAR-10 model.

  Args:
    images: Images returned from distorted_inputs() or inputs(): a
      [batch, 24, 24, 3] float32 or float16 Tensor. The variables are created
      in the same dtype.
    mixed_precision: bool, default --mixed_precision: compute in float16 but
      create the variables in float32 (the names and checkpoints of float32
      training), each layer reading them through a cast to float16.

  Returns:
    Logits: [batch, NUM_CLASSES] Tensor of the images' dtype; float32 with
    mixed_precision (so the softmax and loss are computed in float32).
  """
  # We instantiate all variables using tf.get_variable() instead of
  # tf.Variable() in order to share variables across multiple GPU training
  # runs. If we only ran this model on a single GPU, we could simplify this
  # function by replacing all instances of tf.get_variable() with
  # tf.Variable().
  mixed_precision = flag_or(mixed_precision, 'mixed_precision')
  # var_dtype: what the variables are stored (and checkpointed) in; dtype:
  # what the layers compute in. The casts below are no-ops unless they differ.
  var_dtype = tf.float32 if mixed_precision else images.dtype.base_dtype
  dtype = tf.float16 if mixed_precision else var_dtype
  images = tf.cast(images, dtype)

  # conv1
  with tf.variable_scope('conv1') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 3, 64],
                                         stddev=5e-2,
                                         wd=0.0,
                                         dtype=var_dtype)
    conv = tf.nn.conv2d(images, tf.cast(kernel, dtype), [1, 1, 1, 1],
                        padding='SAME')
    biases = _variable_on_cpu('biases', [64], tf.constant_initializer(0.0),
                              var_dtype)
    pre_activation = tf.nn.bias_add(conv, tf.cast(biases, dtype))
    conv1 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv1)

  # pool1
  pool1 = tf.nn.max_pool(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                         padding='SAME', name='pool1')
  # norm1
  norm1 = _lrn(pool1, name='norm1')

  # conv2
  with tf.variable_scope('conv2') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 64, 64],
                                         stddev=5e-2,
                                         wd=0.0,
                                         dtype=var_dtype)
    conv = tf.nn.conv2d(norm1, tf.cast(kernel, dtype), [1, 1, 1, 1],
                        padding='SAME')
    biases = _variable_on_cpu('biases', [64], tf.constant_initializer(0.1),
                              var_dtype)
    pre_activation = tf.nn.bias_add(conv, tf.cast(biases, dtype))
    conv2 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv2)

  # norm2
  norm2 = _lrn(conv2, name='norm2')
  # pool2
  pool2 = tf.nn.max_pool(norm2, ksize=[1, 3, 3, 1],
                         strides=[1, 2, 2, 1], padding='SAME', name='pool2')

  # local3
  with tf.variable_scope('local3') as scope:
    # Move everything into depth so we can perform a single matrix multiply.
    # [batch, 6, 6, 64] -> [batch, 2304]; -1 keeps a smaller last eval batch.
    dim = pool2.get_shape()[1:].num_elements()
    reshape = tf.reshape(pool2, [-1, dim])
    weights = _variable_with_weight_decay('weights', shape=[dim, 384],
                                          stddev=0.04, wd=0.004,
                                          dtype=var_dtype)
    biases = _variable_on_cpu('biases', [384], tf.constant_initializer(0.1),
                              var_dtype)
    local3 = tf.nn.relu(tf.matmul(reshape, tf.cast(weights, dtype)) +
                        tf.cast(biases, dtype), name=scope.name)
    _activation_summary(local3)

  # local4
  with tf.variable_scope('local4') as scope:
    weights = _variable_with_weight_decay('weights', shape=[384, 192],
                                          stddev=0.04, wd=0.004,
                                          dtype=var_dtype)
    biases = _variable_on_cpu('biases', [192], tf.constant_initializer(0.1),
                              var_dtype)
    local4 = tf.nn.relu(tf.matmul(local3, tf.cast(weights, dtype)) +
                        tf.cast(biases, dtype), name=scope.name)
    _activation_summary(local4)

  # linear layer(WX + b),
  # We don't apply softmax here because
  # tf.nn.sparse_softmax_cross_entropy_with_logits accepts the unscaled logits
  # and performs the softmax internally for efficiency.
  with tf.variable_scope('softmax_linear') as scope:
    weights = _variable_with_weight_decay('weights', [192, NUM_CLASSES],
                                          stddev=1 / 192.0, wd=0.0,
                                          dtype=var_dtype)
    biases = _variable_on_cpu('biases', [NUM_CLASSES],
                              tf.constant_initializer(0.0), var_dtype)
    softmax_linear = tf.add(tf.matmul(local4, tf.cast(weights, dtype)),
                            tf.cast(biases, dtype), name=scope.name)
    _activation_summary(softmax_linear)

  if mixed_precision:
    return tf.cast(softmax_linear, tf.float32, name='softmax_linear/float32')
  return softmax_linear


def loss(logits, labels, scope=None):
  """Add L2Loss to all the trainable variables.

  Add summary for "Loss" and "Loss/avg".

  Args:
    logits: Logits from inference(), [batch, NUM_CLASSES].
    labels: Labels from distorted_inputs or inputs(). 1-D tensor
            of shape [batch_size], int32.
    scope: name scope of one tower of the multi-GPU trainer: only the losses
      created in it are added. None adds every loss in the graph.

  Returns:
    Loss tensor of the logits' dtype: the cross entropy plus all weight decay
    terms.
  """
  # Calculate the average cross entropy loss across the batch.
  labels = tf.cast(labels, tf.int64)
  cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
      labels=labels, logits=logits, name='cross_entropy_per_example')
  cross_entropy_mean = tf.reduce_mean(cross_entropy, name='cross_entropy')
  tf.add_to_collection('losses', cross_entropy_mean)

  # The total loss is defined as the cross entropy loss plus all of the weight
  # decay terms (L2 loss).
  return tf.add_n(tf.get_collection('losses', scope), name='total_loss')


def _add_loss_summaries(total_loss, losses=None):
  """Add summaries for losses in CIFAR-10 model.

  Generates moving average for all losses and associated summaries for
  visualizing the performance of the network.

  Args:
    total_loss: Total loss from loss().
    losses: the loss terms total_loss adds up; default the 'losses'
      collection. (The multi-GPU trainer passes their means over the towers.)
  Returns:
    loss_averages_op: op for generating moving averages of losses.
  """
  # Compute the moving average of all individual losses and the total loss.
  loss_averages = tf.train.ExponentialMovingAverage(0.9, name='avg')
  if losses is None:
    losses = tf.get_collection('losses')
  loss_averages_op = loss_averages.apply(losses + [total_loss])

  # Attach a scalar summary to all individual losses and the total loss; do the
  # same for the averaged version of the losses.
  for l in losses + [total_loss]:
    # Name each loss as '<name>_raw' and name the moving average version of
    # the loss as the original loss name. (The original's ' (raw)' is not a
    # legal summary name.) The average is read after this step's update.
    tower_scalar_summary(l.op.name + '_raw', l)
    with tf.control_dependencies([loss_averages_op]):
      tower_scalar_summary(l.op.name, tf.identity(loss_averages.average(l)))

  return loss_averages_op


def learning_rate(global_step, examples_per_step):
  """The tutorial's learning-rate schedule, with its summary.

  Args:
    global_step: Integer Variable counting the number of training steps
      processed.
    examples_per_step: images consumed by one step (the batch size, times the
      number of towers in the multi-GPU trainer).

  Returns:
    float32 scalar Tensor: 0.1, multiplied by 0.1 every 350 epochs.
  """
  num_batches_per_epoch = NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN / examples_per_step
  decay_steps = int(num_batches_per_epoch * NUM_EPOCHS_PER_DECAY)

  # Decay the learning rate exponentially based on the number of steps.
  lr = tf.train.exponential_decay(INITIAL_LEARNING_RATE,
                                  global_step,
                                  decay_steps,
                                  LEARNING_RATE_DECAY_FACTOR,
                                  staircase=True)
  tower_scalar_summary('learning_rate', lr)
  return lr


def optimizer(lr, mixed_precision=None):
  """The tutorial's optimizer: plain gradient descent.

  Args:
    lr: float32 scalar Tensor, the learning rate.
    mixed_precision: bool, default --mixed_precision: wrap it so that its
      compute_gradients() differentiates the loss times LOSS_SCALE and
      divides the gradients by LOSS_SCALE (adds no variables).

  Returns:
    A tf.train.Optimizer.
  """
  opt = tf.train.GradientDescentOptimizer(lr)
  if flag_or(mixed_precision, 'mixed_precision'):
    opt = tf.train.experimental.MixedPrecisionLossScaleOptimizer(
        opt, LOSS_SCALE)
  return opt


def moving_averages(global_step):
  """The moving averages of the weights, which cifar10_eval.py evaluates.

  Args:
    global_step: Integer Variable; its value after the update sets the decay
      (num_updates), as in the tutorial.

  Returns:
    tf.train.ExponentialMovingAverage with MOVING_AVERAGE_DECAY.
  """
  return tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)


def apply_gradients(opt, grads, global_step, update_averages=True):
  """Applies gradients, then updates the moving averages of the variables.

  Args:
    opt: the tf.train.Optimizer.
    grads: list of (gradient, variable) pairs.
    global_step: Integer Variable, incremented by the update.
    update_averages: False when `opt` updates the moving_averages() itself
      (a tf.train.SyncReplicasOptimizer given them as variable_averages,
      which updates them once per global step).

  Returns:
    train_op: op that runs after both the gradient step and the update of the
      moving averages (MOVING_AVERAGE_DECAY, num_updates=global_step).
  """
  apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)

  # Add histograms for trainable variables. (tf.summary.histogram would tag
  # them 'conv1/weights_1': the variable already owns the name.)
  for var in tf.trainable_variables():
    tower_histogram_summary(var.op.name, var)

  # Add histograms for gradients.
  for grad, var in grads:
    if grad is not None:
      tower_histogram_summary(var.op.name + '/gradients', grad)

  # Track the moving averages of all trainable variables. They are updated
  # after the step, so that they average the weights the step produced.
  if not update_averages:
    with tf.control_dependencies([apply_gradient_op]):
      return tf.no_op(name='train')
  variable_averages = moving_averages(global_step)
  with tf.control_dependencies([apply_gradient_op]):
    variables_averages_op = variable_averages.apply(tf.trainable_variables())

  with tf.control_dependencies([apply_gradient_op, variables_averages_op]):
    train_op = tf.no_op(name='train')
  return train_op


def train(total_loss, global_step, batch_size=None, mixed_precision=None):
  """Train CIFAR-10 model.

  Create an optimizer and apply to all trainable variables. Add moving
  average for all trainable variables.

  Args:
    total_loss: Total loss from loss().
    global_step: Integer Variable counting the number of training steps
      processed.
    batch_size: images per step, for the learning-rate schedule; default
      --batch_size.
    mixed_precision: bool, default --mixed_precision: scale the loss (see
      optimizer()).
  Returns:
    train_op: op for training.
  """
  lr = learning_rate(global_step, flag_or(batch_size, 'batch_size'))

  # Generate moving averages of all losses and associated summaries.
  loss_averages_op = _add_loss_summaries(total_loss)

  # Compute gradients.
  with tf.control_dependencies([loss_averages_op]):
    opt = optimizer(lr, mixed_precision)
    grads = opt.compute_gradients(total_loss)

  return apply_gradients(opt, grads, global_step)


def maybe_download_and_extract(data_dir=None, data_url=None):
  """Download and extract the tarball from Alex's website.

  Nothing is fetched when the extracted files are already in place. The
  archive is written under a temporary name and only kept once its size and
  (for the CIFAR-10 release) MD5 match; it is extracted only if no member
  would land outside data_dir.

  Args:
    data_dir: where to put the data; default --data_dir.
    data_url: https://, http:// or file:// URL of the archive; default
      --data_url.

  Returns:
    str, path of the extracted 'cifar-10-batches-bin' directory.

  Raises:
    cifar10_download.DownloadError: with what failed and how to put the data
      in place by hand.
  """
  return cifar10_download.download_and_extract(
      flag_or(data_dir, 'data_dir'), flag_or(data_url, 'data_url'),
      out=sys.stdout)
