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
"""cifar10_benchmark: the FLOP count, and a smoke run of every phase.

No timing is asserted: the machines running the tests are shared.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_benchmark
from cifar10 import cifar10_benchmark_report
from cifar10 import cifar10_dirs
from cifar10 import cifar10_input
from cifar10 import cifar10_precision
from cifar10 import cifar10_timing
import conftest
from conftest import run_module

# Forward multiply-adds of one 24x24 image, layer by layer, from the shapes:
# conv1 24*24 outputs * 64 * 5*5*3; conv2 12*12 * 64 * 5*5*64 (after pool1);
# local3 (6*6*64 = 2304) * 384; local4 384 * 192; softmax_linear 192 * 10.
FORWARD_MACS = {
    'conv1': 24 * 24 * 64 * 5 * 5 * 3,       # 2,764,800
    'conv2': 12 * 12 * 64 * 5 * 5 * 64,      # 14,745,600
    'local3': 2304 * 384,                    # 884,736
    'local4': 384 * 192,                     # 73,728
    'softmax_linear': 192 * 10,              # 1,920
}


def test_model_flops_from_layer_shapes():
  flops = cifar10_benchmark_report.model_flops()
  assert dict(flops['layers']) == FORWARD_MACS
  assert flops['forward_macs'] == 18470784  # SPEC: about 18.5M.
  assert flops['forward'] == 36941568
  # Backward: weight and input gradients (2x forward), less conv1's input
  # gradient: 2 * 36,941,568 - 2 * 2,764,800.
  assert flops['backward'] == 68353536
  assert flops['train'] == 105295104
  assert flops['train'] == flops['forward'] + flops['backward']


def test_model_flops_follow_the_shapes():
  # Another image size changes every layer after the convolutions' inputs.
  flops = cifar10_benchmark_report.model_flops(image_size=32)
  assert flops['layers']['conv1'] == 32 * 32 * 64 * 75
  assert flops['layers']['conv2'] == 16 * 16 * 64 * 1600
  assert flops['layers']['local3'] == 8 * 8 * 64 * 384
  # Odd sizes round up under SAME pooling: 25 -> 13 -> 7.
  flops = cifar10_benchmark_report.model_flops(image_size=25)
  assert flops['layers']['conv2'] == 13 * 13 * 64 * 1600
  assert flops['layers']['local3'] == 7 * 7 * 64 * 384


def test_model_flops_match_the_built_graph():
  """The count agrees with the Conv2D and MatMul ops of cifar10.inference
  (but for the matmuls that sum LRN's windows: LRN is not counted)."""
  with tf.Graph().as_default() as g:
    cifar10.inference(tf.placeholder(tf.float32, [1, 24, 24, 3]))
    macs = {}
    for op in g.get_operations():
      if op.name.startswith(('norm1/', 'norm2/')):
        continue
      if op.type == 'Conv2D':
        out = op.outputs[0].shape.as_list()
        kh, kw, cin, _ = op.inputs[1].shape.as_list()
        macs[op.name.split('/')[0]] = int(np.prod(out[1:])) * kh * kw * cin
      elif op.type == 'MatMul':
        k, n = op.inputs[1].shape.as_list()
        macs[op.name.split('/')[0]] = k * n
  assert macs == FORWARD_MACS


def _inference_summaries(tutorial):
  """(HistogramSummary ops, NotEqual ops, summary tags) of inference()."""
  with tf.Graph().as_default() as g:
    images = tf.placeholder(tf.float32, [8, 24, 24, 3])
    if tutorial:
      with cifar10_benchmark.tutorial_summaries():
        cifar10.inference(images)
    else:
      cifar10.inference(images)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      serialized = sess.run(merged, {images: np.ones([8, 24, 24, 3])})
  ops = g.get_operations()
  return (sum(op.type == 'HistogramSummary' for op in ops),
          sum(op.type == 'NotEqual' for op in ops),
          [v.tag for v in tf.Summary.FromString(serialized).value])


def test_tutorial_summaries_are_the_original_kernels():
  """The summary phase's comparison graph has TensorFlow's histogram kernel
  for each activation and tf.nn.zero_fraction (whose count is a NotEqual)
  for each sparsity; the package's graph neither, with the same tags."""
  tutorial, package = _inference_summaries(True), _inference_summaries(False)
  # zero_fraction counts in both branches of a tf.cond: two NotEqual each.
  assert tutorial[0] == 5 and tutorial[1] >= 5
  assert package[:2] == (0, 0)
  assert tutorial[2] == package[2]
  assert len(package[2]) == 10 and 'conv1/conv1/sparsity' in package[2]


def test_empty_data_dir_gets_a_synthetic_set(tmp_path):
  data_dir, synthetic, temp = cifar10_benchmark._prepare_data(  # pylint: disable=protected-access
      str(tmp_path / 'nothing_here'))
  try:
    assert synthetic and temp == data_dir
    assert cifar10_input.is_synthetic(os.path.join(data_dir,
                                                   'cifar-10-batches-bin'))
  finally:
    shutil.rmtree(temp)


@pytest.fixture(scope='module')
def report(synthetic_data_dir, tmp_path_factory):
  out = str(tmp_path_factory.mktemp('benchmark') / 'bench.json')
  proc = run_module(
      'cifar10_benchmark', '--data_dir=' + synthetic_data_dir,
      '--batch_size=32', '--batch_sizes=16,32', '--steps=2',
      '--warmup_steps=1', '--num_threads=2', '--min_fraction_in_queue=0.02',
      '--output_json=' + out, timeout=400)
  with open(out) as f:
    return {'json': json.load(f), 'stdout': proc.stdout,
            'stderr': proc.stderr}


SUMMARY_FIGURES = (
    'matmul_gflops', 'train_flops_per_image', 'input_pipeline_images_per_sec',
    'input_pipeline_images_per_cpu_sec',
    'tutorial_pipeline_images_per_cpu_sec', 'pipeline_cpu_speedup',
    'train_compute_only_images_per_sec', 'train_queue_images_per_sec',
    'mixed_precision_compute_only_images_per_sec', 'mixed_vs_float32',
    'shipped_trainer_images_per_sec',
    'shipped_trainer_mixed_precision_images_per_sec',
    'trainer_mixed_vs_float32', 'keras_fit_images_per_sec',
    'eval_images_per_sec', 'peak_rss_mib', 'keras_peak_rss_mib',
    'compute_flop_fraction', 'queue_vs_compute', 'faithful_vs_keras')


def test_benchmark_json_has_every_figure_positive(report):
  summary = report['json']['summary']
  for key in SUMMARY_FIGURES:
    assert summary[key] > 0, key
  assert summary['train_flops_per_image'] == 105295104
  assert summary['mixed_precision_dtype'] == (
      cifar10_precision.compute_dtype(True).name)
  assert list(summary['batch_size_images_per_sec']) == ['16', '32']
  assert all(v > 0 for v in summary['batch_size_images_per_sec'].values())
  assert list(summary['towers_images_per_sec']) == ['1', '2']
  assert all(v > 0 for v in summary['towers_images_per_sec'].values())
  assert list(summary['summary_step_ms']) == [
      'cifar10_train', 'cifar10_multi_gpu_train',
      'cifar10_train, TensorFlow histogram kernel']
  for steps in summary['summary_step_ms'].values():
    assert steps['plain_ms'] > 0 and steps['summary_ms'] > 0
  assert list(summary['targets']) == list(cifar10_benchmark_report.TARGETS)
  for name, target in summary['targets'].items():
    key, value, _ = cifar10_benchmark_report.TARGETS[name]
    assert target['target'] == value
    assert target['value'] == summary[key]
    assert target['met'] == (summary[key] >= value)


def test_benchmark_records_how_it_measured(report):
  rep = report['json']
  assert rep['synthetic_data'] is True
  assert rep['batch_size'] == 32 and rep['num_threads'] == 2
  # Every phase but 'distributed', which runs only when asked for.
  assert rep['phases'] == [p for p in cifar10_benchmark.PHASES
                           if p != 'distributed']
  assert rep['cpu_computes_bfloat16'] == (
      cifar10_precision.cpu_computes_bfloat16())
  assert rep['onednn_on'] == cifar10_precision.onednn_on()
  results = rep['results']
  assert list(results) == ['matmul', 'pipeline', 'training', 'eval',
                           'summaries', 'batch_sizes', 'towers', 'trainer',
                           'keras']
  # The matmul rate is measured first and last: the better, every trial.
  assert len(results['matmul']['trials']) == 14
  assert results['matmul']['gflops'] == max(results['matmul']['trials'])
  assert 'matmul rate again' in report['stdout']
  assert results['keras']['process'] == 'child'
  # The Keras model has the tutorial's 1,068,298 parameters.
  assert results['keras']['params'] == 1068298
  for name in ('compute', 'mixed_precision', 'queue_fed'):
    result = results['training'][name]
    assert result['other_cores'] is None or result['other_cores'] >= 0, name
    assert len(result['windows']) == 1, name
  for name in ('package', 'tutorial'):
    assert results['pipeline'][name]['own_cores'] > 0
  for name in ('float32', 'mixed_precision'):
    assert results['trainer'][name]['available'], results['trainer'][name]


def test_benchmark_prints_the_table_and_says_synthetic(report):
  out = report['stdout']
  assert 'SYNTHETIC DATA' in out
  for line in ('dense matmul', 'input pipeline alone, package',
               'input pipeline alone, tutorial',
               'train step, batch in memory', 'the same, --mixed_precision',
               'train step fed by the queues', 'tf.keras model.fit',
               'cifar10_train as shipped, float32',
               'cifar10_train as shipped, mixed_precision',
               'eval: inputs + inference', 'peak resident memory',
               'summary / plain step (ms), cifar10_multi_gpu_train',
               '--num_gpus 2'):
    assert line in out, line
  for name in cifar10_benchmark_report.TARGETS:
    assert re.search(r'target %s +>= [\d.]+: [\d.]+  (met|NOT met)' % name,
                     out), name
  assert "not the tutorial's 0.4" in out  # --min_fraction_in_queue is noted.
  # Graphs that hold their batch in memory start no queue runners: TensorFlow
  # warned twice that there were none to start.
  assert 'no queue runners were defined' not in report['stderr']


def _refused(*args, data_dir=None):
  """Runs the benchmark with args; its one error line (nothing measured)."""
  proc = run_module('cifar10_benchmark', '--phases=matmul',
                    '--data_dir=%s' % (data_dir or '/nonexistent'), *args,
                    check=False, timeout=120)
  assert proc.returncode == 1, proc.stderr[-2000:]
  assert 'Traceback' not in proc.stderr
  assert '[benchmark]' not in proc.stdout  # Nothing measured.
  return proc.stderr.strip().splitlines()[-1]


CHOOSE = 'choose from ' + ', '.join(cifar10_benchmark.PHASES)


@pytest.mark.parametrize('phases, message', [
    ('matmul,bogus', 'unknown phase bogus; ' + CHOOSE),
    # An empty list ran nothing and exited 0 with a table of dashes.
    ('', '--phases is empty; ' + CHOOSE),
])
def test_phases_are_checked(phases, message):
  assert _refused('--phases=' + phases) == (
      'cifar10_benchmark: error: ' + message)


@pytest.mark.parametrize('flag', ['mixed_precision', 'use_fp16'])
def test_precision_flags_are_refused(flag):
  """The package's precision flags changed the eval and towers phases only,
  under their float32 labels: refused, the benchmark times both itself."""
  assert _refused('--' + flag) == (
      'cifar10_benchmark: error: --%s is not a benchmark flag: the benchmark '
      'times float32 and --mixed_precision side by side; drop --%s.'
      % (flag, flag))


@pytest.mark.parametrize('args, message', [
    (['--phases=batch_sizes', '--batch_sizes=64,100000000000'],
     'Out of memory: --batch_sizes=100000000000 needs about 83968000.9 GB'),
    (['--phases=compute', '--batch_size=1000000000'],
     'Out of memory: --batch_size=1000000000 needs about 839680.9 GB'),
    (['--phases=towers', '--batch_size=1000000', '--tower_counts=1,2'],
     'Out of memory: --batch_size=1000000 with 2 towers needs about 1680.3 GB'),
    (['--phases=towers', '--tower_counts=1,65'],
     '--tower_counts takes positive integers up to 64, got 1,65'),
    # A digit to str.isdigit, and no int: it was a ValueError.
    (['--phases=batch_sizes', '--batch_sizes=64,\u00b2'],
     '--batch_sizes takes positive integers, got 64,\u00b2'),
    (['--data_dir='], '--data_dir is empty; pass a directory.')])
def test_batches_that_cannot_fit_are_refused(args, message):
  """A batch beyond memory ended in numpy's MemoryError or a queue capacity
  beyond int32, with a traceback, once the phase began."""
  assert _refused(*args).startswith('cifar10_benchmark: error: ' + message)


@pytest.mark.parametrize('flag', ['--top_layers=local', '--max_steps=10',
                                  '--dataset=svhn', '--num_gpus=2'])
def test_the_packages_other_flags_are_refused(flag):
  """The modules the benchmark imports define every script's flags: it took
  them silently (--top_layers=local changed the graphs built here but not
  the trainer children's; --dataset=svhn failed after minutes)."""
  name = flag[2:].split('=')[0]
  assert _refused(flag) == (
      'cifar10_benchmark: error: --%s is not a benchmark flag: its phases '
      'would honour it in part or not at all; drop --%s.' % (name, name))


def test_the_packages_flags_at_their_defaults_are_taken(tmp_path):
  proc = run_module('cifar10_benchmark', '--phases=matmul', '--dataset=cifar10',
                    '--top_layers=full', '--data_dir=%s' % tmp_path,
                    '--records_per_file=10', timeout=120)
  assert 'dense matmul' in proc.stdout


def test_the_command_takes_the_benchmarks_own_flags(tmp_path):
  """As the `cifar10_benchmark` command runs it, the module imported (its
  flags are then cifar10.cifar10_benchmark's, not a script path's): its own
  flags were refused as the package's others."""
  proc = subprocess.run(
      [sys.executable, '-c', 'from cifar10 import cifar10_benchmark; '
       'cifar10_benchmark.run()', '--phases=matmul', '--batch_sizes=64',
       '--steps=2', '--top_layers=full', '--data_dir=%s' % tmp_path,
       '--records_per_file=10'], env=conftest.script_env(),
      capture_output=True, text=True, timeout=120, check=False)
  assert proc.returncode == 0, proc.stderr[-2000:]
  assert 'dense matmul' in proc.stdout
  proc = subprocess.run(
      [sys.executable, '-c', 'from cifar10 import cifar10_benchmark; '
       'cifar10_benchmark.run()', '--phases=matmul', '--top_layers=local',
       '--data_dir=%s' % tmp_path], env=conftest.script_env(),
      capture_output=True, text=True, timeout=120, check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_benchmark: error: --top_layers is not a benchmark flag: its '
      'phases would honour it in part or not at all; drop --top_layers.')


def _copy_set(synthetic_data_dir, tmp_path):
  data_dir = str(tmp_path / 'data')
  shutil.copytree(synthetic_data_dir, data_dir)
  return data_dir, os.path.join(data_dir, 'cifar-10-batches-bin')


@pytest.mark.parametrize('damage', ['truncated', 'missing', 'is a file'])
def test_a_damaged_data_dir_is_refused_not_replaced(synthetic_data_dir,
                                                    tmp_path, damage):
  """A set with a file missing or truncated, or a --data_dir that is a file,
  was benchmarked on a generated set instead, under a banner saying there
  were no files: now one line names the file."""
  data_dir, batches = _copy_set(synthetic_data_dir, tmp_path)
  path = os.path.join(batches, 'data_batch_3.bin')
  if damage == 'truncated':
    with open(path, 'r+b') as f:
      f.truncate(1000)
    expected = ('Data file %s has 1000 bytes, not a whole number of 3073-byte '
                'CIFAR-10 records' % path)
  elif damage == 'missing':
    os.remove(path)
    expected = 'Failed to find file: %s.' % path
  else:
    data_dir = path
    expected = ('--data_dir=%s is a file, not a directory; pass the '
                'directory that holds cifar-10-batches-bin/, or one without '
                'it for a synthetic set.' % path)
  assert _refused(data_dir=data_dir).startswith(
      'cifar10_benchmark: error: ' + expected)


def test_output_json_is_checked_before_measuring(synthetic_data_dir,
                                                 tmp_path):
  """Where the report cannot or must not go, one line before any measuring:
  a data file or a file that is not JSON was overwritten at the end, and a
  place os.access calls writable for root (/proc) failed only then."""
  data_dir, batches = _copy_set(synthetic_data_dir, tmp_path)
  error = 'cifar10_benchmark: error: --output_json=%s '
  data_file = os.path.join(batches, 'test_batch.bin')
  with open(data_file, 'rb') as f:
    data = f.read()
  assert _refused('--output_json=' + data_file, data_dir=data_dir) == (
      error % data_file + 'is a file of the data set in --data_dir=%s and '
      'would be overwritten; pass a file name outside it.' % data_dir)
  notes = tmp_path / 'notes.txt'
  notes.write_text('my notes\n')
  assert _refused('--output_json=%s' % notes, data_dir=data_dir) == (
      error % notes + 'is a file that is not JSON, not an earlier report: it '
      'is kept; pass a new file name (with a space instead of "=", the next '
      'argument is taken as the file).')
  assert _refused('--output_json=%s' % tmp_path) == (
      error % tmp_path + 'is a directory; pass a file name.')
  for path, why in ((tmp_path / 'missing' / 'bench.json',
                     'No such file or directory'),
                    ('/proc/bench.json', 'No such file or directory')):
    assert _refused('--output_json=%s' % path) == (
        'cifar10_benchmark: error: cannot write --output_json=%s (%s): '
        'choose a file in a writable directory' % (path, why))
  with open(data_file, 'rb') as f:
    assert f.read() == data
  assert notes.read_text() == 'my notes\n'
  assert sorted(os.listdir(tmp_path)) == ['data', 'notes.txt']  # No trials.


def test_report_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
  """An earlier report is replaced only by a whole new one: a failed write
  (a full disk) leaves it, and no partial file."""
  out = tmp_path / 'bench.json'
  out.write_text('{"earlier": 1}')
  out.chmod(0o640)
  cifar10_benchmark_report.write_json(str(out), {'new': 2})
  assert json.loads(out.read_text()) == {'new': 2}
  assert (out.stat().st_mode & 0o777) == 0o640
  def full_disk(*unused_args, **unused_kwargs):
    raise OSError(28, 'No space left on device')
  monkeypatch.setattr(cifar10_benchmark_report.os, 'replace', full_disk)
  with pytest.raises(cifar10_dirs.UserError, match=re.escape(
      'cannot write --output_json=%s: No space left on device (the table '
      'above has the figures)' % out)):
    cifar10_benchmark_report.write_json(str(out), {'newer': 3})
  assert json.loads(out.read_text()) == {'new': 2}
  assert os.listdir(tmp_path) == ['bench.json']
  # SIGTERM while it writes (main's stop_on_signals covers the writing).
  def stopped(*unused_args, **unused_kwargs):
    raise cifar10_timing.Stopped(signal.SIGTERM)
  monkeypatch.setattr(cifar10_benchmark_report.os, 'replace', stopped)
  with pytest.raises(cifar10_timing.Stopped):
    cifar10_benchmark_report.write_json(str(out), {'newer': 3})
  assert json.loads(out.read_text()) == {'new': 2}
  assert os.listdir(tmp_path) == ['bench.json']


def test_trainer_phase_with_the_temporary_directory_in_data_dir(
    synthetic_data_dir, tmp_path):
  """--data_dir=/tmp with the data in /tmp/cifar-10-batches-bin: the
  children's temporary --train_dir was inside --data_dir, which
  cifar10_train refuses, and the trainer figures were missing. The data
  (reached through a link) is left as it was."""
  data_dir, batches = _copy_set(synthetic_data_dir, tmp_path)
  before = {f: os.path.getmtime(os.path.join(batches, f))
            for f in os.listdir(batches)}
  env = conftest.script_env()
  env['TMPDIR'] = data_dir
  out = str(tmp_path / 'bench.json')
  run_module('cifar10_benchmark', '--phases=trainer', '--steps=2',
             '--warmup_steps=1', '--batch_size=16', '--data_dir=' + data_dir,
             '--min_fraction_in_queue=0.01', '--output_json=' + out,
             env=env, timeout=300)
  with open(out) as f:
    trainer = json.load(f)['results']['trainer']
  for name in ('float32', 'mixed_precision'):
    assert trainer[name]['available'], trainer[name]['reason']
  assert os.listdir(data_dir) == ['cifar-10-batches-bin']
  assert {f: os.path.getmtime(os.path.join(batches, f))
          for f in os.listdir(batches)} == before


def test_a_failed_child_is_reported_by_its_error_line():
  """The reason a figure is missing was the last 1,500 characters of the
  child's stderr, cut to their first 200 in the table: TensorFlow's
  start-up lines, without the error. Now the child's own last line."""
  noise = 'I0000 00:00:1796427059.238028 4387 cudart_stub.cc:31] noise\n' * 40
  stdout, reason = cifar10_benchmark._run_child(  # pylint: disable=protected-access
      [sys.executable, '-c', 'import sys; sys.stderr.write(%r); '
       'sys.exit("cifar10_train: error: Out of memory.")' % noise], 60)
  assert stdout is None
  assert reason == 'exited 1: cifar10_train: error: Out of memory.'


def _children(pid):
  try:
    with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
      return [int(c) for c in f.read().split()]
  except OSError:
    return []


def _child(pid, name, tmp, deadline):
  """The pid of the benchmark's child running `name`, once it has written
  to its TMPDIR (the Keras child) or started (the trainer)."""
  while time.time() < deadline:
    for child in _children(pid):
      try:
        with open('/proc/%d/cmdline' % child, 'rb') as f:
          started = name.encode() in f.read()
      except OSError:
        continue
      if started and (name == 'cifar10_train' or any(
          os.listdir(os.path.join(tmp, d)) for d in os.listdir(tmp)
          if d.startswith('cifar10_benchmark_child_'))):
        return child
    time.sleep(0.2)
  raise AssertionError('no %s child started' % name)


@pytest.mark.parametrize('signum, phase', [
    (signal.SIGTERM, 'trainer'), (signal.SIGHUP, 'trainer'),
    (signal.SIGTERM, 'keras')])
def test_sigterm_stops_the_children_and_removes_temporary_files(
    tmp_path, signum, phase):
  """SIGTERM (or the terminal closing) ended the benchmark at once: its
  cifar10_train child trained on alone, and the temporary directories (the
  synthetic set, the child's --train_dir) stayed; a Keras child killed
  left TensorFlow's autograph files in TMPDIR. Now the run unwinds."""
  env = conftest.script_env()
  env['TMPDIR'] = str(tmp_path / 'tmp')
  os.mkdir(env['TMPDIR'])
  with open(tmp_path / 'out', 'w+b') as out, open(tmp_path / 'err',
                                                  'w+b') as err:
    proc = conftest.start_script(
        ['-m', 'cifar10.cifar10_benchmark', '--phases=' + phase,
         '--steps=5000', '--warmup_steps=1', '--batch_size=16',
         '--records_per_file=100', '--min_fraction_in_queue=0.01',
         '--data_dir=%s' % (tmp_path / 'none')], out, err, env=env)
    try:
      child = _child(proc.pid, {'trainer': 'cifar10_train',
                                'keras': 'cifar10_keras'}[phase],
                     env['TMPDIR'], time.time() + 120)
      time.sleep(1.0)
      os.kill(proc.pid, signum)
      assert proc.wait(60) == 128 + signum
    finally:
      if proc.poll() is None:
        proc.kill()
    stderr = conftest.read_output(err)
  assert 'Traceback' not in stderr
  assert stderr.strip().splitlines()[-1] == (
      'cifar10_benchmark: stopped by %s; its child processes and temporary '
      'files are gone, nothing was written.' % signal.Signals(signum).name)
  assert not os.path.exists('/proc/%d' % child)
  assert os.listdir(env['TMPDIR']) == []
