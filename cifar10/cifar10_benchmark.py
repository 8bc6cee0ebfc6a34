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

"""How fast is the tutorial on this machine, against its limit and the rest?

One run, in this order (--phases picks some):

  matmul      the dense float32 matmul rate (GFLOP/s): the compute limit.
  pipeline    distorted_inputs alone, then the tutorial's original per-image
              pipeline alone: images per second and per CPU-second.
  compute     the training step on a batch in memory (compute only), in
              float32 and with --mixed_precision, and fed by distorted_inputs.
  eval        inputs + inference + in_top_k.
  summaries   steps computing every summary against plain steps, for both
              trainers (and with TensorFlow's histogram kernel).
  batch_sizes the compute-only step at other batch sizes.
  towers      cifar10_multi_gpu_train's step, --num_gpus 1 and 2.
  trainer     cifar10_train as shipped, float32 and --mixed_precision (child
              processes): the median of their own examples/sec lines.
  keras       the network in tf.keras, model.fit on tf.data (cifar10_keras,
              a child process).

Figures compared are timed in alternating windows, so that the machine's
drift hits them alike; each window records the CPU other processes took
(cifar10_timing). It prints a table with the targets met or not
(cifar10_benchmark_report) and writes JSON (--output_json), whose keys
docs/benchmark.md documents with what earlier runs found (oneDNN, XLA,
thread pools, LRN variants, per-op profiles). Without CIFAR-10 files in
--data_dir it generates a synthetic set, and says so.

Usage:
  python -m cifar10.cifar10_benchmark --output_json=/tmp/bench.json
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import importlib
import os
import sys

if __package__ in (None, ''):
  # Run as `cd cifar10 && python cifar10_benchmark.py`: import the package
  # first, as `python -m` does, so that its TensorFlow settings count.
  sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  importlib.import_module('cifar10')

import collections  # pylint: disable=g-import-not-at-top
import contextlib
import json
import math
import re
import shutil
import subprocess
import tempfile
import time
from unittest import mock

import numpy as np
import tensorflow.compat.v1 as tf

# Owns --batch_size, --data_dir, --use_fp16, --mixed_precision, --xla.
from cifar10 import cifar10
from cifar10 import cifar10_app
from cifar10 import cifar10_benchmark_report as report_lib
from cifar10 import cifar10_cluster
from cifar10 import cifar10_download
from cifar10 import cifar10_input
from cifar10 import cifar10_keras
from cifar10 import cifar10_multi_gpu_train
from cifar10 import cifar10_precision
from cifar10 import cifar10_summary
from cifar10 import cifar10_synthetic  # Owns --records_per_file.
from cifar10 import cifar10_timing
from cifar10 import cifar10_train  # session_config().

FLAGS = tf.app.flags.FLAGS

# In the order they run. 'distributed' (several minutes of child processes:
# cifar10_cluster.measure) runs only when asked for.
PHASES = ('matmul', 'pipeline', 'compute', 'eval', 'summaries',
          'batch_sizes', 'towers', 'distributed', 'trainer', 'keras')

tf.app.flags.DEFINE_list('phases',
                         ','.join(p for p in PHASES if p != 'distributed'),
                         """What to measure, from: %s.""" % ', '.join(PHASES))
tf.app.flags.DEFINE_integer('steps', 20, """Timed steps per window.""",
                            lower_bound=1)
tf.app.flags.DEFINE_integer('warmup_steps', 3, """Untimed steps first (the """
                            """first waits for the queue to fill).""",
                            lower_bound=1)
tf.app.flags.DEFINE_integer('repeats', 1, """Windows per figure; the median """
                            """is reported.""", lower_bound=1)
tf.app.flags.DEFINE_integer('num_threads',
                            cifar10_input.NUM_PREPROCESS_THREADS,
                            """Preprocessing threads.""", lower_bound=1)
tf.app.flags.DEFINE_list('batch_sizes', '64,128,256,512',
                         """Batch sizes of the compute-only sweep.""")
tf.app.flags.DEFINE_list('tower_counts', '1,2', """--num_gpus values.""")
tf.app.flags.DEFINE_float('min_fraction_in_queue',
                          cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE,
                          """Fraction of an epoch in the shuffle queue; """
                          """smaller only starts faster (tests).""",
                          lower_bound=0.0, upper_bound=1.0)
tf.app.flags.DEFINE_float('wait_quiet_secs', 0.0,
                          """Wait up to this long for other processes to """
                          """leave the cores before each window, and time """
                          """windows they disturbed again.""",
                          lower_bound=0.0)
cifar10_app.require_finite('min_fraction_in_queue', 'wait_quiet_secs')
tf.app.flags.DEFINE_integer('keras_timeout', 600, """Seconds the Keras """
                            """child may take.""", lower_bound=1)
# cifar10_predict has an --output_json of its own; a process runs one script
# (the tests import both), so each may define it.
tf.app.flags.DEFINE_string('output_json', '', """Write the figures here.""",
                           allow_override=True)

SYNTHETIC_RECORDS_PER_FILE = 2000
# ----------------------------------------------------------------------------
# The graphs, each in its own tf.Graph.


def _batches_dir(data_dir):
  return os.path.join(data_dir, cifar10_download.EXTRACTED_DIR)


def _queue_fraction():
  """inputs() with --min_fraction_in_queue as its queue's fraction."""
  return mock.patch.object(cifar10_input, 'MIN_FRACTION_OF_EXAMPLES_IN_QUEUE',
                           FLAGS.min_fraction_in_queue)


def _distorted_inputs(data_dir, batch_size):
  return cifar10_input.distorted_inputs(
      _batches_dir(data_dir), batch_size, FLAGS.num_threads,
      min_fraction_of_examples_in_queue=FLAGS.min_fraction_in_queue)


def _fixed_batch(batch_size, data_dir):
  """Standardized central crops of the first records (numpy): a batch to
  hold in memory."""
  path = os.path.join(_batches_dir(data_dir), cifar10_input.TRAIN_FILES[0])
  raw = np.fromfile(path, np.uint8).reshape(-1, cifar10_input.RECORD_BYTES)
  rows = raw[np.arange(batch_size) % len(raw)]
  images = rows[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
  images = images[:, 4:28, 4:28].astype(np.float32)
  images -= images.mean(axis=(1, 2, 3), keepdims=True)
  images /= images.std(axis=(1, 2, 3), keepdims=True)
  return images, rows[:, 0].astype(np.int32)


def training_graph(batch_size, data_dir, in_memory, mixed_precision=False):
  """cifar10_train's graph: (graph, train_op)."""
  graph = tf.Graph()
  with graph.as_default(), tf.device('/cpu:0'):
    if in_memory:
      images, labels = [tf.Variable(v, trainable=False, collections=[
          tf.GraphKeys.LOCAL_VARIABLES]).value() for v in _fixed_batch(
              batch_size, data_dir)]
    else:
      images, labels = _distorted_inputs(data_dir, batch_size)
  with graph.as_default():
    global_step = tf.train.get_or_create_global_step()
    loss = cifar10.loss(cifar10.inference(images, mixed_precision), labels)
    train_op = cifar10.train(loss, global_step, batch_size, mixed_precision)
  return graph, train_op


def tutorial_pipeline(data_dir, batch_size, num_threads):
  """The original pipeline, for comparison: each image read, converted to
  float32, cropped, flipped, brightened, contrasted and standardized alone
  in the preprocessing threads, and a float32 shuffle queue."""
  filenames = [os.path.join(_batches_dir(data_dir), f)
               for f in cifar10_input.TRAIN_FILES]
  record = cifar10_input.read_cifar10(
      tf.train.string_input_producer(filenames))
  image = tf.random_crop(tf.cast(record.uint8image, tf.float32), [24, 24, 3])
  image = tf.image.random_flip_left_right(image)
  image = tf.image.random_brightness(image, max_delta=63)
  image = tf.image.random_contrast(image, lower=0.2, upper=1.8)
  image = tf.image.per_image_standardization(image)
  image.set_shape([24, 24, 3])
  minimum = int(cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN *
                FLAGS.min_fraction_in_queue)
  return tf.train.shuffle_batch(
      [image, tf.reshape(record.label, [])], batch_size,
      num_threads=num_threads,
      capacity=minimum + 3 * batch_size, min_after_dequeue=minimum)


def towers_graph(num_gpus, batch_size, data_dir):
  """cifar10_multi_gpu_train's graph: (graph, train_op)."""
  graph = tf.Graph()
  with graph.as_default():
    with tf.device('/cpu:0'):
      images, labels = _distorted_inputs(data_dir, batch_size)
      batch_queue = cifar10_multi_gpu_train.prefetch_queue(
          [images, labels], capacity=2 * num_gpus)
    train_op, _ = cifar10_multi_gpu_train.tower_train_op(
        lambda i: batch_queue.dequeue(), num_gpus, batch_size)
  return graph, train_op


def _time(steppers, steps=None):
  """Alternating windows of the steppers, as the flags say."""
  return cifar10_timing.time_interleaved(
      steppers, steps or FLAGS.steps, FLAGS.warmup_steps, FLAGS.repeats,
      FLAGS.wait_quiet_secs)


def _time_graph(graph, fetch, images, config, steps=None):
  """The figures of one graph's `fetch` (`images` a run) timed alone."""
  with cifar10_timing.Sessions(config) as sessions:
    sess = sessions.open(graph)
    return _time({'run': (lambda: sess.run(fetch), images)}, steps)['run']


# ----------------------------------------------------------------------------
# The measurements.


def measure_matmul(config, n=1024, chain=8, trials=7):
  """The best of `trials` runs of `chain` chained NxN float32 matmuls."""
  with tf.Graph().as_default():
    a = tf.Variable(np.random.RandomState(0).randn(n, n).astype(np.float32) /
                    math.sqrt(n))
    out = a
    for _ in range(chain):
      out = tf.matmul(out, a)
    out = tf.reduce_sum(out)
    with tf.Session(config=config) as sess:
      sess.run(tf.global_variables_initializer())
      sess.run(out)
      rates, other = [], []
      for _ in range(trials):
        cifar10_timing.wait_for_quiet(FLAGS.wait_quiet_secs)
        meter = cifar10_timing.CpuMeter()
        sess.run(out)
        load = meter.read()
        rates.append(2.0 * n ** 3 * chain / load['wall_s'] / 1e9)
        other.append(load['other_cores'] or 0.0)
  return {'gflops': max(rates), 'trials': rates, 'other_cores': max(other),
          'disturbed': max(other) > cifar10_timing.DISTURBED_CORES}


def measure_pipelines(batch_size, data_dir, config):
  """distorted_inputs and the tutorial's pipeline, each alone in the process
  (dequeues only): images per second and per CPU-second."""
  results = collections.OrderedDict()
  for name in ('package', 'tutorial'):
    graph = tf.Graph()
    with graph.as_default(), tf.device('/cpu:0'):
      batch = (_distorted_inputs(data_dir, batch_size) if name == 'package'
               else tutorial_pipeline(data_dir, batch_size, FLAGS.num_threads))
    results[name] = _time_graph(graph, batch, batch_size, config)
    results[name]['images_per_cpu_sec'] = (
        results[name]['images_per_sec'] / results[name]['own_cores'])
  return results


def measure_training(batch_size, data_dir, config):
  """Compute-only (float32 and mixed precision) and queue-fed steps."""
  graphs = collections.OrderedDict([
      ('compute', training_graph(batch_size, data_dir, True)),
      ('mixed_precision', training_graph(batch_size, data_dir, True, True)),
      ('queue_fed', training_graph(batch_size, data_dir, False))])
  with cifar10_timing.Sessions(config) as sessions:
    steppers = collections.OrderedDict()
    for name, (graph, train_op) in graphs.items():
      sess = sessions.open(graph)
      steppers[name] = (lambda s=sess, op=train_op: s.run(op), batch_size)
    results = _time(steppers)
  results['mixed_precision']['dtype'] = (
      cifar10_precision.compute_dtype(True).name)
  results['peak_rss_mib'] = cifar10_timing.peak_rss_mib()
  return results


def measure_eval(batch_size, data_dir, config):
  """cifar10_eval's graph: inputs + inference + in_top_k."""
  graph = tf.Graph()
  with graph.as_default():
    with tf.device('/cpu:0'), _queue_fraction():
      images, labels = cifar10.inputs(True, data_dir, batch_size)
    top_k_op = tf.nn.in_top_k(cifar10.inference(images), labels, 1)
  return _time_graph(graph, top_k_op, batch_size, config)


def _tutorial_activation_summary(name, x):
  cifar10_summary.tower_histogram_summary(name + '/activations', x)
  cifar10_summary.tower_scalar_summary(name + '/sparsity',
                                       tf.nn.zero_fraction(x))


@contextlib.contextmanager
def tutorial_summaries():
  """Within it, graphs get the tutorial's summaries: TensorFlow's histogram
  kernel, and tf.nn.zero_fraction for the sparsity."""
  with mock.patch.object(
      cifar10_summary, 'histogram_summary',
      lambda tag, values: tf.raw_ops.HistogramSummary(tag=tag, values=values)
  ), mock.patch.object(cifar10_summary, 'tower_activation_summary',
                       _tutorial_activation_summary):
    yield


def measure_summaries(batch_size, data_dir, config):
  """Plain steps and steps that also write every summary to an event file,
  for both trainers' graphs and for cifar10_train's with TensorFlow's
  histogram kernel, in turn. Returns {name: {plain_ms, summary_ms}}."""
  graphs = collections.OrderedDict([
      ('cifar10_train', training_graph(batch_size, data_dir, False)),
      ('cifar10_multi_gpu_train', towers_graph(1, batch_size, data_dir))])
  with tutorial_summaries():
    graphs['cifar10_train, TensorFlow histogram kernel'] = training_graph(
        batch_size, data_dir, False)
  log_dir = tempfile.mkdtemp(prefix='cifar10_benchmark_summaries_')
  steppers, writers = collections.OrderedDict(), []
  try:
    with cifar10_timing.Sessions(config) as sessions:
      for i, (name, (graph, train_op)) in enumerate(graphs.items()):
        with graph.as_default():
          summary_op = tf.summary.merge_all()
        writer = tf.summary.FileWriter(os.path.join(log_dir, str(i)))
        writers.append(writer)
        sess = sessions.open(graph)
        steppers[name, 'plain_ms'] = (
            lambda s=sess, op=train_op: s.run(op), batch_size)
        steppers[name, 'summary_ms'] = (
            lambda s=sess, op=[train_op, summary_op], w=writer:
            w.add_summary(s.run(op)[1]), batch_size)
      results = _time(steppers, steps=max(2, FLAGS.steps // 4))
  finally:
    for writer in writers:
      writer.close()
    shutil.rmtree(log_dir, ignore_errors=True)
  out = collections.OrderedDict((name, {'disturbed': False}) for name in graphs)
  for (name, kind), res in results.items():
    out[name][kind] = 1000.0 * batch_size / res['images_per_sec']
    out[name]['disturbed'] |= res['disturbed']
  return out


def measure_compute_batch(batch_size, data_dir, config):
  graph, train_op = training_graph(batch_size, data_dir, True)
  return _time_graph(graph, train_op, batch_size, config,
                     max(2, FLAGS.steps * 128 // batch_size))


def measure_towers(num_gpus, batch_size, data_dir, config):
  graph, train_op = towers_graph(num_gpus, batch_size, data_dir)
  result = _time_graph(graph, train_op, batch_size * num_gpus, config,
                       max(2, FLAGS.steps // num_gpus))
  result['gpus_found'] = len(tf.config.list_physical_devices('GPU'))
  return result


def _run_child(cmd, timeout):
  """Runs cmd with this package importable: (stdout, None) or (None, why it
  failed)."""
  env = dict(os.environ)
  root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env['PYTHONPATH'] = root + os.pathsep + env.get('PYTHONPATH', '')
  # A TMPDIR of its own: a child killed left autograph's files in TMPDIR.
  env['TMPDIR'] = tempfile.mkdtemp(prefix='cifar10_benchmark_child_')
  try:
    # A child ends with this process, even when it is killed (SIGKILL).
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=timeout,
                          preexec_fn=cifar10_cluster._die_with_parent)  # pylint: disable=protected-access
  except subprocess.TimeoutExpired:
    return None, 'timed out after %d s' % timeout
  finally:
    shutil.rmtree(env['TMPDIR'], ignore_errors=True)
  if proc.returncode:
    # Its last line is its one-line error (or a traceback's exception).
    return None, 'exited %d: %s' % (proc.returncode,
                                    report_lib.last_line(proc.stderr))
  return proc.stdout, None


def _trainer_child(data_dir, batch_size, mixed_precision):
  """One cifar10_train child: (its examples/sec lines but the first, which
  waits for the queue to fill; other processes' cores; error or None)."""
  # Windows of 10 steps, or of --steps if fewer.
  log_frequency = min(10, FLAGS.steps)
  max_steps = log_frequency * (2 + -(-(FLAGS.warmup_steps + FLAGS.steps) //
                                     log_frequency))
  cifar10_timing.wait_for_quiet(FLAGS.wait_quiet_secs)
  meter = cifar10_timing.CpuMeter()
  work = tempfile.mkdtemp(prefix='cifar10_benchmark_train_')
  try:
    stdout, error = _run_child(
        [sys.executable, '-m', 'cifar10.cifar10_train',
         '--data_dir=' + report_lib.linked_data_dir(work, data_dir),
         '--train_dir=' + os.path.join(work, 'train'),
         '--batch_size=%d' % batch_size, '--max_steps=%d' % max_steps,
         '--log_frequency=%d' % log_frequency,
         '--min_fraction_of_examples_in_queue=%r' % (
             FLAGS.min_fraction_in_queue),
         '--mixed_precision=%s' % mixed_precision], timeout=1800)
  finally:
    shutil.rmtree(work, ignore_errors=True)  # The link, not the data.
  other = meter.read()['other_cores'] or 0.0
  if error:
    return [], other, 'cifar10_train ' + error
  lines = re.findall(cifar10.LOG_RATE, stdout, re.M)
  rates = [float(rate) for _, rate in lines[1:]]
  return rates, other, (None if rates else 'no log lines: ' +
                        report_lib.last_line(stdout))


def measure_trainers(data_dir, batch_size):
  """cifar10_train as shipped, float32 and --mixed_precision, in alternating
  child processes (--repeats of each): the median of their log lines."""
  runs = collections.OrderedDict((name, {'windows': [], 'other_cores': 0.0,
                                         'reason': ''})
                                 for name in ('float32', 'mixed_precision'))
  for _ in range(FLAGS.repeats):
    for name, run in runs.items():
      rates, other, error = _trainer_child(data_dir, batch_size,
                                           name == 'mixed_precision')
      run['windows'] += rates
      run['other_cores'] = max(run['other_cores'], other)
      run['reason'] = run['reason'] or error or ''
  for run in runs.values():
    run['available'] = bool(run['windows']) and not run['reason']
    run['images_per_sec'] = (float(np.median(run['windows']))
                             if run['available'] else None)
    run['disturbed'] = run['other_cores'] > cifar10_timing.DISTURBED_CORES
  return runs


def measure_keras(data_dir, batch_size):
  spec = {'data_dir': data_dir, 'batch_size': batch_size,
          'num_threads': FLAGS.num_threads, 'steps': FLAGS.steps,
          'warmup_steps': FLAGS.warmup_steps, 'repeats': FLAGS.repeats,
          'shuffle': int(cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN *
                         FLAGS.min_fraction_in_queue)}
  meter = cifar10_timing.CpuMeter()
  stdout, error = _run_child(
      [sys.executable, '-c', 'from cifar10 import cifar10_keras; '
       'cifar10_keras.main()', json.dumps(spec)], FLAGS.keras_timeout)
  if error:
    return {'available': False, 'reason': 'Keras child ' + error}
  prefix = cifar10_keras.RESULT_PREFIX
  lines = [l for l in stdout.splitlines() if l.startswith(prefix)]
  if not lines:
    return {'available': False, 'reason': 'Keras child printed no result'}
  result = json.loads(lines[-1][len(prefix):])
  result['other_cores'] = meter.read()['other_cores']
  result['disturbed'] = ((result['other_cores'] or 0) >
                         cifar10_timing.DISTURBED_CORES)
  return result


def _measure_distributed(data_dir, batch_size):
  work_dir = tempfile.mkdtemp(prefix='cifar10_benchmark_cluster_')
  try:
    return cifar10_cluster.measure(report_lib.linked_data_dir(
        work_dir, data_dir), work_dir, batch_size=batch_size)
  finally:
    shutil.rmtree(work_dir, ignore_errors=True)


def run_benchmark(phases, data_dir, batch_size):
  """Runs `phases` in PHASES' order: {JSON key: figures}."""
  # Soft placement: the multi-GPU trainer's towers ask for GPUs.
  config = cifar10_train.session_config(log_device_placement=False,
                                        allow_soft_placement=True)
  args = (batch_size, data_dir, config)
  plan = [  # (phase, what the log says, the measurement)
      ('matmul', 'matmul rate', lambda: measure_matmul(config)),
      ('pipeline', "input pipelines alone: the package's and the "
       "tutorial's, in turn", lambda: measure_pipelines(*args)),
      ('compute', 'training: compute only in float32 and mixed precision, '
       'and fed by the queues, in turn', lambda: measure_training(*args)),
      ('eval', 'evaluation', lambda: measure_eval(*args)),
      ('summaries', 'summary steps against plain steps',
       lambda: measure_summaries(*args)),
      ('batch_sizes', 'compute only, batch sizes ' + ','.join(
          FLAGS.batch_sizes), lambda: collections.OrderedDict(
              (str(n), measure_compute_batch(n, data_dir, config))
              for n in report_lib.positive_ints(FLAGS.batch_sizes,
                                                 'batch_sizes'))),
      ('towers', 'multi-GPU trainer step, --num_gpus ' + ','.join(
          FLAGS.tower_counts), lambda: collections.OrderedDict(
              (str(n), measure_towers(n, *args))
              for n in report_lib.positive_ints(FLAGS.tower_counts,
                                                 'tower_counts'))),
      ('distributed', 'cifar10_train against 1 ps + 1 worker, and 2 workers '
       'synchronous and asynchronous, alternating, in child processes',
       lambda: _measure_distributed(data_dir, batch_size)),
      ('trainer', 'cifar10_train as shipped, float32 and --mixed_precision, '
       'in alternating child processes',
       lambda: measure_trainers(data_dir, batch_size)),
      ('keras', 'tf.keras model.fit in a child process',
       lambda: measure_keras(data_dir, batch_size)),
      # Again at the end, the better run kept: the machine drifts.
      ('matmul', 'matmul rate again', lambda: measure_matmul(config))]
  r = collections.OrderedDict()
  for phase, message, measure in plan:
    if phase in phases:
      print('[benchmark] ' + message)
      sys.stdout.flush()
      key = 'training' if phase == 'compute' else phase
      result = measure()
      if key in r:  # The matmul rate twice: the better run, every trial.
        trials = r[key]['trials'] + result['trials']
        result = max(r[key], result, key=lambda m: m['gflops'])
        result['trials'] = trials
      r[key] = result
  return r


def _prepare_data(data_dir):
  """Returns (data_dir, synthetic, temporary directory to remove or None).

  A synthetic set only where --data_dir has none of the data files: a set
  with some of them missing or damaged is the error check_data_files names.
  """
  files = report_lib.data_files(data_dir, text_files=False)
  if any(os.path.lexists(f) for f in files):
    cifar10_input.check_data_files(files)
    return data_dir, cifar10_input.is_synthetic(_batches_dir(data_dir)), None
  temp = tempfile.mkdtemp(prefix='cifar10_benchmark_data_')
  try:
    cifar10_synthetic.write_data_set(
        temp, FLAGS.records_per_file if FLAGS['records_per_file'].present
        else SYNTHETIC_RECORDS_PER_FILE, seed=0)
  except BaseException:  # Ctrl-C or SIGTERM while writing it, too.
    shutil.rmtree(temp, ignore_errors=True)
    raise
  return temp, True, temp


def main(argv=None):  # pylint: disable=unused-argument
  # Bad flags are one line (cifar10_dirs.UserError) before any measuring;
  # SIGTERM and SIGHUP stop the run as Ctrl-C does, up to the report.
  phases = report_lib.check_flags(FLAGS, PHASES)
  with cifar10_timing.stop_on_signals('cifar10_benchmark'):
    _measure_and_report(phases)


def _measure_and_report(phases):
  start = time.perf_counter()
  data_dir, synthetic, temp = _prepare_data(FLAGS.data_dir)
  try:
    if synthetic:
      print(report_lib.SYNTHETIC_BANNER % data_dir)
    results = run_benchmark(phases, data_dir, FLAGS.batch_size)
  finally:
    if temp:
      shutil.rmtree(temp, ignore_errors=True)
  flops = report_lib.model_flops()
  report = collections.OrderedDict([
      ('synthetic_data', synthetic), ('data_dir', data_dir),
      ('date', time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())),
      ('command', ' '.join(sys.argv)), ('cpu', cifar10_timing.cpu_model()),
      ('cpu_computes_bfloat16', cifar10_precision.cpu_computes_bfloat16()),
      ('onednn_on', cifar10_precision.onednn_on()),
      ('cpu_count', os.cpu_count()), ('tensorflow', tf.__version__),
      ('batch_size', FLAGS.batch_size), ('num_threads', FLAGS.num_threads),
      ('steps', FLAGS.steps), ('warmup_steps', FLAGS.warmup_steps),
      ('repeats', FLAGS.repeats),
      ('min_fraction_in_queue', FLAGS.min_fraction_in_queue),
      ('phases', phases), ('flops', flops),
      ('summary', report_lib.summarize(results, flops)), ('results', results)])
  report['wall_s'] = time.perf_counter() - start
  print(report_lib.format_table(report))
  print('Total time %.0f s.' % report['wall_s'])
  if FLAGS.output_json:
    report_lib.write_json(FLAGS.output_json, report)
    print('Wrote %s' % FLAGS.output_json)


def run():
  """Entry point of `python -m cifar10.cifar10_benchmark` and the command."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
