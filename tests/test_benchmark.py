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

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_benchmark
from cifar10 import cifar10_benchmark_report
from cifar10 import cifar10_input
from cifar10 import cifar10_precision
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
    return {'json': json.load(f), 'stdout': proc.stdout}


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


def test_unknown_phase_is_rejected(tmp_path):
  proc = run_module('cifar10_benchmark', '--phases=matmul,bogus',
                    '--data_dir=' + str(tmp_path), check=False, timeout=120)
  assert proc.returncode != 0
  assert 'unknown phase bogus' in proc.stderr


def test_unwritable_output_json_is_one_line_before_measuring(tmp_path):
  target = str(tmp_path / 'missing' / 'bench.json')
  proc = run_module('cifar10_benchmark', '--phases=matmul',
                    '--output_json=' + target, '--data_dir=' + str(tmp_path),
                    check=False, timeout=120)
  assert proc.returncode == 1
  assert 'Traceback' not in proc.stderr
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_benchmark: error: cannot write --output_json=%s: choose a '
      'file in a writable directory' % target)
  assert '[benchmark] matmul rate' not in proc.stdout  # Nothing measured.
