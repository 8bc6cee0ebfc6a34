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

"""The precision the model computes in, and XLA.

Three flags choose how the same model runs; none of them changes a variable's
name, so checkpoints move between them (except that --use_fp16 stores the
variables in float16):

 --use_fp16          variables and compute in float16 (the original's flag);
 --mixed_precision   float32 variables, computed in float16 on GPUs (with a
                     fixed loss scale) or bfloat16 on CPUs;
 --xla               XLA auto-clustering of the session's graph.

Summary of available functions:

 # The dtype inference() computes in, or None for the variables' own.
 dtype = compute_dtype()

 # Whether bfloat16 runs at its own speed: the CPU has it, oneDNN is on.
 native_bfloat16()

 # tf.nn.conv2d, with bfloat16 numbers but float32 kernels where bfloat16
 # is not native.
 conv = conv2d(images, kernel, [1, 1, 1, 1], 'SAME')

 # tf.nn.bias_add, whose bias gradient sums bfloat16 in float32.
 pre_activation = bias_add(conv, biases)

 # A session config with XLA auto-clustering if --xla.
 config = use_xla(tf.ConfigProto())
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os

from absl import flags
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_boolean('use_fp16', False,
                            """Train the model using fp16.""")
tf.app.flags.DEFINE_boolean('mixed_precision', False,
                            """Keep the variables in float32 and compute in """
                            """float16 on GPUs (with loss scaling) or in """
                            """bfloat16 on CPUs (fastest on CPUs with """
                            """AVX512_BF16 or AMX). Variable names and """
                            """checkpoints are those of float32 training.""")
tf.app.flags.DEFINE_boolean('xla', False,
                            """Compile the graph with XLA auto-clustering. """
                            """For GPUs: variable names and checkpoints are """
                            """unchanged; on the CPU it measured slower and """
                            """needs TF_XLA_FLAGS=--tf_xla_cpu_global_jit.""")


def _one_precision(flags_dict):
  return not (flags_dict['use_fp16'] and flags_dict['mixed_precision'])


flags.register_multi_flags_validator(
    ['use_fp16', 'mixed_precision'], _one_precision,
    message='--use_fp16 (float16 variables) and --mixed_precision (float32 '
    'variables, 16-bit compute) exclude each other: pass one of them.')


# --mixed_precision in float16 multiplies the loss by this before the backward
# pass, so that small gradients do not underflow float16 (smallest normal
# 6e-5), and divides the gradients by it in float32. A fixed scale adds no
# variables to the checkpoints; 128 keeps the scaled loss (about 4.6 * 128 at
# the start) and its gradients far below float16's maximum of 65504.
LOSS_SCALE = 128.0


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
  # FLAGS[...].value: the default before the flags are parsed (notebooks).
  if FLAGS['xla'].value if xla is None else xla:
    config.graph_options.optimizer_options.global_jit_level = (
        tf.OptimizerOptions.ON_1)
  return config


def cpu_computes_bfloat16(cpuinfo='/proc/cpuinfo'):
  """True if the CPU has bfloat16 arithmetic: AVX512_BF16 or AMX.

  Read from the flags Linux lists in /proc/cpuinfo; False where there is no
  such file (other systems), so that they get the portable answer.

  Args:
    cpuinfo: path of the file listing the CPU's flags.

  Returns:
    bool.
  """
  try:
    with open(cpuinfo) as f:
      words = set(f.read().split())
  except (IOError, OSError):
    return False
  return bool(words & {'avx512_bf16', 'amx_bf16'})


def onednn_on():
  """True if TensorFlow's oneDNN kernels are on in this process.

  TF_ENABLE_ONEDNN_OPTS decides (the package sets it to 1 unless it is set;
  TensorFlow's own start-up message suggests 0 for bit-reproducible
  float32). oneDNN's are TensorFlow's only bfloat16 kernels that run at
  bfloat16's speed on a CPU.

  Returns:
    bool.
  """
  try:
    # TensorFlow's own reading of the variable, as its kernels see it.
    from tensorflow.python.util import _pywrap_util_port  # pylint: disable=g-import-not-at-top
    return bool(_pywrap_util_port.IsMklEnabled())
  except (ImportError, AttributeError):
    return os.environ.get('TF_ENABLE_ONEDNN_OPTS', '1').strip().lower() not in (
        '0', 'false')


def native_bfloat16():
  """True if TensorFlow computes bfloat16 at its own speed here: a CPU with
  AVX512_BF16 or AMX, and oneDNN on."""
  return cpu_computes_bfloat16() and onednn_on()


_warned_slow_bfloat16 = []


def compute_dtype(mixed_precision=None):
  """The dtype the layers compute in under --mixed_precision, or None.

  float16 on GPUs, whose float16 units are made for it; bfloat16 on CPUs:
  it has float32's exponent range (no loss scaling) and CPUs with
  AVX512_BF16 or AMX compute it at twice float32's rate or more. Other CPUs
  have no bfloat16 arithmetic: there it still runs (the same numbers as on
  any CPU), after one warning line that it is slower than float32. So it
  does with oneDNN off (TF_ENABLE_ONEDNN_OPTS=0), and the line says so.

  Args:
    mixed_precision: bool, default --mixed_precision; or tf.float16 or
      tf.bfloat16 to compute in that dtype on any device.

  Returns:
    tf.float16, tf.bfloat16, or None when mixed precision is off.
  """
  if mixed_precision is None:
    mixed_precision = FLAGS['mixed_precision'].value
  if isinstance(mixed_precision, tf.DType):
    return mixed_precision
  if not mixed_precision:
    return None
  if tf.config.list_physical_devices('GPU'):
    return tf.float16
  if not native_bfloat16() and not _warned_slow_bfloat16:
    _warned_slow_bfloat16.append(True)
    if cpu_computes_bfloat16():
      tf.logging.warning(
          '--mixed_precision: TF_ENABLE_ONEDNN_OPTS=%s turns off oneDNN, '
          'whose kernels are TensorFlow\'s only fast bfloat16 ones on a CPU, '
          'so bfloat16 runs slower than float32 here; unset '
          'TF_ENABLE_ONEDNN_OPTS or leave --mixed_precision off.',
          os.environ.get('TF_ENABLE_ONEDNN_OPTS', ''))
    else:
      tf.logging.warning(
          '--mixed_precision: this CPU has no bfloat16 arithmetic '
          '(AVX512_BF16 or AMX), so bfloat16 runs slower than float32 here; '
          'leave --mixed_precision off on this machine.')
  return tf.bfloat16


def conv2d(inputs, filters, strides, padding):
  """tf.nn.conv2d, with bfloat16 convolutions in float32 kernels on CPUs
  that have no bfloat16 arithmetic, or with oneDNN off.

  There TensorFlow has no oneDNN kernels for bfloat16 and its portable
  gradient kernels take about 20 times float32's time (11 times for the
  whole step, with oneDNN off on a CPU that has AVX512_BF16). A product of two
  bfloat16 numbers (8 significant bits each) is exact in float32, so a
  float32 convolution of bfloat16 values, rounded back to bfloat16, computes
  what a bfloat16 kernel with float32 sums computes (oneDNN's, on CPUs that
  have them), up to the order of the sums. Its gradients go the same way:
  the incoming gradient is bfloat16, the convolutions' gradients are float32
  sums, and the gradients they pass on are rounded to bfloat16.

  Args:
    inputs: [batch, height, width, in_channels] Tensor.
    filters: [height, width, in_channels, out_channels] Tensor of inputs'
      dtype.
    strides: list of 4 ints, as tf.nn.conv2d's.
    padding: 'SAME' or 'VALID'.

  Returns:
    [batch, out_height, out_width, out_channels] Tensor of inputs' dtype.
  """
  if (inputs.dtype.base_dtype != tf.bfloat16 or native_bfloat16() or
      tf.config.list_physical_devices('GPU')):
    return tf.nn.conv2d(inputs, filters, strides, padding=padding)
  with tf.name_scope('float32'):
    conv = tf.nn.conv2d(tf.cast(inputs, tf.float32),
                        tf.cast(filters, tf.float32), strides,
                        padding=padding)
    return tf.cast(conv, tf.bfloat16)


def bias_add(value, bias):
  """tf.nn.bias_add; in bfloat16, its bias gradient sums in float32.

  TensorFlow's CPU kernel for the gradient of bias_add (BiasAddGrad) keeps
  its running sums in bfloat16, which holds 8 significant bits: once a sum
  reaches 256 times a term, adding the term changes nothing. conv1's bias
  gradient sums 128 * 24 * 24 = 73,728 terms per channel; on gradients of
  one sign it came out 70-90 % too small. tf.reduce_sum sums bfloat16 in
  float32 and rounds once (and took less than half the time), so in
  bfloat16 the bias gradient is computed with it. Other dtypes keep
  tf.nn.bias_add's own gradient (float16's sums in float32 already).

  Args:
    value: [..., channels] Tensor.
    bias: [channels] Tensor of value's dtype.

  Returns:
    Tensor of value's shape and dtype.
  """
  if value.dtype.base_dtype != tf.bfloat16:
    return tf.nn.bias_add(value, bias)

  @tf.custom_gradient
  def _bias_add(value, bias):
    def grad(dy):
      # Every axis but the last (channels), whatever the rank.
      return dy, tf.reduce_sum(dy, axis=tf.range(tf.rank(dy) - 1))
    return tf.nn.bias_add(value, bias), grad

  return _bias_add(value, bias)
