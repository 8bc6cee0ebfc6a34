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

import os
import sys

# The package (`from cifar10 import cifar10`) or the tutorial's flat layout
# (`import cifar10` from this directory, as the original's scripts do).
if __package__:
  from cifar10 import cifar10_download
  from cifar10 import cifar10_input
  from cifar10 import cifar10_lrn
  from cifar10 import cifar10_precision
  from cifar10 import cifar10_summary
  from cifar10 import cifar10_svhn
  from cifar10 import cifar10_top_layers
else:
  import cifar10_download
  import cifar10_input
  import cifar10_lrn
  import cifar10_precision
  import cifar10_summary
  import cifar10_svhn
  import cifar10_top_layers
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

# Basic model parameters.
tf.app.flags.DEFINE_integer('batch_size', 128,
                            """Number of images to process in a batch.""",
                            lower_bound=1)
tf.app.flags.DEFINE_string('data_dir', '/tmp/cifar10_data',
                           """Path to the CIFAR-10 data directory.""")
tf.app.flags.DEFINE_string('data_url', cifar10_download.DATA_URL,
                           """Where to download the CIFAR-10 binary archive """
                           """from: https://, http:// or file:// (a mirror """
                           """or a local copy).""")
tf.app.flags.DEFINE_integer('download_timeout_secs',
                            cifar10_download.DEFAULT_DEADLINE_SECS,
                            """Seconds each attempt to download the archive """
                            """may take in all before it is abandoned and """
                            """retried.""", lower_bound=1)
tf.app.flags.DEFINE_enum('dataset', 'cifar10', ['cifar10', 'svhn'],
                         """The data set: 'cifar10', or 'svhn' (Street View """
                         """House Numbers, converted once to the CIFAR-10 """
                         """format in --data_dir/svhn-batches-bin).""")
tf.app.flags.DEFINE_string('svhn_url', cifar10_svhn.SVHN_URL,
                           """Where to download train_32x32.mat and """
                           """test_32x32.mat from with --dataset=svhn.""")


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
# The locally connected top (cuda-convnet's layers-conv-local-11pct): two
# layers of LOCAL_FILTERS filters of LOCAL_KERNEL x LOCAL_KERNEL, padding 1,
# stride 1, weights unshared between the 6 x 6 positions of pool2's output.
LOCAL_FILTERS = 32
LOCAL_KERNEL = 3

# If a model is trained with multiple GPUs, prefix all Op names with tower_name
# to differentiate the operations. Note that this prefix is removed from the
# names of the summaries when visualizing a model (cifar10_summary).
TOWER_NAME = cifar10_summary.TOWER_NAME

DATA_URL = cifar10_download.DATA_URL

# The line both trainers print every --log_frequency steps.
LOG_FORMAT = ('%s: step %d, loss = %.2f (%.1f examples/sec; %.3f '
              'sec/batch)')
# Those lines read back (cifar10_benchmark): group 1 is the step, group 2
# the examples/sec.
LOG_RATE = (r'^\S+ \S+: step (\d+), loss = [-+.\w]+ \(([\d.]+) '
            r'examples/sec; [\d.]+ sec/batch\)$')


def flag_or(value, name):
  """Returns `value`, or else the flag's value (its default before parsing)."""
  return FLAGS[name].value if value is None else value


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
  # session. This helps the clarity of presentation on tensorboard. The
  # sparsity, tf.nn.zero_fraction(x), is counted by the histogram's pass.
  cifar10_summary.tower_activation_summary(x.op.name, x)


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


def data_set(dataset=None):
  """The cifar10_input.DataSet of `dataset` (default --dataset)."""
  return cifar10_input.DATA_SETS[flag_or(dataset, 'dataset')]


def data_batches_dir(data_dir=None, dataset=None):
  """The directory of the data set's records under data_dir.

  Args:
    data_dir: default --data_dir.
    dataset: 'cifar10' or 'svhn'; default --dataset.

  Returns:
    str: data_dir/cifar-10-batches-bin or data_dir/svhn-batches-bin.
  """
  return os.path.join(flag_or(data_dir, 'data_dir'),
                      data_set(dataset).batches_dir)


def distorted_inputs(data_dir=None, batch_size=None, use_fp16=None,
                     min_fraction_of_examples_in_queue=(
                         cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE),
                     dataset=None):
  """Construct distorted input for CIFAR training using the Reader ops.

  Args:
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per batch; default --batch_size.
    use_fp16: cast the images to float16; default --use_fp16.
    min_fraction_of_examples_in_queue: fraction of an epoch in the shuffle
      queue before the first batch (see cifar10_input.distorted_inputs).
    dataset: 'cifar10' or 'svhn'; default --dataset.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32 (float16 with use_fp16).
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
  """
  images, labels = cifar10_input.distorted_inputs(
      data_dir=data_batches_dir(data_dir, dataset),
      batch_size=flag_or(batch_size, 'batch_size'),
      min_fraction_of_examples_in_queue=min_fraction_of_examples_in_queue,
      data_set=flag_or(dataset, 'dataset'))
  if flag_or(use_fp16, 'use_fp16'):
    images = tf.cast(images, tf.float16)
  return images, labels


def inputs(eval_data, data_dir=None, batch_size=None, use_fp16=None,
           num_epochs=None, dataset=None):
  """Construct input for CIFAR evaluation using the Reader ops.

  Args:
    eval_data: bool, indicating if one should use the train or eval data set.
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    batch_size: images per batch; default --batch_size.
    use_fp16: cast the images to float16; default --use_fp16.
    num_epochs: None to cycle forever; an int to read each record that many
      times and then stop (see cifar10_input.inputs).
    dataset: 'cifar10' or 'svhn'; default --dataset.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size,
      float32 (float16 with use_fp16).
    labels: Labels. 1D tensor of [batch_size] size, int32.

  Raises:
    cifar10_input.DataError: if a data file is missing or malformed.
  """
  images, labels = cifar10_input.inputs(
      eval_data=eval_data,
      data_dir=data_batches_dir(data_dir, dataset),
      batch_size=flag_or(batch_size, 'batch_size'),
      num_epochs=num_epochs, data_set=flag_or(dataset, 'dataset'))
  if flag_or(use_fp16, 'use_fp16'):
    images = tf.cast(images, tf.float16)
  return images, labels


def inference(images, mixed_precision=None, top_layers=None):
  """Build the CIFAR-10 model.

  Args:
    images: Images returned from distorted_inputs() or inputs(): a
      [batch, 24, 24, 3] float32 or float16 Tensor. The variables are created
      in the same dtype.
    mixed_precision: bool, default --mixed_precision: compute in float16
      (GPUs) or bfloat16 (CPUs), see cifar10_precision.compute_dtype(), but
      create the variables in float32 (the names and checkpoints of float32
      training), each layer reading them through a cast; or the dtype to
      compute in.
    top_layers: 'full' (the tutorial's local3, local4, softmax_linear) or
      'local' (locally_connected_top()); default --top_layers.

  Returns:
    Logits: [batch, NUM_CLASSES] Tensor of the images' dtype; float32 with
    mixed_precision (so the softmax and loss are computed in float32).

  Raises:
    ValueError: if top_layers is not one of cifar10_top_layers.TOP_LAYERS.
  """
  # We instantiate all variables using tf.get_variable() instead of
  # tf.Variable() in order to share variables across multiple GPU training
  # runs. If we only ran this model on a single GPU, we could simplify this
  # function by replacing all instances of tf.get_variable() with
  # tf.Variable().
  top_layers = flag_or(top_layers, 'top_layers')
  if top_layers not in cifar10_top_layers.TOP_LAYERS:
    raise ValueError('top_layers must be one of %s, got %r.' % (
        ', '.join(cifar10_top_layers.TOP_LAYERS), top_layers))
  # var_dtype: what the variables are stored (and checkpointed) in; dtype:
  # what the layers compute in. The casts below are no-ops unless they differ.
  dtype = cifar10_precision.compute_dtype(mixed_precision)
  var_dtype = tf.float32 if dtype else images.dtype.base_dtype
  dtype = dtype or var_dtype
  images = tf.cast(images, dtype)

  # conv1
  with tf.variable_scope('conv1') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 3, 64],
                                         stddev=5e-2,
                                         wd=0.0,
                                         dtype=var_dtype)
    conv = cifar10_precision.conv2d(images, tf.cast(kernel, dtype),
                                    [1, 1, 1, 1], padding='SAME')
    biases = _variable_on_cpu('biases', [64], tf.constant_initializer(0.0),
                              var_dtype)
    pre_activation = cifar10_precision.bias_add(conv, tf.cast(biases, dtype))
    conv1 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv1)

  # pool1
  pool1 = tf.nn.max_pool(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                         padding='SAME', name='pool1')
  # norm1
  norm1 = cifar10_lrn.lrn(pool1, name='norm1')

  # conv2
  with tf.variable_scope('conv2') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 64, 64],
                                         stddev=5e-2,
                                         wd=0.0,
                                         dtype=var_dtype)
    conv = cifar10_precision.conv2d(norm1, tf.cast(kernel, dtype),
                                    [1, 1, 1, 1], padding='SAME')
    biases = _variable_on_cpu('biases', [64], tf.constant_initializer(0.1),
                              var_dtype)
    pre_activation = cifar10_precision.bias_add(conv, tf.cast(biases, dtype))
    conv2 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv2)

  # norm2
  norm2 = cifar10_lrn.lrn(conv2, name='norm2')
  # pool2
  pool2 = tf.nn.max_pool(norm2, ksize=[1, 3, 3, 1],
                         strides=[1, 2, 2, 1], padding='SAME', name='pool2')
  if top_layers == 'local':
    return locally_connected_top(pool2, var_dtype)

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

  if dtype != var_dtype:
    return tf.cast(softmax_linear, tf.float32, name='softmax_linear/float32')
  return softmax_linear


def _locally_connected(x, filters, stddev, wd, var_dtype):
  """A locally connected layer: a 3x3 convolution with unshared weights.

  Each output position has its own LOCAL_KERNEL x LOCAL_KERNEL x depth x
  filters weights (cuda-convnet's 'local' layer: padding 1, stride 1); the
  biases are per filter, shared by the positions, as cuda-convnet's default.

  Args:
    x: [batch, height, width, depth] Tensor.
    filters: int, output channels.
    stddev: standard deviation of the weights' truncated normal initializer.
    wd: L2 weight decay of the weights.
    var_dtype: dtype of the variables (x's dtype, or float32 under mixed
      precision).

  Returns:
    [batch, height, width, filters] Tensor of x's dtype, before the ReLU.
  """
  height, width, depth = x.shape.as_list()[1:]
  patch = LOCAL_KERNEL * LOCAL_KERNEL * depth
  weights = _variable_with_weight_decay(
      'weights', [height, width, patch, filters], stddev=stddev, wd=wd,
      dtype=var_dtype)
  biases = _variable_on_cpu('biases', [filters], tf.constant_initializer(0.0),
                            var_dtype)
  # [batch, height, width, patch]: each position's 3x3 neighbourhood, zero
  # padded by 1 at the borders (SAME at stride 1), ordered (row, column,
  # channel) as the weights' third axis.
  patches = tf.image.extract_patches(
      x, sizes=[1, LOCAL_KERNEL, LOCAL_KERNEL, 1], strides=[1, 1, 1, 1],
      rates=[1, 1, 1, 1], padding='SAME')
  # One matrix product per position: out[b,i,j,o] = sum_k p[b,i,j,k] W[i,j,k,o].
  local = tf.einsum('bijk,ijko->bijo', patches,
                    tf.cast(weights, x.dtype.base_dtype))
  return cifar10_precision.bias_add(local, tf.cast(biases, x.dtype.base_dtype))


def locally_connected_top(pool2, var_dtype=None):
  """The top of cuda-convnet's layers-conv-local-11pct, after pool2.

  local3_lc: locally connected, 32 filters 3x3, padding 1, stride 1, ReLU,
  weights 6*6*(3*3*64)*32 = 663,552; local4_lc: the same on local3_lc's 32
  channels, 6*6*(3*3*32)*32 = 331,776; fc10: fully connected 6*6*32 = 1,152
  -> 10 logits, 11,520. Weight decay 0.004 on all three, init scale 0.04,
  0.04 and 0.01, biases 0 (cuda-convnet's). With conv1 and conv2 the model
  has 1,114,250 parameters (the default top: 1,068,298).

  The scopes are not the default top's local3/local4/softmax_linear, so the
  two models' checkpoints cannot be mixed up
  (cifar10_top_layers.checkpoint_top_layers() tells them apart).

  Args:
    pool2: [batch, 6, 6, 64] Tensor, the output of inference()'s pool2, in
      the dtype the layers compute in.
    var_dtype: the dtype of the variables (float32 under mixed precision);
      default pool2's.

  Returns:
    Logits: [batch, NUM_CLASSES] Tensor of pool2's dtype; float32 when that
    differs from var_dtype (mixed precision).
  """
  dtype = pool2.dtype.base_dtype
  var_dtype = var_dtype or dtype

  with tf.variable_scope('local3_lc') as scope:
    local3 = tf.nn.relu(_locally_connected(pool2, LOCAL_FILTERS, 0.04, 0.004,
                                           var_dtype), name=scope.name)
    _activation_summary(local3)

  with tf.variable_scope('local4_lc') as scope:
    local4 = tf.nn.relu(_locally_connected(local3, LOCAL_FILTERS, 0.04, 0.004,
                                           var_dtype), name=scope.name)
    _activation_summary(local4)

  with tf.variable_scope('fc10') as scope:
    dim = local4.get_shape()[1:].num_elements()
    reshape = tf.reshape(local4, [-1, dim])
    weights = _variable_with_weight_decay('weights', [dim, NUM_CLASSES],
                                          stddev=0.01, wd=0.004,
                                          dtype=var_dtype)
    biases = _variable_on_cpu('biases', [NUM_CLASSES],
                              tf.constant_initializer(0.0), var_dtype)
    fc10 = tf.add(tf.matmul(reshape, tf.cast(weights, dtype)),
                  tf.cast(biases, dtype), name=scope.name)
    _activation_summary(fc10)

  if dtype != var_dtype:
    return tf.cast(fc10, tf.float32, name='fc10/float32')
  return fc10


def predictions(logits):
  """The normalized predictions: the softmax of inference()'s logits.

  inference() returns unnormalized logits because loss() applies the softmax
  inside the cross entropy; this is the tutorial's first exercise.

  Args:
    logits: [batch, NUM_CLASSES] Tensor from inference(), any float dtype.

  Returns:
    [batch, NUM_CLASSES] float32 Tensor, each row non-negative and summing
    to 1, ordered as the logits.
  """
  return tf.nn.softmax(tf.cast(logits, tf.float32), name='predictions')


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
    cifar10_summary.tower_scalar_summary(l.op.name + '_raw', l)
    with tf.control_dependencies([loss_averages_op]):
      cifar10_summary.tower_scalar_summary(l.op.name, tf.identity(loss_averages.average(l)))

  return loss_averages_op


def learning_rate(global_step, examples_per_step, dataset=None):
  """The tutorial's learning-rate schedule, with its summary.

  Args:
    global_step: Integer Variable counting the number of training steps
      processed.
    examples_per_step: images consumed by one step (the batch size, times the
      number of towers in the multi-GPU trainer).
    dataset: whose epoch the schedule counts in; default --dataset.

  Returns:
    float32 scalar Tensor: 0.1, multiplied by 0.1 every 350 epochs.
  """
  num_batches_per_epoch = data_set(dataset).num_train / examples_per_step
  decay_steps = int(num_batches_per_epoch * NUM_EPOCHS_PER_DECAY)

  # Decay the learning rate exponentially based on the number of steps.
  lr = tf.train.exponential_decay(INITIAL_LEARNING_RATE,
                                  global_step,
                                  decay_steps,
                                  LEARNING_RATE_DECAY_FACTOR,
                                  staircase=True)
  cifar10_summary.tower_scalar_summary('learning_rate', lr)
  return lr


def optimizer(lr, mixed_precision=None):
  """The tutorial's optimizer: plain gradient descent.

  Args:
    lr: float32 scalar Tensor, the learning rate.
    mixed_precision: bool or dtype, default --mixed_precision: if it
      computes in float16 (see cifar10_precision.compute_dtype()), wrap
      the optimizer so that its compute_gradients() differentiates the loss
      times cifar10_precision.LOSS_SCALE and divides the gradients by it
      (adds no variables). bfloat16 has float32's range and needs no
      scaling.

  Returns:
    A tf.train.Optimizer.
  """
  opt = tf.train.GradientDescentOptimizer(lr)
  if cifar10_precision.compute_dtype(mixed_precision) == tf.float16:
    opt = tf.train.experimental.MixedPrecisionLossScaleOptimizer(
        opt, cifar10_precision.LOSS_SCALE)
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
    cifar10_summary.tower_histogram_summary(var.op.name, var)

  # Add histograms for gradients.
  for grad, var in grads:
    if grad is not None:
      cifar10_summary.tower_histogram_summary(var.op.name + '/gradients',
                                              grad)

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
    mixed_precision: bool or dtype, default --mixed_precision (see
      inference() and optimizer()).
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


def maybe_download_and_extract(data_dir=None, data_url=None,
                               download_timeout_secs=None, dataset=None):
  """Download and extract the tarball from Alex's website.

  Nothing is fetched when the extracted files are already in place. The
  archive is written under a temporary name and only kept once its size and
  (for the CIFAR-10 release) MD5 match; it is extracted only if no member
  would land outside data_dir.

  Args:
    data_dir: where to put the data; default --data_dir.
    data_url: https://, http:// or file:// URL of the archive; default
      --data_url.
    download_timeout_secs: seconds each download attempt may take; default
      --download_timeout_secs.
    dataset: default --dataset; 'svhn' fetches and converts SVHN instead
      (cifar10_svhn.maybe_download_and_convert, from --svhn_url).

  Returns:
    str, path of the extracted 'cifar-10-batches-bin' directory (or of
    'svhn-batches-bin').

  Raises:
    cifar10_download.DownloadError: with what failed and how to put the data
      in place by hand.
    cifar10_svhn.SVHNError: if an SVHN .mat file is not SVHN data.
  """
  if flag_or(dataset, 'dataset') == 'svhn':
    return cifar10_svhn.maybe_download_and_convert(
        flag_or(data_dir, 'data_dir'), flag_or(None, 'svhn_url'),
        out=sys.stdout, deadline_secs=flag_or(download_timeout_secs,
                                              'download_timeout_secs'))
  return cifar10_download.download_and_extract(
      flag_or(data_dir, 'data_dir'), flag_or(data_url, 'data_url'),
      out=sys.stdout,
      deadline_secs=flag_or(download_timeout_secs, 'download_timeout_secs'))
