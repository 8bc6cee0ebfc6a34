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
"""Tests of cifar10_multi_gpu_train: towers, averaging, placement, runs.

The machines have no GPU: the towers ask for /gpu:i and allow_soft_placement
runs them on the CPU, which is what the device tests check for (the requests)
and what the runs rely on.
"""

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_multi_gpu_train as multi
from conftest import LOG_LINE, PACKAGE_DIR, PRECISION_LINE, RECORDS_PER_FILE
from conftest import run_module, script_env


# The machines here have no GPU.
GPU_LINE = 'Found 0 GPUs; running 2 towers on the CPU (allow_soft_placement).'

# 2 towers x E2E_BATCH images for E2E_STEPS steps.
E2E_STEPS = 150
E2E_BATCH = 32
# Chance is 0.1. 150 such steps reached 0.95 on the synthetic set (seed
# 0, 1000 test images); the threshold leaves a wide margin.
MIN_PRECISION = 0.5


def _session(graph):
  # The towers ask for GPUs, which these machines do not have.
  return tf.Session(graph=graph,
                    config=tf.ConfigProto(allow_soft_placement=True))


# ---------------------------------------------------------------------------
# average_gradients


def test_average_gradients_of_three_towers():
  with tf.Graph().as_default():
    a = tf.Variable(tf.zeros([2, 2]), name='a')
    b = tf.Variable(tf.zeros([3]), name='b')
    c = tf.Variable(0.0, name='c')
    tower_grads = [
        [(tf.constant([[1., 2.], [3., 4.]]), a),
         (tf.constant([1., 0., -1.]), b), (tf.constant(3.), c)],
        [(tf.constant([[3., 2.], [1., 0.]]), a),
         (tf.constant([2., 0., -2.]), b), (tf.constant(6.), c)],
        [(tf.constant([[5., 5.], [5., 5.]]), a),
         (tf.constant([6., 3., 0.]), b), (tf.constant(-3.), c)],
    ]
    averaged = multi.average_gradients(tower_grads)
    assert [v for _, v in averaged] == [a, b, c]
    with tf.Session() as sess:
      values = sess.run([g for g, _ in averaged])
  np.testing.assert_array_equal(values[0], [[3., 3.], [3., 3.]])
  np.testing.assert_array_equal(values[1], [3., 1., -1.])
  assert values[2] == 2.


def test_average_gradients_keeps_a_missing_gradient_missing():
  with tf.Graph().as_default():
    a = tf.Variable(1.0, name='a')
    b = tf.Variable(1.0, name='b')
    averaged = multi.average_gradients(
        [[(tf.constant(1.), a), (None, b)], [(tf.constant(2.), a), (None, b)]])
    assert averaged[1] == (None, b)
    with tf.Session() as sess:
      assert sess.run(averaged[0][0]) == 1.5


def test_placement_message():
  assert multi.placement_message(2, 0) == GPU_LINE
  assert multi.placement_message(1, 0) == (
      'Found 0 GPUs; running 1 tower on the CPU (allow_soft_placement).')
  assert multi.placement_message(1, 1) == (
      'Found 1 GPU; running 1 tower on /gpu:0.')
  assert multi.placement_message(2, 4) == (
      'Found 4 GPUs; running 2 towers on /gpu:0 to /gpu:1.')
  assert multi.placement_message(4, 2) == (
      'Found 2 GPUs; running 4 towers: /gpu:2 and up do not exist, so '
      'allow_soft_placement puts those towers on the devices found.')


# ---------------------------------------------------------------------------
# One synchronous step of 2 towers == one step of the single-device graph.


def _values(sess):
  return {v.op.name: sess.run(v) for v in tf.global_variables()}


def _summary_tags(sess):
  summary = tf.Summary()
  summary.ParseFromString(sess.run(tf.summary.merge_all()))
  return {v.tag for v in summary.value}


def test_two_towers_step_equals_single_device_step():
  rng = np.random.RandomState(0)
  images = rng.normal(size=[128, 24, 24, 3]).astype(np.float32)
  labels = rng.randint(0, 10, size=[128]).astype(np.int32)

  # The tutorial's single-device graph on the 128 images.
  single = tf.Graph()
  with single.as_default():
    global_step = tf.train.get_or_create_global_step()
    loss = cifar10.loss(cifar10.inference(tf.constant(images)),
                        tf.constant(labels))
    train_op = cifar10.train(loss, global_step, batch_size=128)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      initial = _values(sess)
      single_tags = _summary_tags(sess)
      single_loss = sess.run([train_op, loss])[1]
      single_after = _values(sess)

  # Two towers of 64 of the same images, from the same initial values.
  towers = tf.Graph()
  with towers.as_default():
    train_op, loss = multi.tower_train_op(
        lambda i: (tf.constant(images[64 * i:64 * (i + 1)]),
                   tf.constant(labels[64 * i:64 * (i + 1)])),
        num_gpus=2, batch_size=64)
    with _session(towers) as sess:
      sess.run(tf.global_variables_initializer())
      # Same variables: what makes the trainers' checkpoints interchangeable.
      assert set(_values(sess)) == set(initial)
      for v in tf.global_variables():
        v.load(initial[v.op.name], sess)
      # TensorBoard shows the same tags, no tower prefix, no duplicates.
      assert _summary_tags(sess) == single_tags
      towers_loss = sess.run([train_op, loss])[1]
      towers_after = _values(sess)

  assert towers_loss == pytest.approx(single_loss, rel=1e-5)
  assert towers_after['global_step'] == single_after['global_step'] == 1
  changed = 0
  for name, value in single_after.items():
    # Weights, their moving averages ('.../ExponentialMovingAverage') and
    # the loss averages ('.../avg').
    np.testing.assert_allclose(towers_after[name], value, rtol=1e-4,
                               atol=1e-6, err_msg=name)
    changed += not np.allclose(value, initial[name], rtol=0, atol=1e-5)
  # The step moved the weights and the averages: the check is not vacuous.
  assert changed >= 20


def _tower_step(images, labels, mixed_precision, initial=None):
  """One step of 2 towers of 64; returns values before and after, and the
  dtypes of the towers' Conv2D ops."""
  with tf.Graph().as_default() as g:
    train_op, _ = multi.tower_train_op(
        lambda i: (tf.constant(images[64 * i:64 * (i + 1)]),
                   tf.constant(labels[64 * i:64 * (i + 1)])),
        num_gpus=2, batch_size=64, mixed_precision=mixed_precision)
    conv_dtypes = {op.get_attr('T').name for op in g.get_operations()
                   if op.type.startswith('Conv2D')}
    with _session(g) as sess:
      sess.run(tf.global_variables_initializer())
      for v in tf.global_variables():
        if initial:
          v.load(initial[v.op.name], sess)
      before = _values(sess)
      sess.run(train_op)
      return before, _values(sess), conv_dtypes


def test_mixed_precision_towers_step_like_float32_towers():
  """--mixed_precision in float16 (GPUs) in the towers: float16
  convolutions, the float32 variables (same names) and, up to float16
  rounding, the same step."""
  rng = np.random.RandomState(0)
  images = rng.normal(size=[128, 24, 24, 3]).astype(np.float32)
  labels = rng.randint(0, 10, size=[128]).astype(np.int32)
  initial, exact, dtypes = _tower_step(images, labels, False)
  assert dtypes == {'float32'}
  before, mixed, dtypes = _tower_step(images, labels, tf.float16, initial)
  assert dtypes == {'float16'}
  assert {n: v.dtype for n, v in before.items()} == {
      n: v.dtype for n, v in initial.items()}
  for name in initial:
    if name.endswith('/weights'):
      step = exact[name] - initial[name]
      error = np.linalg.norm(mixed[name] - initial[name] - step) / (
          np.linalg.norm(step))
      # Measured 1-2.5 %; an unscaled gradient would be 128 times the step.
      assert error < 0.1, (name, error)


# ---------------------------------------------------------------------------
# The graph the script builds.


@pytest.mark.parametrize('num_gpus', [1, 2, 4])
def test_one_input_pipeline_and_prefetch_queue(num_gpus, synthetic_data_dir):
  with tf.Graph().as_default() as g:
    multi.build_training_graph(num_gpus, synthetic_data_dir, batch_size=16,
                               use_fp16=False)
    ops = g.get_operations()
    assert [op.type for op in ops].count('RandomShuffleQueueV2') == 1
    queue = g.get_operation_by_name('prefetch_queue/fifo_queue')
    assert queue.get_attr('capacity') == 2 * num_gpus
    assert 'CPU:0' in queue.device
    dequeues = [op for op in ops if op.type == 'QueueDequeueV2'
                and op.inputs[0].op is queue]
    assert sorted(op.name for op in dequeues) == [
        'tower_%d/fifo_queue_Dequeue' % i for i in range(num_gpus)]
    runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
    assert queue in [r.queue.queue_ref.op for r in runners]
    # One tower's activation summaries: the last one's.
    towers = {s.op.name.split('/')[0]
              for s in tf.get_collection(tf.GraphKeys.SUMMARIES)
              if s.op.name.startswith('tower_')}
    assert towers == {'tower_%d' % (num_gpus - 1)}


def test_variables_on_cpu_towers_on_their_gpus(synthetic_data_dir):
  with tf.Graph().as_default() as g:
    multi.build_training_graph(2, synthetic_data_dir, batch_size=16,
                               use_fp16=False)
    for v in tf.global_variables():
      assert v.device == '/device:CPU:0', v.op.name
    by_tower = {0: 0, 1: 0}
    for op in g.get_operations():
      match = re.match(r'tower_(\d+)/', op.name)
      if match:
        i = int(match.group(1))
        # The histograms of the activations run on the CPU, as TensorFlow's
        # histogram kernel (and the proto encoding) only can.
        expected = ('/device:CPU:0' if op.type == 'PartitionedCall' else
                    '/device:GPU:%d' % i)
        assert op.device == expected, (op.name, op.device)
        by_tower[i] += 1
      else:
        # Input, averaging, update and moving averages: never on a GPU.
        assert 'GPU' not in op.device, (op.name, op.device)
    assert by_tower[0] == by_tower[1] > 100
    # Each tower computes its forward pass and its gradients on its GPU.
    for i in range(2):
      assert g.get_operation_by_name('tower_%d/conv1/Conv2D' % i)
      assert g.get_operation_by_name(
          'tower_%d/gradients/tower_%d/conv1/Conv2D_grad/Conv2DBackpropFilter'
          % (i, i))


# ---------------------------------------------------------------------------
# The script.


@pytest.fixture(scope='module')
def multi_gpu_run(tmp_path_factory, synthetic_data_dir):
  train_dir = str(tmp_path_factory.mktemp('multi_gpu_train'))
  proc = run_module('cifar10_multi_gpu_train', '--num_gpus=2',
                    '--batch_size=%d' % E2E_BATCH,
                    '--max_steps=%d' % E2E_STEPS, '--log_frequency=50', '--data_dir=' + synthetic_data_dir,
                    '--train_dir=' + train_dir, timeout=600)
  return {'train_dir': train_dir, 'stdout': proc.stdout}


def test_script_trains_two_towers(multi_gpu_run):
  out = multi_gpu_run['stdout']
  assert out.startswith(GPU_LINE + '\n'), out
  lines = LOG_LINE.findall(out)
  assert [int(step) for step, _, _, _ in lines] == [0, 50, 100]
  # Step 0: the tutorial's initial loss; then it learns.
  assert 4.5 < float(lines[0][1]) < 4.8
  assert float(lines[-1][1]) < float(lines[0][1])
  for _, _, examples_per_sec, sec_per_batch in lines[1:]:
    # A step is 2 towers' batches; sec/batch is per tower's batch.
    # sec/batch is printed to 3 decimals: up to 0.0005 s off.
    assert float(examples_per_sec) * float(sec_per_batch) == pytest.approx(
        E2E_BATCH, abs=E2E_BATCH / 100 + float(examples_per_sec) * 0.0005)
  train_dir = multi_gpu_run['train_dir']
  # Every 1000 steps (so only the first) and at the last step.
  assert sorted(f for f in os.listdir(train_dir) if f.endswith('.index')) == [
      'model.ckpt-0.index', 'model.ckpt-%d.index' % E2E_STEPS]
  assert tf.train.latest_checkpoint(train_dir).endswith(
      'model.ckpt-%d' % E2E_STEPS)


def test_script_writes_summaries_without_tower_prefix(multi_gpu_run):
  train_dir = multi_gpu_run['train_dir']
  events = [os.path.join(train_dir, f) for f in os.listdir(train_dir)
            if f.startswith('events.out.tfevents.')]
  assert len(events) == 1
  tags = {v.tag for e in tf.train.summary_iterator(events[0])
          for v in e.summary.value}
  assert {'learning_rate', 'total_loss', 'total_loss_raw', 'cross_entropy',
          'conv1/conv1/sparsity', 'softmax_linear/weights/gradients',
          'prefetch_queue/fraction_of_4_full', 'images/image/0'} <= tags
  assert not [t for t in tags if t.startswith('tower_')]


def test_checkpoint_names_match_cifar10_train(multi_gpu_run, trained_dir):
  multi_vars = dict(tf.train.list_variables(multi_gpu_run['train_dir']))
  single_vars = dict(tf.train.list_variables(trained_dir['train_dir']))
  assert multi_vars == single_vars
  assert 'conv1/weights/ExponentialMovingAverage' in multi_vars


def test_eval_of_multi_gpu_checkpoint_is_well_above_chance(
    multi_gpu_run, synthetic_data_dir, tmp_path):
  proc = run_module('cifar10_eval', '--run_once',
                    '--num_examples=%d' % RECORDS_PER_FILE,
                    '--checkpoint_dir=' + multi_gpu_run['train_dir'],
                    '--data_dir=' + synthetic_data_dir,
                    '--eval_dir=%s' % tmp_path)
  found = PRECISION_LINE.findall(proc.stdout)
  assert len(found) == 1, proc.stdout
  assert float(found[0]) > MIN_PRECISION


def test_single_device_graph_restores_multi_gpu_checkpoint(multi_gpu_run):
  """What cifar10_train does to resume: restore every variable it has."""
  with tf.Graph().as_default():
    global_step = tf.train.get_or_create_global_step()
    loss = cifar10.loss(cifar10.inference(tf.zeros([1, 24, 24, 3])),
                        tf.zeros([1], tf.int32))
    cifar10.train(loss, global_step, batch_size=128)
    with tf.Session() as sess:
      tf.train.Saver().restore(
          sess, tf.train.latest_checkpoint(multi_gpu_run['train_dir']))
      assert sess.run(global_step) == E2E_STEPS


def test_resumes_cifar10_train_checkpoint(trained_dir, tmp_path):
  """Continues from cifar10_train's step 300 and keeps every file there."""
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained_dir['train_dir'], train_dir)
  before = set(os.listdir(train_dir))
  proc = run_module('cifar10_multi_gpu_train', '--num_gpus=2',
                    '--batch_size=64', '--max_steps=310', '--log_frequency=5',
                    '--save_checkpoint_steps=5',
                    '--data_dir=' + trained_dir['data_dir'],
                    '--train_dir=' + train_dir)
  lines = LOG_LINE.findall(proc.stdout)
  assert [int(step) for step, _, _, _ in lines] == [300, 305]
  # Trained weights, not a new start (that would be about 4.6).
  assert float(lines[0][1]) < 4.0
  assert before <= set(os.listdir(train_dir))
  # cifar10_train's --save_checkpoint_steps, instead of every 1000 steps.
  assert 'model.ckpt-305.index' in os.listdir(train_dir)
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-310')
  assert tf.train.load_checkpoint(train_dir).get_tensor('global_step') == 310


def test_num_gpus_below_one_is_rejected_before_any_work(tmp_path):
  train_dir = tmp_path / 'train'
  proc = run_module('cifar10_multi_gpu_train', '--num_gpus=0',
                    '--data_dir=%s' % tmp_path, '--train_dir=%s' % train_dir,
                    check=False)
  assert proc.returncode == 1
  assert ('FATAL Flags parsing error: flag --num_gpus=0: 0 is not an integer '
          'in the range [1, 64]') in proc.stderr
  assert 'Traceback' not in proc.stderr
  assert 'Found' not in proc.stdout  # Nothing was built.
  assert os.listdir(str(tmp_path)) == []  # Nothing downloaded or written.


def test_missing_data_is_a_short_error(tmp_path):
  """No download possible here: the error is the script's, in one line."""
  proc = run_module('cifar10_multi_gpu_train',
                    '--data_dir=%s' % tmp_path,
                    '--data_url=file://%s' % (tmp_path / 'missing.tar.gz'),
                    '--train_dir=%s' % (tmp_path.parent / 'missing_data_train'),
                    check=False)
  assert proc.returncode == 1
  assert '\ncifar10_multi_gpu_train: error: Downloading file://' in (
      proc.stderr)
  assert 'Traceback' not in proc.stderr


def test_help_in_the_tutorials_script_form():
  # absl prints --help and exits with status 1.
  proc = subprocess.run([sys.executable, 'cifar10_multi_gpu_train.py',
                         '--help'], cwd=PACKAGE_DIR, env=script_env(),
                        capture_output=True, text=True, timeout=120)
  assert '\ncifar10_multi_gpu_train.py:\n  --batch_size: ' in proc.stdout, (
      proc.stderr)
  assert '\n  --num_gpus: How many GPUs to use' in proc.stdout
  assert 'Traceback' not in proc.stderr
