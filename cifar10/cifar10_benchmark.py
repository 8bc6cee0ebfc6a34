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

"""Measures the tutorial's speed on this machine, side by side, in one run.

In one process (plus child processes where TensorFlow must be set up
differently, which it says), one after the other:

  matmul        the machine's dense float32 matmul rate through TensorFlow
                (GFLOP/s): the compute limit the training rate is held to.
  compute       a training step (cifar10.train's op: loss averages, gradient
                step, moving averages) fed from a batch held in memory.
  pipeline      distorted_inputs alone (its real queues and threads), then
                the same training step fed by it, in the same session.
  eval          inputs + inference + in_top_k.
  batch_sizes   the compute-only step at batch 64, 128, 256, 512.
  towers        cifar10_multi_gpu_train's step with --num_gpus 1 and 2 on the
                CPU (allow_soft_placement), fed by its prefetch queue.
  keras         the same network written as a user would today: a tf.keras
                model trained by model.fit on a tf.data pipeline with the
                same distortions, threads, batch size and files (a child
                process: Keras 3 needs TF2 behaviour, which this process has
                turned off).
and, on request (--phases=...,onednn or --phases=all):
  trainer       cifar10_train as shipped, in a child process: the median of
                its own examples/sec lines.
  lrn           the compute-only step with this package's LRN (cifar10._lrn)
                and with the original's tf.nn.lrn, in alternating windows.
  onednn        compute, pipeline and matmul again in child processes with
                TF_ENABLE_ONEDNN_OPTS=0 and =1.
  xla           the same in a child process with XLA auto-clustering.
  fp16          the same in child processes with --use_fp16 and with
                --mixed_precision.
  threads       the queue-fed step with other numbers of preprocessing
                threads (--thread_sweep).
  session       compute and queue-fed steps under other intra/inter-op
                thread pools (--session_threads).
  profile       per-op-type times of the compute-only and queue-fed steps
                from RunMetadata step_stats.

It prints a table and writes the same figures as JSON (--output_json),
including the fraction of the matmul rate the compute-only step reaches:
training FLOPs per image (model_flops(), from the layer shapes) times
images/s, divided by the matmul rate.

Timings on a shared machine are noisy. Every timed window also records how
much CPU other processes took meanwhile ('other_cores', from /proc/stat); the
table flags windows where they took more than a tenth of a core. --repeats
times each window several times and reports the median.

Usage:
  python -m cifar10.cifar10_benchmark
  python -m cifar10.cifar10_benchmark --data_dir=/tmp/cifar10_data \
      --steps=100 --repeats=3 --phases=all --output_json=/tmp/bench.json

With no CIFAR-10 files in --data_dir, a synthetic set is generated in a
temporary directory, and the output says so loudly: speed does not depend on
the pixels, but nothing else measured on it means anything.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import importlib
import os
import sys

if __package__ in (None, ''):
  # Run as `cd cifar10 && python cifar10_benchmark.py`: import this directory
  # as the `cifar10` package, like `python -m cifar10.cifar10_benchmark` does.
  sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  # The package sets TensorFlow's environment defaults (oneDNN on, C++ log
  # level); they only count if it is imported before TensorFlow loads.
  importlib.import_module('cifar10')

import collections  # pylint: disable=g-import-not-at-top
import contextlib
import functools
import json
import math
import platform
import re
import resource
import shutil
import subprocess
import tempfile
import time
from unittest import mock

import numpy as np
import tensorflow.compat.v1 as tf

# Owns --batch_size, --data_dir, --use_fp16, --mixed_precision, --xla.
from cifar10 import cifar10
from cifar10 import cifar10_download
from cifar10 import cifar10_input
from cifar10 import cifar10_multi_gpu_train
from cifar10 import cifar10_synthetic  # Owns --records_per_file.
from cifar10 import cifar10_train  # session_config().

FLAGS = tf.app.flags.FLAGS

DEFAULT_PHASES = ('matmul', 'compute', 'pipeline', 'eval', 'batch_sizes',
                  'towers', 'keras')
OPTIONAL_PHASES = ('trainer', 'lrn', 'onednn', 'xla', 'fp16', 'threads',
                   'session', 'profile')
ALL_PHASES = DEFAULT_PHASES + OPTIONAL_PHASES

tf.app.flags.DEFINE_integer('steps', 20,
                            """Timed steps in each measurement window.""",
                            lower_bound=1)
tf.app.flags.DEFINE_integer('warmup_steps', 3,
                            """Untimed steps before each window (the first """
                            """also waits for the shuffle queue to fill).""",
                            lower_bound=1)
tf.app.flags.DEFINE_integer('num_threads',
                            cifar10_input.NUM_PREPROCESS_THREADS,
                            """Preprocessing threads of the input pipelines """
                            """(the queue runners, and tf.data's map for """
                            """the Keras model).""", lower_bound=1)
tf.app.flags.DEFINE_string('output_json', '',
                           """If set, write the figures to this JSON file.""")
tf.app.flags.DEFINE_list('phases', ','.join(DEFAULT_PHASES),
                         """What to measure, from: %s; 'all' for every one."""
                         % ', '.join(ALL_PHASES))
tf.app.flags.DEFINE_integer('repeats', 1,
                            """Time each window this many times and report """
                            """the median.""", lower_bound=1)
tf.app.flags.DEFINE_integer('intra_op_threads', 0,
                            """intra_op_parallelism_threads of the sessions """
                            """(0: TensorFlow's choice, one per core).""",
                            lower_bound=0)
tf.app.flags.DEFINE_integer('inter_op_threads', 0,
                            """inter_op_parallelism_threads of the sessions """
                            """(0: TensorFlow's choice, one per core).""",
                            lower_bound=0)
tf.app.flags.DEFINE_list('batch_sizes', '64,128,256,512',
                         """Batch sizes of the compute-only sweep.""")
tf.app.flags.DEFINE_list('tower_counts', '1,2',
                         """--num_gpus values of the multi-GPU trainer's """
                         """step on this machine.""")
tf.app.flags.DEFINE_list('thread_sweep', '1,2,4,8,16',
                         """Preprocessing thread counts of the 'threads' """
                         """phase.""")
tf.app.flags.DEFINE_list('session_threads', '1:1,2:1,1:2,2:2,2:16',
                         """intra:inter pool sizes of the 'session' phase.""")
tf.app.flags.DEFINE_float('min_fraction_in_queue',
                          cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE,
                          """Fraction of an epoch the shuffle queue holds """
                          """(the tutorial's 0.4, a 20,000-image fill). """
                          """Smaller only starts faster (tests); the """
                          """output says when it is not the tutorial's.""",
                          lower_bound=0.0, upper_bound=1.0)
tf.app.flags.DEFINE_integer('profile_steps', 3,
                            """Traced steps of the 'profile' phase.""",
                            lower_bound=1)
tf.app.flags.DEFINE_float('wait_quiet_secs', 0.0,
                          """Before each timed window, wait up to this long """
                          """for other processes to leave the cores, and """
                          """time windows they disturbed again (at most """
                          """3x --repeats). 0: time at once.""",
                          lower_bound=0.0)
tf.app.flags.DEFINE_integer('keras_timeout', 600,
                            """Seconds the Keras child process may take.""",
                            lower_bound=1)

# Child processes measuring matmul, compute and pipeline in another set-up:
# (phase, label, environment, extra flags).
VARIANTS = (
    ('onednn', 'TF_ENABLE_ONEDNN_OPTS=0', {'TF_ENABLE_ONEDNN_OPTS': '0'}, ()),
    ('onednn', 'TF_ENABLE_ONEDNN_OPTS=1', {'TF_ENABLE_ONEDNN_OPTS': '1'}, ()),
    ('xla', 'XLA auto-clustering (--xla)',
     {'TF_XLA_FLAGS': (os.environ.get('TF_XLA_FLAGS', '') +
                       ' --tf_xla_cpu_global_jit').strip()},
     ('--xla',)),
    ('fp16', 'float16 model (--use_fp16)', {},
     ('--use_fp16', '--nomixed_precision')),
    ('fp16', 'mixed precision (--mixed_precision)', {},
     ('--nouse_fp16', '--mixed_precision')),
)

# Records per file of the generated set when --data_dir has no data (fewer
# than the real 10,000 to generate quickly; the readers cycle through them).
SYNTHETIC_RECORDS_PER_FILE = 2000

# The matmul that measures the machine: N x N float32, chained.
MATMUL_SIZE = 1024
MATMUL_CHAIN = 8
MATMUL_TRIALS = 7

# Windows during which other processes used more than this many cores are
# flagged as disturbed.
DISTURBED_CORES = 0.1

# The targets the issue sets.
TARGET_QUEUE_FRACTION = 0.90   # queue-fed / compute-only step rate
TARGET_FLOP_FRACTION = 0.85    # compute-only FLOP rate / matmul rate
TARGET_KERAS_RATIO = 1.0       # faithful trainer / tf.keras model.fit

SYNTHETIC_BANNER = (
    '!' * 78 + '\n'
    '!!! SYNTHETIC DATA: no CIFAR-10 files in --data_dir, so this run reads a\n'
    '!!! generated set in the CIFAR-10 format (%s).\n'
    '!!! Speeds do not depend on the pixels; nothing else measured here does\n'
    '!!! mean anything about CIFAR-10.\n' + '!' * 78)


# ----------------------------------------------------------------------------
# FLOPs from the layer shapes.

Layer = collections.namedtuple('Layer', ['name', 'kind', 'macs', 'input_macs'])


def _same_size(size, stride):
  """Spatial output size of a SAME-padded conv or pool."""
  return int(math.ceil(size / float(stride)))


def model_layers(image_size=cifar10_input.IMAGE_SIZE, depth=3, conv_depth=64,
                 kernel=5, local3=384, local4=192,
                 num_classes=cifar10_input.NUM_CLASSES):
  """The multiply-adds of the network's conv and fully connected layers.

  Walks the shapes of cifar10.inference(): conv1 5x5 stride 1 SAME, pool1
  3x3 stride 2 SAME, conv2 5x5 SAME, pool2 3x3 stride 2 SAME, then local3,
  local4 and softmax_linear. Pooling, LRN, bias and ReLU are not counted:
  they are not multiply-adds and take a few percent of the FLOPs.

  Args:
    image_size: height and width of the input images (24).
    depth: input channels (3).
    conv_depth: output channels of conv1 and conv2 (64).
    kernel: conv kernel height and width (5).
    local3: units of local3 (384).
    local4: units of local4 (192).
    num_classes: units of softmax_linear (10).

  Returns:
    list of Layer(name, kind, macs, input_macs) for one image: `macs` are the
    forward multiply-adds; `input_macs` those of the gradient with respect to
    the layer's input (as many as forward for conv and matmul layers), which
    the first layer does not need since images need no gradient.
  """
  layers = []
  size, channels = image_size, depth
  for name in ('conv1', 'conv2'):
    # SAME, stride 1: one output per input position, kernel*kernel*channels
    # multiply-adds for each of conv_depth outputs.
    macs = size * size * conv_depth * kernel * kernel * channels
    layers.append(Layer(name, 'conv', macs, macs))
    channels = conv_depth
    size = _same_size(size, 2)  # pool1 after conv1, pool2 after conv2.
  dim = size * size * channels  # The reshape in local3.
  for name, units in (('local3', local3), ('local4', local4),
                      ('softmax_linear', num_classes)):
    layers.append(Layer(name, 'matmul', dim * units, dim * units))
    dim = units
  first = layers[0]
  layers[0] = first._replace(input_macs=0)
  return layers


def model_flops(**kwargs):
  """FLOPs of one image through the network, from the layer shapes.

  A multiply-add is 2 FLOPs. Forward: the layers' multiply-adds. Backward:
  for each layer the gradient with respect to its weights (as many
  multiply-adds as forward) and with respect to its input (as many again),
  except the input gradient of conv1: images need no gradient.

  Args:
    **kwargs: passed to model_layers().

  Returns:
    dict of ints: 'forward_macs', 'forward' (FLOPs), 'backward' (FLOPs),
    'train' (forward + backward FLOPs) and 'layers' {name: forward macs}.
  """
  layers = model_layers(**kwargs)
  forward_macs = sum(l.macs for l in layers)
  backward_macs = sum(l.macs + l.input_macs for l in layers)
  return {
      'forward_macs': forward_macs,
      'forward': 2 * forward_macs,
      'backward': 2 * backward_macs,
      'train': 2 * (forward_macs + backward_macs),
      'layers': collections.OrderedDict((l.name, l.macs) for l in layers),
  }


# ----------------------------------------------------------------------------
# CPU accounting: how much of the machine this run had.


def _own_cpu_seconds():
  """CPU seconds of this process and of its finished children."""
  total = 0.0
  for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
    usage = resource.getrusage(who)
    total += usage.ru_utime + usage.ru_stime
  return total


def _machine_busy_seconds():
  """CPU seconds all processes have used (/proc/stat), or None."""
  try:
    with open('/proc/stat') as f:
      fields = f.readline().split()
  except (IOError, OSError):
    return None
  if not fields or fields[0] != 'cpu':
    return None
  # user nice system idle iowait irq softirq steal ...
  values = [int(v) for v in fields[1:9]]
  busy = values[0] + values[1] + values[2] + values[5] + values[6] + values[7]
  return busy / float(os.sysconf('SC_CLK_TCK'))


class CpuMeter(object):
  """Wall time, this run's CPU time and other processes' CPU time."""

  def __init__(self):
    self._wall = time.perf_counter()
    self._own = _own_cpu_seconds()
    self._busy = _machine_busy_seconds()

  def read(self):
    """Returns dict: wall_s, own_cores, other_cores (None if unknown)."""
    wall = max(time.perf_counter() - self._wall, 1e-9)
    own = _own_cpu_seconds() - self._own
    busy = _machine_busy_seconds()
    other = None
    if busy is not None and self._busy is not None:
      # /proc/stat counts in clock ticks: clip the rounding below zero.
      other = max(0.0, (busy - self._busy - own) / wall)
    return {'wall_s': wall, 'own_cores': own / wall, 'other_cores': other}


def other_load_now(seconds=0.5):
  """Cores other processes use now, sampled over `seconds` (None if unknown)."""
  meter = CpuMeter()
  time.sleep(seconds)
  return meter.read()['other_cores']


def peak_rss_mib():
  """Peak resident memory of this process so far, MiB."""
  peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
  # Linux reports KiB, macOS bytes.
  return peak / (1024.0 * 1024.0) if sys.platform == 'darwin' else peak / 1024.0


# ----------------------------------------------------------------------------
# Timing.


def _median(values):
  return float(np.median(values)) if values else None


def wait_for_quiet(max_secs):
  """Waits until other processes use less than DISTURBED_CORES.

  Args:
    max_secs: longest wait; 0 does not wait.

  Returns:
    Seconds waited.
  """
  start = time.perf_counter()
  while max_secs > 0 and time.perf_counter() - start < max_secs:
    load = other_load_now(1.0)
    if load is None or load < DISTURBED_CORES:
      break
  return time.perf_counter() - start


# Untimed steps after a wait for quiet: the queues refill meanwhile, and
# their slack would otherwise make the next window look fast.
RESETTLE_STEPS = 3
# With --wait_quiet_secs, a disturbed window is timed again, up to this many
# times the windows asked for.
MAX_ATTEMPTS_FACTOR = 3


class Windows(object):
  """Timed windows of `steps` steps, and what else ran meanwhile."""

  def __init__(self, images_per_step, steps, repeats, wait_quiet_secs):
    self.images_per_step = images_per_step
    self.steps = steps
    self.repeats = repeats
    self.wait_quiet_secs = wait_quiet_secs
    self.windows = []  # (images/s, own cores, other cores, step times)
    self.waited = 0.0
    self._meter = None

  def _clean(self):
    return [w for w in self.windows
            if w[2] is None or w[2] <= DISTURBED_CORES]

  def done(self):
    if not self.wait_quiet_secs:
      return len(self.windows) >= self.repeats
    return (len(self._clean()) >= self.repeats or
            len(self.windows) >= self.repeats * MAX_ATTEMPTS_FACTOR)

  def prepare(self):
    """Before a window: waits for quiet; returns untimed steps to run."""
    if not self.wait_quiet_secs:
      return 0
    self.waited += wait_for_quiet(self.wait_quiet_secs)
    return RESETTLE_STEPS

  def start(self):
    self._meter = CpuMeter()

  def finish(self, step_times):
    load = self._meter.read()
    self.windows.append((self.images_per_step * len(step_times) /
                         load['wall_s'], load['own_cores'],
                         load['other_cores'], list(step_times)))

  def result(self, first_step_s):
    """dict: images_per_sec (median of the undisturbed windows if any, else
    of all), windows (images/s of each), step_ms_p10/p50/p90, first_step_s,
    own_cores, other_cores (medians over the windows used), disturbed (a
    window used had other processes on more than DISTURBED_CORES), and
    discarded (disturbed windows timed again)."""
    used = self._clean() if self.wait_quiet_secs else []
    used = used or self.windows
    other = [w[2] for w in used if w[2] is not None]
    ms = np.array([t for w in used for t in w[3]]) * 1000.0
    return {
        'images_per_sec': _median([w[0] for w in used]),
        'windows': [w[0] for w in used],
        'step_ms_p10': float(np.percentile(ms, 10)),
        'step_ms_p50': float(np.percentile(ms, 50)),
        'step_ms_p90': float(np.percentile(ms, 90)),
        'first_step_s': first_step_s,
        'own_cores': _median([w[1] for w in used]),
        'other_cores': _median(other),
        'disturbed': bool(other) and max(other) > DISTURBED_CORES,
        'discarded': len(self.windows) - len(used),
        'waited_s': self.waited,
    }


def time_window(run_step, images_per_step, steps, warmup_steps, repeats,
                wait_quiet_secs=None):
  """Times `run_step` over windows of `steps` calls after a warm-up.

  Args:
    run_step: function of no arguments running one step.
    images_per_step: images one call processes.
    steps: calls in each timed window.
    warmup_steps: untimed calls first (the first one waits for the queues
      to fill).
    repeats: timed windows; the result is their median.
    wait_quiet_secs: before each window wait up to this long for other
      processes to go quiet, and time disturbed windows again; default
      --wait_quiet_secs.

  Returns:
    Windows.result()'s dict.
  """
  # Alone, no other step drains the queues between windows: no resettling.
  return time_interleaved({'step': (run_step, images_per_step)}, steps,
                          warmup_steps, repeats, wait_quiet_secs,
                          resettle_steps=0)['step']


def session_config(intra=None, inter=None, allow_soft_placement=False):
  """The trainers' ConfigProto (cifar10_train.session_config: --xla too)
  with the benchmark's thread pools."""
  config = cifar10_train.session_config(
      log_device_placement=False, allow_soft_placement=allow_soft_placement)
  intra = FLAGS.intra_op_threads if intra is None else intra
  inter = FLAGS.inter_op_threads if inter is None else inter
  config.intra_op_parallelism_threads = intra
  config.inter_op_parallelism_threads = inter
  return config


class QueueSession(object):
  """A tf.Session on `graph` with its queue runners started; closes cleanly."""

  def __init__(self, config, graph=None):
    self._graph = graph or tf.get_default_graph()
    self.sess = tf.Session(graph=self._graph, config=config)
    self._coord = None
    self._threads = []

  def __enter__(self):
    with self._graph.as_default():
      self.sess.run([tf.global_variables_initializer(),
                     tf.local_variables_initializer()])
      self._coord = tf.train.Coordinator()
      if tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS):
        self._threads = tf.train.start_queue_runners(self.sess,
                                                     coord=self._coord)
    return self.sess

  def __exit__(self, *unused):
    self._coord.request_stop()
    # The runners' close ops cancel the blocked enqueues.
    self._coord.join(self._threads, stop_grace_period_secs=10,
                     ignore_live_threads=True)
    self.sess.close()
    return False


def time_interleaved(steppers, steps, warmup_steps, repeats,
                     wait_quiet_secs=None, resettle_steps=RESETTLE_STEPS):
  """Times several steps in alternating windows, so drift hits all alike.

  On a shared or virtual machine the speed drifts by tens of percent from
  minute to minute; windows of A and B taken in turn compare A with B under
  the same conditions, where A's windows then B's would not.

  Args:
    steppers: OrderedDict name -> (run_step, images_per_step).
    steps, warmup_steps, repeats, wait_quiet_secs: as time_window's.
    resettle_steps: untimed steps before every window: queues refill while
      the other steps are timed.

  Returns:
    OrderedDict name -> Windows.result()'s dict.
  """
  if wait_quiet_secs is None:
    wait_quiet_secs = FLAGS.wait_quiet_secs
  first = {}
  windows = collections.OrderedDict()
  for name, (run_step, images) in steppers.items():
    start = time.perf_counter()
    run_step()
    first[name] = time.perf_counter() - start
    for _ in range(warmup_steps - 1):
      run_step()
    windows[name] = Windows(images, steps, repeats, wait_quiet_secs)
  while not all(w.done() for w in windows.values()):
    for name, (run_step, _) in steppers.items():
      w = windows[name]
      if w.done():
        continue
      for _ in range(max(w.prepare(), resettle_steps)):
        run_step()
      step_times = []
      w.start()
      for _ in range(steps):
        t = time.perf_counter()
        run_step()
        step_times.append(time.perf_counter() - t)
      w.finish(step_times)
  return collections.OrderedDict(
      (name, w.result(first[name])) for name, w in windows.items())


# ----------------------------------------------------------------------------
# The graphs.


def _batches_dir(data_dir):
  return os.path.join(data_dir, cifar10_download.EXTRACTED_DIR)


def _cast(images):
  return tf.cast(images, tf.float16) if FLAGS.use_fp16 else images


def _training_step(images, labels, batch_size):
  """cifar10_train.train's graph on the given batch: (train_op, loss)."""
  global_step = tf.train.get_or_create_global_step()
  logits = cifar10.inference(images)
  loss = cifar10.loss(logits, labels)
  return cifar10.train(loss, global_step, batch_size), loss


def _in_memory_batch(batch):
  """Local variables holding a fixed batch: compute-only input."""
  images, labels = batch
  images_var = tf.Variable(images, trainable=False, name='images_in_memory',
                           collections=[tf.GraphKeys.LOCAL_VARIABLES])
  labels_var = tf.Variable(labels, trainable=False, name='labels_in_memory',
                           collections=[tf.GraphKeys.LOCAL_VARIABLES])
  return _cast(images_var.value()), labels_var.value()


def _fixed_batch(batch_size, data_dir):
  """A batch of real preprocessed images (numpy), without the queues.

  Decodes the first records of data_batch_1.bin and standardises their
  central crops, as inputs() does: an in-memory batch drawn from the data.
  """
  path = os.path.join(_batches_dir(data_dir), cifar10_input.TRAIN_FILES[0])
  raw = np.fromfile(path, dtype=np.uint8).reshape(
      -1, cifar10_input.RECORD_BYTES)
  rows = raw[np.arange(batch_size) % len(raw)]
  labels = rows[:, 0].astype(np.int32)
  images = rows[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
  off = (32 - cifar10_input.IMAGE_SIZE) // 2
  images = images[:, off:off + cifar10_input.IMAGE_SIZE,
                  off:off + cifar10_input.IMAGE_SIZE].astype(np.float32)
  mean = images.mean(axis=(1, 2, 3), keepdims=True)
  std = np.maximum(images.std(axis=(1, 2, 3), keepdims=True),
                   1.0 / math.sqrt(images[0].size))
  return (images - mean) / std, labels


def _queue_fraction():
  """Builds the input with --min_fraction_in_queue as the shuffle queue's."""
  return mock.patch.object(cifar10_input, 'MIN_FRACTION_OF_EXAMPLES_IN_QUEUE',
                           FLAGS.min_fraction_in_queue)


def _distorted_inputs(data_dir, batch_size, num_threads):
  with tf.device('/cpu:0'), _queue_fraction():
    images, labels = cifar10_input.distorted_inputs(
        _batches_dir(data_dir), batch_size, num_threads=num_threads)
  return _cast(images), labels


def measure_matmul(config, n=MATMUL_SIZE, chain=MATMUL_CHAIN,
                   trials=MATMUL_TRIALS):
  """Dense float32 matmul rate through TensorFlow.

  Returns:
    dict: gflops (the best trial: what the machine can do), gflops_median,
    trials, size, other_cores.
  """
  with tf.Graph().as_default():
    rng = np.random.RandomState(0)
    a = tf.Variable(rng.randn(n, n).astype(np.float32) / math.sqrt(n))
    b = tf.Variable(rng.randn(n, n).astype(np.float32) / math.sqrt(n))
    c = a
    for _ in range(chain):
      c = tf.matmul(c, b)
    out = tf.reduce_sum(c)
    flops = 2.0 * n ** 3 * chain
    with tf.Session(config=config) as sess:
      sess.run(tf.global_variables_initializer())
      sess.run(out)
      rates, other = [], []
      for _ in range(trials):
        wait_for_quiet(FLAGS.wait_quiet_secs)
        meter = CpuMeter()
        sess.run(out)
        load = meter.read()
        rates.append(flops / load['wall_s'] / 1e9)
        if load['other_cores'] is not None:
          other.append(load['other_cores'])
  return {'gflops': max(rates), 'gflops_median': _median(rates),
          'trials': rates, 'size': n, 'chain': chain,
          'other_cores': _median(other),
          'disturbed': bool(other) and max(other) > DISTURBED_CORES}


def _compute_graph(batch_size, data_dir):
  """The training step fed from a batch in memory: (graph, train_op)."""
  graph = tf.Graph()
  with graph.as_default():
    images, labels = _in_memory_batch(_fixed_batch(batch_size, data_dir))
    train_op, _ = _training_step(images, labels, batch_size)
  return graph, train_op


def measure_compute(batch_size, data_dir, steps, warmup_steps, repeats,
                    config, profile_steps=0):
  """The training step fed from a batch in memory."""
  graph, train_op = _compute_graph(batch_size, data_dir)
  with QueueSession(config, graph) as sess:
    result = time_window(lambda: sess.run(train_op), batch_size, steps,
                         warmup_steps, repeats)
    if profile_steps:
      result['profile'] = profile_op(sess, train_op, profile_steps)
  return result


def _tf_nn_lrn(x, name):
  """The original's LRN layer: TensorFlow's LRN op and LRNGrad kernel."""
  return tf.nn.lrn(x, cifar10.LRN_DEPTH_RADIUS, bias=cifar10.LRN_BIAS,
                   alpha=cifar10.LRN_ALPHA, beta=cifar10.LRN_BETA, name=name)


def measure_lrn(batch_size, data_dir, steps, warmup_steps, repeats, config):
  """Compute-only steps with cifar10's LRN and with tf.nn.lrn, in turn.

  Returns:
    OrderedDict 'package' and 'tf_nn_lrn', each Windows.result()'s.
  """
  graphs = collections.OrderedDict()
  graphs['package'] = _compute_graph(batch_size, data_dir)
  with mock.patch.object(cifar10, '_lrn', _tf_nn_lrn):
    graphs['tf_nn_lrn'] = _compute_graph(batch_size, data_dir)
  with contextlib.ExitStack() as stack:
    steppers = collections.OrderedDict()
    for name, (graph, train_op) in graphs.items():
      sess = stack.enter_context(QueueSession(config, graph))
      steppers[name] = (functools.partial(sess.run, train_op), batch_size)
    return time_interleaved(steppers, steps, warmup_steps, repeats)


def measure_training(batch_size, data_dir, num_threads, steps, warmup_steps,
                     repeats, config, compute=True, pipeline=True,
                     profile_steps=0):
  """The pipeline alone, then compute-only and queue-fed steps in turn.

  Two graphs, each with its session, in this process: the training step
  fed from a batch in memory, and distorted_inputs feeding the same step.
  First the pipeline alone is timed (dequeues only: what the preprocessing
  threads produce when they have the cores), then windows of the two
  training steps alternate (time_interleaved), so that their ratio is not
  the machine's drift. While one session is timed the other's queue runners
  wait on a full queue and take no CPU.

  Returns:
    OrderedDict with 'input', 'compute' and 'train' (queue-fed), each as
    Windows.result()'s, for those measured.
  """
  out = collections.OrderedDict()
  steppers = collections.OrderedDict()
  sessions = []
  try:
    if pipeline:
      queue_graph = tf.Graph()
      with queue_graph.as_default():
        images, labels = _distorted_inputs(data_dir, batch_size, num_threads)
        queue_train_op, _ = _training_step(images, labels, batch_size)
      queue = QueueSession(config, queue_graph)
      sessions.append(queue)
      queue_sess = queue.__enter__()
      out['input'] = time_window(
          lambda: queue_sess.run([images, labels]), batch_size, steps,
          warmup_steps, repeats)
      out['input']['fill_s'] = out['input']['first_step_s']
    if compute:
      compute_graph, compute_op = _compute_graph(batch_size, data_dir)
      mem = QueueSession(config, compute_graph)
      sessions.append(mem)
      mem_sess = mem.__enter__()
      steppers['compute'] = (lambda: mem_sess.run(compute_op), batch_size)
    if pipeline:
      steppers['train'] = (lambda: queue_sess.run(queue_train_op),
                           batch_size)
    out.update(time_interleaved(steppers, steps, warmup_steps, repeats))
    if profile_steps:
      if compute:
        out['compute']['profile'] = profile_op(mem_sess, compute_op,
                                               profile_steps)
      if pipeline:
        out['train']['profile'] = profile_op(queue_sess, queue_train_op,
                                             profile_steps)
  finally:
    for session in reversed(sessions):
      session.__exit__()
  return out


def measure_eval(batch_size, data_dir, num_threads, steps, warmup_steps,
                 repeats, config):
  """cifar10_eval's graph: inputs + inference + in_top_k."""
  with tf.Graph().as_default():
    with tf.device('/cpu:0'), _queue_fraction():
      images, labels = cifar10_input.inputs(
          eval_data=True, data_dir=_batches_dir(data_dir),
          batch_size=batch_size, num_threads=num_threads)
    logits = cifar10.inference(_cast(images))
    top_k_op = tf.nn.in_top_k(tf.cast(logits, tf.float32), labels, 1)
    with QueueSession(config) as sess:
      return time_window(lambda: sess.run(top_k_op), batch_size, steps,
                         warmup_steps, repeats)


def measure_towers(num_gpus, batch_size, data_dir, num_threads, steps,
                   warmup_steps, repeats):
  """cifar10_multi_gpu_train's step with num_gpus towers, on this machine.

  Returns:
    time_window's dict (images_per_sec counts batch_size * num_gpus per
    step), with 'available' and 'gpus_found'.
  """
  with tf.Graph().as_default():
    with tf.device('/cpu:0'):
      images, labels = _distorted_inputs(data_dir, batch_size, num_threads)
      batch_queue = cifar10_multi_gpu_train.prefetch_queue(
          [images, labels], capacity=2 * num_gpus)
    train_op, _ = cifar10_multi_gpu_train.tower_train_op(
        lambda i: batch_queue.dequeue(), num_gpus, batch_size)
    config = session_config(allow_soft_placement=True)
    with QueueSession(config) as sess:
      result = time_window(lambda: sess.run(train_op), batch_size * num_gpus,
                           steps, warmup_steps, repeats)
  result['available'] = True
  result['gpus_found'] = len(tf.config.list_physical_devices('GPU'))
  return result


def profile_op(sess, op, steps):
  """Per-op-type time of `op` from RunMetadata step_stats (FULL_TRACE).

  Returns:
    dict: step_ms (wall time of a traced step, median), and top_ops, a list
    of [op type, ms per step, share of all op time] sorted by time. Op times
    add up over threads, so their sum exceeds the step's wall time when ops
    run in parallel.
  """
  by_type = collections.Counter()
  walls = []
  for _ in range(steps):
    run_metadata = tf.RunMetadata()
    start = time.perf_counter()
    sess.run(op, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
             run_metadata=run_metadata)
    walls.append(time.perf_counter() - start)
    for dev in run_metadata.step_stats.dev_stats:
      for node in dev.node_stats:
        # timeline_label reads 'name = OpType(inputs)'.
        label = node.timeline_label
        kind = (label.split(' = ', 1)[1].split('(')[0].strip()
                if ' = ' in label else node.node_name.split(':')[-1])
        by_type[kind] += node.all_end_rel_micros
  total = float(sum(by_type.values())) or 1.0
  top = [[kind, micros / 1000.0 / steps, micros / total]
         for kind, micros in by_type.most_common(15)]
  return {'step_ms': _median(walls) * 1000.0, 'op_ms_total':
          total / 1000.0 / steps, 'top_ops': top}


# ----------------------------------------------------------------------------
# The tf.keras version, run in a child process with TF2 behaviour.


def build_keras_model(keras, tf2):
  """cifar10.inference's network as a tf.keras model, compiled as SGD(0.1).

  Same layers, shapes, initialisers and weight decay: the tutorial adds
  wd * l2_loss(w) = wd * sum(w**2) / 2 for local3 and local4, which is
  Keras's L2(wd / 2). Keras has no LRN layer; a Lambda calls
  tf.nn.local_response_normalization, as a user would (the package's own LRN
  has a faster gradient on the CPU: the 'lrn' phase measures it).

  Args:
    keras: the tf.keras module.
    tf2: the TensorFlow 2 module (for tf.nn.local_response_normalization).

  Returns:
    The compiled keras.Model (logits out; sparse cross-entropy loss).
  """
  layers = keras.layers
  init = keras.initializers

  def lrn(name):
    return layers.Lambda(
        lambda x: tf2.nn.local_response_normalization(
            x, depth_radius=cifar10.LRN_DEPTH_RADIUS, bias=cifar10.LRN_BIAS,
            alpha=cifar10.LRN_ALPHA, beta=cifar10.LRN_BETA),
        name=name)

  size = cifar10_input.IMAGE_SIZE
  model = keras.Sequential([
      keras.Input((size, size, 3)),
      layers.Conv2D(64, 5, padding='same', activation='relu',
                    kernel_initializer=init.TruncatedNormal(stddev=5e-2),
                    bias_initializer=init.Constant(0.0), name='conv1'),
      layers.MaxPooling2D(3, 2, padding='same', name='pool1'),
      lrn('norm1'),
      layers.Conv2D(64, 5, padding='same', activation='relu',
                    kernel_initializer=init.TruncatedNormal(stddev=5e-2),
                    bias_initializer=init.Constant(0.1), name='conv2'),
      lrn('norm2'),
      layers.MaxPooling2D(3, 2, padding='same', name='pool2'),
      layers.Flatten(),
      layers.Dense(384, activation='relu',
                   kernel_initializer=init.TruncatedNormal(stddev=0.04),
                   bias_initializer=init.Constant(0.1),
                   kernel_regularizer=keras.regularizers.L2(0.004 / 2),
                   name='local3'),
      layers.Dense(192, activation='relu',
                   kernel_initializer=init.TruncatedNormal(stddev=0.04),
                   bias_initializer=init.Constant(0.1),
                   kernel_regularizer=keras.regularizers.L2(0.004 / 2),
                   name='local4'),
      layers.Dense(cifar10_input.NUM_CLASSES,
                   kernel_initializer=init.TruncatedNormal(stddev=1 / 192.0),
                   bias_initializer=init.Constant(0.0),
                   name='softmax_linear'),
  ])
  model.compile(
      optimizer=keras.optimizers.SGD(cifar10.INITIAL_LEARNING_RATE),
      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
  return model


def keras_dataset(tf2, batches_dir, batch_size, num_threads, shuffle_buffer):
  """The training files through distorted_inputs' distortions, in tf.data.

  Same files in shuffled order, same per-image distortions on
  `num_threads` threads, a shuffle buffer as large as the shuffle queue's
  min_after_dequeue, batches of batch_size, prefetched.
  """
  files = [os.path.join(batches_dir, f) for f in cifar10_input.TRAIN_FILES]
  size = cifar10_input.IMAGE_SIZE

  def distort(record):
    record = tf2.io.decode_raw(record, tf2.uint8)
    label = tf2.cast(record[0], tf2.int32)
    image = tf2.transpose(tf2.reshape(record[1:], [3, 32, 32]), [1, 2, 0])
    image = tf2.cast(image, tf2.float32)
    image = tf2.image.random_crop(image, [size, size, 3])
    image = tf2.image.random_flip_left_right(image)
    image = tf2.image.random_brightness(image, max_delta=63)
    image = tf2.image.random_contrast(image, lower=0.2, upper=1.8)
    return tf2.image.per_image_standardization(image), label

  ds = tf2.data.Dataset.from_tensor_slices(files).shuffle(len(files)).repeat()
  ds = ds.flat_map(lambda f: tf2.data.FixedLengthRecordDataset(
      f, cifar10_input.RECORD_BYTES))
  ds = ds.map(distort, num_parallel_calls=num_threads)
  ds = ds.shuffle(max(shuffle_buffer, batch_size))
  return ds.batch(batch_size, drop_remainder=True).prefetch(2)


def keras_child(spec):
  """Trains the tf.keras model with model.fit; runs in a child process.

  Args:
    spec: dict with data_dir, batch_size, steps, warmup_steps, repeats,
      num_threads, intra, inter, min_fraction.

  Returns:
    dict as time_window's, plus 'params' and 'keras_version'.
  """
  import tensorflow as tf2  # pylint: disable=g-import-not-at-top
  tf2.config.threading.set_intra_op_parallelism_threads(spec['intra'])
  tf2.config.threading.set_inter_op_parallelism_threads(spec['inter'])
  keras = tf2.keras
  keras.utils.set_random_seed(0)
  model = build_keras_model(keras, tf2)
  shuffle_buffer = int(cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN *
                       spec['min_fraction'])
  ds = keras_dataset(tf2, _batches_dir(spec['data_dir']), spec['batch_size'],
                     spec['num_threads'], shuffle_buffer)
  windows = Windows(spec['batch_size'], spec['steps'], spec['repeats'],
                    spec['wait_quiet_secs'])

  class Timer(keras.callbacks.Callback):
    """Times windows of batches as time_window does, between batches."""

    def __init__(self):
      super(Timer, self).__init__()
      self.untimed = spec['warmup_steps']
      self.settled = False
      self.first = None
      self.step_times = None
      self.last = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
      now = time.perf_counter()
      if self.first is None:
        self.first = now - start
      if self.step_times is not None:
        self.step_times.append(now - self.last)
        if len(self.step_times) == windows.steps:
          windows.finish(self.step_times)
          self.step_times = None
          if windows.done():
            self.model.stop_training = True
      elif self.untimed > 1:
        self.untimed -= 1
      elif not windows.done():
        settle = 0 if self.settled else windows.prepare()
        if settle:
          self.untimed, self.settled = settle, True
        else:
          # The window starts after this batch.
          self.untimed, self.settled = 1, False
          self.step_times = []
          windows.start()
      self.last = time.perf_counter()

  timer = Timer()
  start = time.perf_counter()
  # Far more steps than needed: the timer stops training when it is done.
  max_steps = (spec['warmup_steps'] + (RESETTLE_STEPS + spec['steps']) *
               spec['repeats'] * MAX_ATTEMPTS_FACTOR + 10)
  model.fit(ds, epochs=1, steps_per_epoch=max_steps, callbacks=[timer],
            verbose=0)
  result = windows.result(timer.first)
  result.update({'params': int(model.count_params()),
                 'keras_version': keras.__version__,
                 'peak_rss_mib': peak_rss_mib()})
  return result


CHILD_PREFIX = 'CIFAR10_BENCHMARK_CHILD_RESULT '


def child_main(argv):
  """Entry point of the child processes: `kind` then a JSON spec."""
  kind, spec = argv[0], json.loads(argv[1])
  if kind != 'keras':
    raise ValueError('unknown child kind %r' % kind)
  result = keras_child(spec)
  sys.stdout.write('\n' + CHILD_PREFIX + json.dumps(result) + '\n')
  sys.stdout.flush()


def _child_env(extra=None):
  env = dict(os.environ)
  root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env['PYTHONPATH'] = root + os.pathsep + env.get('PYTHONPATH', '')
  env.update(extra or {})
  return env


def _run_child(cmd, env, timeout):
  """Runs a child; returns (result dict or None, error text or None)."""
  try:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=timeout)
  except subprocess.TimeoutExpired:
    return None, 'timed out after %d s' % timeout
  if proc.returncode != 0:
    return None, 'exited %d: %s' % (proc.returncode, proc.stderr[-2000:])
  return proc, None


def measure_keras(data_dir, batch_size, num_threads, steps, warmup_steps,
                  repeats):
  """The tf.keras model.fit version, measured in a child process."""
  spec = {'data_dir': data_dir, 'batch_size': batch_size,
          'num_threads': num_threads, 'steps': steps,
          'warmup_steps': max(warmup_steps, 2), 'repeats': repeats,
          'intra': FLAGS.intra_op_threads, 'inter': FLAGS.inter_op_threads,
          'min_fraction': FLAGS.min_fraction_in_queue,
          'wait_quiet_secs': FLAGS.wait_quiet_secs}
  cmd = [sys.executable, '-c',
         'import sys; from cifar10 import cifar10_benchmark as b; '
         'b.child_main(sys.argv[1:])', 'keras', json.dumps(spec)]
  proc, error = _run_child(cmd, _child_env(), FLAGS.keras_timeout)
  if error:
    return {'available': False, 'reason': 'Keras child process ' + error}
  for line in proc.stdout.splitlines():
    if line.startswith(CHILD_PREFIX):
      result = json.loads(line[len(CHILD_PREFIX):])
      result['available'] = True
      result['process'] = 'child'
      return result
  return {'available': False,
          'reason': 'Keras child printed no result: %s' % proc.stdout[-2000:]}


TRAINER_LINE = re.compile(r'step (\d+), loss = [-+.\w]+ '
                          r'\(([\d.]+) examples/sec; ([\d.]+) sec/batch\)')


def measure_trainer(data_dir, batch_size, steps, warmup_steps, repeats):
  """`python -m cifar10.cifar10_train` as a user runs it, in a child.

  MonitoredTrainingSession with its hooks, summaries every 100 steps and
  checkpoints, logging every 10 steps: the images/s are the median of its
  own examples/sec lines after the first (which includes the queue fill).
  """
  log_frequency = 10
  total = warmup_steps + steps * repeats
  max_steps = log_frequency * (2 + int(math.ceil(total / float(
      log_frequency))))
  train_dir = tempfile.mkdtemp(prefix='cifar10_benchmark_train_')
  cmd = [sys.executable, '-m', 'cifar10.cifar10_train',
         '--data_dir=' + data_dir, '--train_dir=' + train_dir,
         '--batch_size=%d' % batch_size, '--use_fp16=%s' % FLAGS.use_fp16,
         '--mixed_precision=%s' % FLAGS.mixed_precision,
         '--xla=%s' % FLAGS.xla,
         '--max_steps=%d' % max_steps, '--log_frequency=%d' % log_frequency]
  meter = CpuMeter()
  try:
    proc, error = _run_child(cmd, _child_env(), timeout=1800)
  finally:
    shutil.rmtree(train_dir, ignore_errors=True)
  if error:
    return {'available': False, 'reason': 'cifar10_train ' + error}
  load = meter.read()
  lines = TRAINER_LINE.findall(proc.stdout)
  rates = [float(r) for _, r, _ in lines[1:]]
  if not rates:
    return {'available': False,
            'reason': 'cifar10_train printed no log lines: %s'
                      % proc.stdout[-2000:]}
  return {'available': True, 'process': 'child',
          'images_per_sec': _median(rates), 'windows': rates,
          'steps': max_steps, 'log_frequency': log_frequency,
          'other_cores': load['other_cores'],
          'disturbed': (load['other_cores'] or 0) > DISTURBED_CORES}


def _benchmark_child(phases, data_dir, env, output_json=None,
                     extra_flags=()):
  """Runs this benchmark in a child process (another set-up).

  Returns:
    The child's report dict, or {'available': False, 'reason': ...}.
  """
  temp = None
  if output_json is None:
    out = tempfile.NamedTemporaryFile(suffix='.json', delete=False)
    out.close()
    temp = output_json = out.name
  cmd = [sys.executable, '-m', 'cifar10.cifar10_benchmark',
         '--phases=' + ','.join(phases),
         '--data_dir=' + data_dir,
         '--batch_size=%d' % FLAGS.batch_size,
         '--use_fp16=%s' % FLAGS.use_fp16,
         '--mixed_precision=%s' % FLAGS.mixed_precision,
         '--xla=%s' % FLAGS.xla,
         '--steps=%d' % FLAGS.steps,
         '--warmup_steps=%d' % FLAGS.warmup_steps,
         '--repeats=%d' % FLAGS.repeats,
         '--num_threads=%d' % FLAGS.num_threads,
         '--intra_op_threads=%d' % FLAGS.intra_op_threads,
         '--inter_op_threads=%d' % FLAGS.inter_op_threads,
         '--min_fraction_in_queue=%r' % FLAGS.min_fraction_in_queue,
         '--wait_quiet_secs=%r' % FLAGS.wait_quiet_secs,
         '--output_json=' + output_json] + list(extra_flags)
  try:
    _, error = _run_child(cmd, env, timeout=3600)
    if error:
      return {'available': False, 'reason': error}
    with open(output_json) as f:
      report = json.load(f)
    report['available'] = True
    report['process'] = 'child'
    return report
  finally:
    if temp:
      os.remove(temp)


# ----------------------------------------------------------------------------
# The run.


def _prepare_data(data_dir):
  """Returns (data_dir, synthetic, temp dir to delete or None)."""
  batches_dir = _batches_dir(data_dir)
  try:
    cifar10_input.check_data_files(
        [os.path.join(batches_dir, f) for f in
         cifar10_input.TRAIN_FILES + cifar10_input.TEST_FILES])
  except cifar10_input.DataError:
    records = (FLAGS.records_per_file if FLAGS['records_per_file'].present
               else SYNTHETIC_RECORDS_PER_FILE)
    temp = tempfile.mkdtemp(prefix='cifar10_benchmark_data_')
    cifar10_synthetic.write_data_set(temp, records, seed=0)
    return temp, True, temp
  return data_dir, cifar10_input.is_synthetic(batches_dir), None


def _onednn_enabled():
  """Whether TensorFlow's oneDNN kernels are on in this process (or None)."""
  try:
    from tensorflow.python.util import _pywrap_util_port  # pylint: disable=g-import-not-at-top,g-direct-tensorflow-import
    return bool(_pywrap_util_port.IsMklEnabled())
  except (ImportError, AttributeError):
    return None


def _parse_phases(values):
  phases = []
  for value in values:
    value = value.strip()
    if value == 'all':
      phases.extend(ALL_PHASES)
    elif value in ALL_PHASES:
      phases.append(value)
    elif value:
      raise ValueError('unknown phase %r; choose from %s or all'
                       % (value, ', '.join(ALL_PHASES)))
  return [p for p in ALL_PHASES if p in phases]


def _ints(values, name):
  try:
    out = [int(v) for v in values if str(v).strip()]
  except ValueError:
    raise ValueError('--%s takes integers, got %r' % (name, values))
  if any(v < 1 for v in out):
    raise ValueError('--%s takes positive integers, got %r' % (name, values))
  return out


def _pairs(values):
  out = []
  for v in values:
    try:
      intra, inter = [int(x) for x in v.split(':')]
    except ValueError:
      raise ValueError('--session_threads takes intra:inter pairs, got %r'
                       % v)
    out.append((intra, inter))
  return out


def _rate(result):
  if isinstance(result, dict) and result.get('available', True):
    return result.get('images_per_sec')
  return None


def _ratio(a, b):
  return a / b if a and b else None


def summarize(results, flops):
  """The headline figures and targets from the phases' results."""
  s = collections.OrderedDict()
  matmul = results.get('matmul')
  compute = results.get('compute')
  pipeline = results.get('pipeline', {})
  s['matmul_gflops'] = matmul['gflops'] if matmul else None
  s['train_flops_per_image'] = flops['train']
  s['forward_flops_per_image'] = flops['forward']
  s['input_pipeline_images_per_sec'] = _rate(pipeline.get('input'))
  s['train_compute_only_images_per_sec'] = _rate(compute)
  s['train_queue_images_per_sec'] = _rate(pipeline.get('train'))
  s['keras_fit_images_per_sec'] = _rate(results.get('keras'))
  if 'trainer' in results:
    s['shipped_trainer_images_per_sec'] = _rate(results['trainer'])
  s['eval_images_per_sec'] = _rate(results.get('eval'))
  s['peak_rss_mib'] = results.get('peak_rss_mib_training')
  s['keras_peak_rss_mib'] = (results['keras'].get('peak_rss_mib')
                             if _rate(results.get('keras')) else None)

  def flop_fraction(rate):
    if rate and s['matmul_gflops']:
      return rate * flops['train'] / 1e9 / s['matmul_gflops']
    return None

  s['compute_gflops'] = (s['train_compute_only_images_per_sec'] *
                         flops['train'] / 1e9
                         if s['train_compute_only_images_per_sec'] else None)
  s['compute_flop_fraction'] = flop_fraction(
      s['train_compute_only_images_per_sec'])
  s['queue_flop_fraction'] = flop_fraction(s['train_queue_images_per_sec'])
  s['queue_vs_compute'] = _ratio(s['train_queue_images_per_sec'],
                                 s['train_compute_only_images_per_sec'])
  s['faithful_vs_keras'] = _ratio(s['train_queue_images_per_sec'],
                                  s['keras_fit_images_per_sec'])
  if 'batch_sizes' in results:
    s['batch_size_images_per_sec'] = collections.OrderedDict(
        (str(bs), _rate(r)) for bs, r in results['batch_sizes'].items())
  if 'towers' in results:
    s['towers_images_per_sec'] = collections.OrderedDict(
        (str(n), _rate(r)) for n, r in results['towers'].items())
  if 'lrn' in results:
    s['lrn_speedup'] = _ratio(_rate(results['lrn']['package']),
                              _rate(results['lrn']['tf_nn_lrn']))

  targets = collections.OrderedDict()
  train = pipeline.get('train')
  for name, value, target, inputs in (
      ('queue_fed_vs_compute_only', s['queue_vs_compute'],
       TARGET_QUEUE_FRACTION, (train, compute)),
      ('compute_only_vs_matmul_flops', s['compute_flop_fraction'],
       TARGET_FLOP_FRACTION, (compute, matmul)),
      ('faithful_vs_keras', s['faithful_vs_keras'], TARGET_KERAS_RATIO,
       (train, results.get('keras')))):
    targets[name] = {'target': target, 'value': value,
                     'disturbed': any(isinstance(r, dict) and
                                      bool(r.get('disturbed'))
                                      for r in inputs),
                     'met': None if value is None else value >= target}
  s['targets'] = targets
  return s


def _fmt(value, fmt='%.0f'):
  return '-' if value is None else fmt % value


def _load_note(result):
  if not isinstance(result, dict) or result.get('other_cores') is None:
    return ''
  note = 'others %.2f cores' % result['other_cores']
  return note + (' DISTURBED' if result.get('disturbed') else '')


def _child_line(row, label, res, detail):
  """A child process's table line: compute / queue-fed, or why it has none.

  Args:
    row: the table's line format (measurement, images/s, notes).
    label: what the child measured.
    res: its report, or {'available': False, 'reason': ...}.
    detail: function of the child's summary dict, the note's first part.

  Returns:
    str.
  """
  if 'summary' not in res:
    return row % (label, 'n/a', res.get('reason', '')[:200])
  cs = res['summary']
  return row % ('%s: compute / queue-fed' % label,
                '%s / %s' % (_fmt(cs['train_compute_only_images_per_sec']),
                             _fmt(cs['train_queue_images_per_sec'])),
                'child process; %s; %s' % (
                    detail(cs), _load_note(res['results'].get('compute'))))


def format_table(report):
  """The printed table: one line per figure."""
  s, r = report['summary'], report['results']
  lines = []
  if report['synthetic_data']:
    lines.append(SYNTHETIC_BANNER % report['data_dir'])
  lines.append('CIFAR-10 benchmark: batch %d, %d preprocessing threads, '
               '%d cores, TensorFlow %s, oneDNN %s, '
               'intra/inter-op threads %d/%d (0 = one per core); '
               'median of %d window(s) of %d steps.' % (
                   report['batch_size'], report['num_threads'],
                   report['cpu_count'], report['tensorflow'],
                   {True: 'on', False: 'OFF', None: '?'}[
                       report['onednn_enabled']], report['intra_op_threads'],
                   report['inter_op_threads'], report['repeats'],
                   report['steps']))
  if report['use_fp16'] or report['mixed_precision'] or report['xla']:
    lines.append('Model built in %s%s.' % (
        'float16' if report['use_fp16'] else
        'mixed precision (float16 compute, float32 variables)'
        if report['mixed_precision'] else 'float32',
        ', compiled with XLA auto-clustering' if report['xla'] else ''))
  if report['min_fraction_in_queue'] != (
      cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE):
    lines.append('NOTE: shuffle queue holds %.3g of an epoch, not the '
                 "tutorial's %.3g (only the fill time differs)." % (
                     report['min_fraction_in_queue'],
                     cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE))
  row = '%-50s %12s  %s'
  lines.append(row % ('measurement', 'images/s', 'notes'))
  lines.append('-' * 100)
  if 'matmul' in r:
    m = r['matmul']
    lines.append(row % ('dense matmul %dx%d float32 (GFLOP/s)' % (
        m['size'], m['size']), _fmt(m['gflops'], '%.1f'),
                        'best of %d at start and end; median %.1f; %s' % (
                            len(m['trials']), m['gflops_median'],
                            _load_note(m))))
  pipeline = r.get('pipeline', {})
  if 'input' in pipeline:
    p = pipeline['input']
    lines.append(row % ('input pipeline alone (distorted_inputs)',
                        _fmt(p['images_per_sec']),
                        'queue fill %.1f s; %s' % (p['fill_s'],
                                                   _load_note(p))))
  if 'compute' in r:
    lines.append(row % ('train step, batch in memory (compute only)',
                        _fmt(s['train_compute_only_images_per_sec']),
                        '%s GFLOP/s = %s of matmul; %s' % (
                            _fmt(s['compute_gflops'], '%.1f'),
                            _fmt(s['compute_flop_fraction'] and
                                 100 * s['compute_flop_fraction'], '%.0f%%'),
                            _load_note(r['compute']))))
  if 'train' in pipeline:
    lines.append(row % ('train step fed by the queues (the trainer)',
                        _fmt(s['train_queue_images_per_sec']),
                        '%s of compute only; %s' % (
                            _fmt(s['queue_vs_compute'] and
                                 100 * s['queue_vs_compute'], '%.0f%%'),
                            _load_note(pipeline['train']))))
  if 'keras' in r:
    k = r['keras']
    if k.get('available'):
      lines.append(row % ('tf.keras model.fit on tf.data (child process)',
                          _fmt(k['images_per_sec']),
                          'Keras %s; trainer/keras = %s; %s' % (
                              k['keras_version'],
                              _fmt(s['faithful_vs_keras'], '%.2f'),
                              _load_note(k))))
    else:
      lines.append(row % ('tf.keras model.fit', 'n/a', k['reason'][:200]))
  if 'trainer' in r:
    t = r['trainer']
    lines.append(row % ('cifar10_train as shipped (child process)',
                        _fmt(_rate(t)),
                        ('its examples/sec lines, median of %d; %s' % (
                            len(t['windows']), _load_note(t)))
                        if t.get('available') else t['reason'][:200]))
  if 'eval' in r:
    lines.append(row % ('eval: inputs + inference + in_top_k',
                        _fmt(s['eval_images_per_sec']),
                        _load_note(r['eval'])))
  if s.get('peak_rss_mib'):
    lines.append(row % ('peak resident memory of training (MiB)',
                        _fmt(s['peak_rss_mib']),
                        'Keras child: %s MiB' % _fmt(s['keras_peak_rss_mib'])))
  for bs, res in r.get('batch_sizes', {}).items():
    lines.append(row % ('compute only, batch %s' % bs, _fmt(_rate(res)),
                        _load_note(res)))
  for n, res in r.get('towers', {}).items():
    lines.append(row % ('multi-GPU trainer step, --num_gpus %s (on %s)' % (
        n, 'GPUs' if res['gpus_found'] else 'the CPU'),
                        _fmt(_rate(res)), _load_note(res)))
  if 'lrn' in r:
    lines.append(row % ("compute only: package's LRN / tf.nn.lrn",
                        '%s / %s' % (_fmt(_rate(r['lrn']['package'])),
                                     _fmt(_rate(r['lrn']['tf_nn_lrn']))),
                        'alternating windows; %sx; %s' % (
                            _fmt(s['lrn_speedup'], '%.2f'),
                            _load_note(r['lrn']['tf_nn_lrn']))))
  for t, res in r.get('threads', {}).items():
    lines.append(row % ('%s preprocessing threads: compute / queue-fed' % t,
                        '%s / %s' % (_fmt(_rate(res['compute'])),
                                     _fmt(_rate(res['train']))),
                        '%s; pipeline alone %s/s; %s' % (
                            _fmt(_ratio(_rate(res['train']),
                                        _rate(res['compute'])), '%.2f'),
                            _fmt(_rate(res['input'])),
                            _load_note(res['train']))))
  for pair, res in r.get('session', {}).items():
    lines.append(_child_line(
        row, 'intra:inter %s' % pair, res,
        lambda cs: _fmt(cs['queue_vs_compute'], '%.2f')))
  for label, res in r.get('variants', {}).items():
    lines.append(_child_line(
        row, label, res,
        lambda cs: 'matmul %s GFLOP/s' % _fmt(cs['matmul_gflops'], '%.1f')))
  for name, res in (('compute-only', r.get('compute')),
                    ('queue-fed', pipeline.get('train'))):
    prof = (res or {}).get('profile')
    if prof:
      lines.append('profile of the %s step (%.1f ms/step traced; op time %.1f '
                   'ms over all threads):' % (name, prof['step_ms'],
                                              prof['op_ms_total']))
      for kind, ms, share in prof['top_ops'][:10]:
        lines.append('    %-30s %8.2f ms %5.1f%%' % (kind, ms, 100 * share))
  lines.append('-' * 100)
  for name, t in s['targets'].items():
    lines.append('target %-30s >= %.2f: %s (%s%s)' % (
        name, t['target'], _fmt(t['value'], '%.2f'),
        {True: 'met', False: 'NOT met', None: 'not measured'}[t['met']],
        '; from DISTURBED windows: not a verdict'
        if t['disturbed'] and t['value'] is not None else ''))
  disturbed = [name for name, res in _windows(r) if res.get('disturbed')]
  if disturbed:
    lines.append('WARNING: other processes used more than %.1f core during: '
                 '%s. Those figures are low; run again on a quiet machine.' % (
                     DISTURBED_CORES, ', '.join(disturbed)))
  if report['synthetic_data']:
    lines.append('(SYNTHETIC DATA, see above.)')
  return '\n'.join(lines)


def _windows(results):
  """(name, result) of every timed window in the results."""
  for name in ('matmul', 'compute', 'eval', 'keras', 'trainer'):
    if isinstance(results.get(name), dict):
      yield name, results[name]
  for name, res in results.get('pipeline', {}).items():
    yield 'pipeline/' + name, res
  for group in ('batch_sizes', 'towers', 'lrn'):
    for key, res in results.get(group, {}).items():
      yield '%s/%s' % (group, key), res


def run_benchmark(phases, data_dir):
  """Runs the phases; returns the report dict."""
  batch_size = FLAGS.batch_size
  steps, warmup, repeats = FLAGS.steps, FLAGS.warmup_steps, FLAGS.repeats
  threads = FLAGS.num_threads
  config = session_config()
  results = collections.OrderedDict()
  flops = model_flops()
  results['other_cores_at_start'] = other_load_now()
  results['peak_rss_mib_start'] = peak_rss_mib()
  profile = FLAGS.profile_steps if 'profile' in phases else 0

  def log(msg):
    print('[benchmark] ' + msg)
    sys.stdout.flush()

  if 'matmul' in phases:
    log('matmul rate')
    results['matmul'] = measure_matmul(config)
  if 'compute' in phases or 'pipeline' in phases:
    log('%s%s' % (
        'input pipeline alone (%d threads), then ' % threads
        if 'pipeline' in phases else '',
        'training fed from memory and by the queues, in turn'
        if 'compute' in phases and 'pipeline' in phases else
        'training step'))
    out = measure_training(batch_size, data_dir, threads, steps, warmup,
                           repeats, config, compute='compute' in phases,
                           pipeline='pipeline' in phases,
                           profile_steps=profile)
    if 'compute' in out:
      results['compute'] = out['compute']
    if 'train' in out:
      results['pipeline'] = collections.OrderedDict(
          [('input', out['input']), ('train', out['train'])])
    results['peak_rss_mib_training'] = peak_rss_mib()
  if 'lrn' in phases:
    log("compute only with this package's LRN and with tf.nn.lrn, in turn")
    results['lrn'] = measure_lrn(batch_size, data_dir, steps, warmup, repeats,
                                 config)
  if 'eval' in phases:
    log('evaluation')
    results['eval'] = measure_eval(batch_size, data_dir, threads, steps,
                                   warmup, repeats, config)
  if 'batch_sizes' in phases:
    results['batch_sizes'] = collections.OrderedDict()
    for bs in _ints(FLAGS.batch_sizes, 'batch_sizes'):
      if bs == batch_size and 'compute' in results:
        results['batch_sizes'][str(bs)] = results['compute']
        continue
      log('compute only, batch %d' % bs)
      results['batch_sizes'][str(bs)] = measure_compute(
          bs, data_dir, max(2, int(round(steps * 128.0 / bs))), warmup,
          repeats, config)
  if 'towers' in phases:
    results['towers'] = collections.OrderedDict()
    for n in _ints(FLAGS.tower_counts, 'tower_counts'):
      log('multi-GPU trainer step, --num_gpus %d' % n)
      results['towers'][str(n)] = measure_towers(
          n, batch_size, data_dir, threads, max(2, steps // n), warmup,
          repeats)
  if 'threads' in phases:
    results['threads'] = collections.OrderedDict()
    for t in _ints(FLAGS.thread_sweep, 'thread_sweep'):
      log('pipeline, then compute-only and queue-fed steps in turn, '
          '%d threads' % t)
      results['threads'][str(t)] = measure_training(
          batch_size, data_dir, t, steps, warmup, repeats, config)
  if 'session' in phases:
    # TensorFlow sizes its thread pools once per process, from the first
    # session's ConfigProto: each setting needs a process of its own.
    results['session'] = collections.OrderedDict()
    for intra, inter in _pairs(FLAGS.session_threads):
      log('child process: intra-op %d, inter-op %d threads' % (intra, inter))
      results['session']['%d:%d' % (intra, inter)] = _benchmark_child(
          ['compute', 'pipeline'], data_dir, _child_env(), None,
          ['--intra_op_threads=%d' % intra, '--inter_op_threads=%d' % inter])
  if 'trainer' in phases:
    log('cifar10_train as shipped, in a child process')
    results['trainer'] = measure_trainer(data_dir, batch_size, steps, warmup,
                                         repeats)
  if 'keras' in phases:
    log('tf.keras model.fit in a child process')
    results['keras'] = measure_keras(data_dir, batch_size, threads, steps,
                                     warmup, repeats)
  if 'matmul' in phases:
    # Again at the end: the limit is the better of the two, so that one
    # disturbed measurement does not move every fraction.
    log('matmul rate again')
    again = measure_matmul(config)
    first = results['matmul']
    best = max(first, again, key=lambda m: m['gflops'])
    results['matmul'] = dict(best, trials=first['trials'] + again['trials'],
                             gflops_median=_median(first['trials'] +
                                                   again['trials']),
                             gflops_start=first['gflops'],
                             gflops_end=again['gflops'])
  variants = [v for v in VARIANTS if v[0] in phases]
  if variants:
    results['variants'] = collections.OrderedDict()
  for _, label, env, flags in variants:
    log('child process: %s' % label)
    results['variants'][label] = _benchmark_child(
        ['matmul', 'compute', 'pipeline'], data_dir, _child_env(env),
        extra_flags=flags)
  return results, flops


def main(argv=None):  # pylint: disable=unused-argument
  try:
    phases = _parse_phases(FLAGS.phases)
    _ints(FLAGS.batch_sizes, 'batch_sizes')
    _ints(FLAGS.tower_counts, 'tower_counts')
    _ints(FLAGS.thread_sweep, 'thread_sweep')
    _pairs(FLAGS.session_threads)
  except ValueError as e:
    sys.exit('cifar10_benchmark: error: %s' % e)
  if FLAGS.xla and '--tf_xla_cpu_global_jit' not in os.environ.get(
      'TF_XLA_FLAGS', ''):
    # TensorFlow reads it when it starts: too late to set it here.
    print('NOTE: --xla clusters nothing on the CPU unless the process '
          'starts with TF_XLA_FLAGS=--tf_xla_cpu_global_jit (the xla phase '
          'does that).')
  start = time.perf_counter()
  data_dir, synthetic, temp = _prepare_data(FLAGS.data_dir)
  try:
    if synthetic:
      print(SYNTHETIC_BANNER % data_dir)
      sys.stdout.flush()
    results, flops = run_benchmark(phases, data_dir)
  except (cifar10_input.DataError, ValueError) as e:
    sys.exit('cifar10_benchmark: error: %s' % e)
  finally:
    if temp:
      shutil.rmtree(temp, ignore_errors=True)
  report = collections.OrderedDict([
      ('synthetic_data', synthetic),
      ('data_dir', data_dir if not temp else '(temporary) ' + data_dir),
      ('batch_size', FLAGS.batch_size),
      ('use_fp16', FLAGS.use_fp16),
      ('mixed_precision', FLAGS.mixed_precision),
      ('xla', FLAGS.xla),
      ('num_threads', FLAGS.num_threads),
      ('steps', FLAGS.steps),
      ('warmup_steps', FLAGS.warmup_steps),
      ('repeats', FLAGS.repeats),
      ('intra_op_threads', FLAGS.intra_op_threads),
      ('inter_op_threads', FLAGS.inter_op_threads),
      ('min_fraction_in_queue', FLAGS.min_fraction_in_queue),
      ('phases', phases),
      ('cpu_count', os.cpu_count()),
      ('cpu', platform.processor() or platform.machine()),
      ('tensorflow', tf.__version__),
      ('onednn_opts', os.environ.get('TF_ENABLE_ONEDNN_OPTS', '')),
      ('onednn_enabled', _onednn_enabled()),
      ('flops', flops),
  ])
  report['summary'] = summarize(results, flops)
  report['results'] = results
  report['wall_s'] = time.perf_counter() - start
  print(format_table(report))
  print('Total time %.0f s.' % report['wall_s'])
  if FLAGS.output_json:
    with open(FLAGS.output_json, 'w') as f:
      json.dump(report, f, indent=2)
    print('Wrote %s' % FLAGS.output_json)


def run():
  """Entry point of `python -m cifar10.cifar10_benchmark` and the command."""
  cifar10.run_main(main)


if __name__ == '__main__':
  run()
