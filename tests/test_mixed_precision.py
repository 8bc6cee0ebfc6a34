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
"""--mixed_precision on CPUs: bfloat16 compute, float32 variables.

The first step's loss is float32's to bfloat16 rounding, the variables are
float32 training's (so checkpoints switch precision both ways), no loss
scaling is applied, and training follows float32's (the same held-out loss
to bfloat16 rounding after ten steps). Both ways of computing bfloat16 are
tested on every CPU: TensorFlow's bfloat16 kernels, and float32 kernels on
bfloat16 values (what CPUs without bfloat16 arithmetic run); the bias
gradients are the exact sums to bfloat16 rounding. (tests/test_scripts.py
resumes a float32 checkpoint with --mixed_precision through cifar10_train.)
"""

import functools
import logging

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_precision
from cifar10 import cifar10_synthetic
import conftest
from conftest import VARIABLE_SHAPES

# bfloat16 keeps 8 significant bits: relative rounding 2^-9 per value.
BFLOAT16_EPS = 2.0 ** -8


@pytest.mark.parametrize('flags, expected', [
    ('fpu vme avx512f avx512_bf16 avx512_vnni', True),
    ('fpu avx512f amx_bf16 amx_tile', True),
    ('fpu sse2 avx2 avx512f avx512_vnni', False),
])
def test_bfloat16_is_detected_from_the_cpu_flags(tmp_path, flags, expected):
  cpuinfo = tmp_path / 'cpuinfo'
  cpuinfo.write_text('processor\t: 0\nflags\t\t: %s\n' % flags)
  assert cifar10_precision.cpu_computes_bfloat16(str(cpuinfo)) is expected


def test_no_cpu_flags_file_means_no_bfloat16(tmp_path):
  assert cifar10_precision.cpu_computes_bfloat16(
      str(tmp_path / 'absent')) is False


def test_compute_dtype_per_device(monkeypatch, caplog):
  assert cifar10_precision.compute_dtype(False) is None
  assert cifar10_precision.compute_dtype(tf.float16) == tf.float16
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16', lambda: True)
  assert cifar10_precision.compute_dtype(True) == tf.bfloat16
  assert 'slower' not in caplog.text
  # A CPU without bfloat16 arithmetic runs it after one line saying so.
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16', lambda: False)
  monkeypatch.setattr(cifar10_precision, '_warned_slow_bfloat16', [])
  with caplog.at_level(logging.WARNING):
    assert cifar10_precision.compute_dtype(True) == tf.bfloat16
    assert cifar10_precision.compute_dtype(True) == tf.bfloat16
  warnings = [r.getMessage() for r in caplog.records
              if 'bfloat16 arithmetic' in r.getMessage()]
  assert warnings == [
      '--mixed_precision: this CPU has no bfloat16 arithmetic (AVX512_BF16 '
      'or AMX), so bfloat16 runs slower than float32 here; leave '
      '--mixed_precision off on this machine.']
  # A CPU with bfloat16 arithmetic but oneDNN off runs it after one line
  # naming the variable.
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16', lambda: True)
  monkeypatch.setattr(cifar10_precision, 'onednn_on', lambda: False)
  monkeypatch.setattr(cifar10_precision, '_warned_slow_bfloat16', [])
  monkeypatch.setenv('TF_ENABLE_ONEDNN_OPTS', '0')
  caplog.clear()
  with caplog.at_level(logging.WARNING):
    assert cifar10_precision.compute_dtype(True) == tf.bfloat16
  assert [r.getMessage() for r in caplog.records
          if 'TF_ENABLE_ONEDNN_OPTS' in r.getMessage()] == [
              '--mixed_precision: TF_ENABLE_ONEDNN_OPTS=0 turns off oneDNN, '
              'whose kernels are TensorFlow\'s only fast bfloat16 ones on a '
              'CPU, so bfloat16 runs slower than float32 here; unset '
              'TF_ENABLE_ONEDNN_OPTS or leave --mixed_precision off.']
  # GPUs compute in float16.
  monkeypatch.setattr(tf.config, 'list_physical_devices',
                      lambda kind: ['/physical_device:GPU:0'])
  assert cifar10_precision.compute_dtype(True) == tf.float16


def _crops(num_records, seed):
  """Standardized central crops of synthetic records: [n, 24, 24, 3]."""
  labels, raw = cifar10_synthetic.make_records(num_records, seed=seed)
  images = raw.transpose(0, 2, 3, 1)[:, 4:28, 4:28, :].astype(np.float32)
  images -= images.mean(axis=(1, 2, 3), keepdims=True)
  images /= images.std(axis=(1, 2, 3), keepdims=True)
  return images, labels.astype(np.int32)


def _first_step(mixed_precision, initial=None):
  """Builds the training graph and runs one step on a batch of 128."""
  images, labels = _crops(128, seed=0)
  with tf.Graph().as_default() as g:
    tf.set_random_seed(1)
    global_step = tf.train.get_or_create_global_step()
    logits = cifar10.inference(tf.constant(images), mixed_precision)
    loss = cifar10.loss(logits, tf.constant(labels))
    train_op = cifar10.train(loss, global_step, batch_size=128,
                             mixed_precision=mixed_precision)
    assert logits.dtype == loss.dtype == tf.float32
    variables = {v.op.name: (v.dtype.base_dtype.name, v.shape.as_list())
                 for v in tf.global_variables()}
    op_dtypes = {op.type: op.get_attr('T').name for op in g.get_operations()
                 if op.type in ('Conv2D', 'Conv2DBackpropFilter',
                                'Conv2DBackpropInput', 'MatMul', 'MaxPool')}
    scaled = any('LossScale' in op.name or 'loss_scale' in op.name
                 for op in g.get_operations())
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      if initial:
        for v in tf.global_variables():
          v.load(initial[v.op.name], sess)
      before = sess.run({v.op.name: v for v in tf.global_variables()})
      value = sess.run([train_op, loss])[1]
      after = sess.run({v.op.name: v for v in tf.global_variables()})
  return dict(variables=variables, before=before, after=after, loss=value,
              op_dtypes=op_dtypes, scaled=scaled)


def _consumers(tensor):
  """The op types reading a tensor, through tf.gradients' Identity ops."""
  types = []
  for op in tensor.consumers():
    types += _consumers(op.outputs[0]) if op.type == 'Identity' else [op.type]
  return sorted(types)


def _conv_ops(graph):
  """The convolutions and their gradients: [(type, T, the dtypes cast to
  each float input, the op types reading the output)]."""
  return [(op.type, op.get_attr('T').name,
           [t.op.inputs[0].dtype.name if t.op.type == 'Cast' else None
            for t in op.inputs if t.dtype != tf.int32],
           _consumers(op.outputs[0]))
          for op in graph.get_operations()
          if op.type in ('Conv2D', 'Conv2DBackpropFilter',
                         'Conv2DBackpropInput')]


@pytest.mark.parametrize('cpu, onednn', [(True, True), (False, True),
                                          (True, False)],
                         ids=['bfloat16 CPU', 'CPU without bfloat16',
                              'bfloat16 CPU, oneDNN off'])
def test_bfloat16_convolutions_where_the_cpu_has_them(monkeypatch, cpu,
                                                     onednn):
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16', lambda: cpu)
  monkeypatch.setattr(cifar10_precision, 'onednn_on', lambda: onednn)
  native = cpu and onednn
  with tf.Graph().as_default() as g:
    images = tf.zeros([2, 24, 24, 3])
    loss = cifar10.loss(cifar10.inference(images, tf.bfloat16),
                        tf.zeros([2], tf.int32))
    cifar10.train(loss, tf.train.get_or_create_global_step(), batch_size=2,
                  mixed_precision=tf.bfloat16)
  ops = _conv_ops(g)
  # Forward, filter and input gradients of conv1 and conv2 (conv1's input
  # gradient is built, and left out when the step runs).
  assert sorted(t for t, _, _, _ in ops) == [
      'Conv2D', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropFilter',
      'Conv2DBackpropInput', 'Conv2DBackpropInput']
  for op_type, dtype, input_dtypes, consumers in ops:
    if native:
      assert dtype == 'bfloat16', op_type
    else:
      # float32 kernels on bfloat16 values, the result rounded to bfloat16.
      assert dtype == 'float32', op_type
      assert input_dtypes == ['bfloat16', 'bfloat16'], (op_type, input_dtypes)
      assert consumers in (['Cast'], []), (op_type, consumers)
  # Only conv1's input gradient is read by nothing.
  assert [t for t, _, _, c in ops if not c] == ['Conv2DBackpropInput']


@pytest.mark.parametrize('shape', [[128, 24, 24, 64], [2, 6, 6, 32]])
def test_bfloat16_bias_gradient_sums_in_float32(shape):
  """conv1's bias gradient sums 73,728 bfloat16 terms per channel: summed in
  float32 and rounded once, it is the exact sum to bfloat16 rounding (in
  bfloat16, the sum stops growing at 256 times a term)."""
  rng = np.random.RandomState(0)
  dy = (rng.rand(*shape) + 0.5).astype(np.float32)  # One sign: no cancelling.
  with tf.Graph().as_default():
    value = tf.zeros(shape, tf.bfloat16)
    bias = tf.zeros(shape[-1:], tf.bfloat16)
    out = cifar10_precision.bias_add(value, bias)
    grads = tf.gradients(out, [value, bias], grad_ys=tf.cast(dy, tf.bfloat16))
    with tf.Session() as sess:
      out, (dvalue, dbias) = sess.run([out, grads])
  assert out.dtype == dvalue.dtype == dbias.dtype == tf.bfloat16.as_numpy_dtype
  exact = dy.astype(tf.bfloat16.as_numpy_dtype).astype(np.float64)
  np.testing.assert_array_equal(dvalue.astype(np.float64), exact)
  np.testing.assert_allclose(dbias.astype(np.float64),
                             exact.sum(axis=(0, 1, 2)), rtol=BFLOAT16_EPS)


def test_bfloat16_first_step_is_float32_training_rounded(monkeypatch):
  exact = _first_step(False)
  # Where the CPU has no bfloat16 arithmetic the convolutions run in float32
  # kernels on bfloat16 values (cifar10_precision.conv2d); with TensorFlow's
  # bfloat16 kernels the step is the same up to the order of their sums.
  # Both paths run whatever this CPU has.
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16',
                      lambda: False)
  routed = _first_step(tf.bfloat16, exact['before'])
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16',
                      lambda: True)
  native = _first_step(tf.bfloat16, exact['before'])
  # Measured 1.0e-6 apart with oneDNN's bfloat16 kernels (AVX512_BF16): some
  # activations round to the neighbouring bfloat16 value.
  assert native['loss'] == pytest.approx(routed['loss'], rel=1e-5)
  for name in VARIABLE_SHAPES:
    step = native['after'][name] - exact['before'][name]
    routed_step = routed['after'][name] - exact['before'][name]
    error = np.linalg.norm(routed_step - step) / np.linalg.norm(step)
    # Measured with TensorFlow's portable bfloat16 kernels (AVX2): conv1's
    # and conv2's updates 0.5-2 % apart, the rest identical (the same
    # kernels); with oneDNN's (AVX512_BF16), whose sums go in another order
    # everywhere, 0.2-5.3 %.
    assert error < 0.1, (name, error)
  for mixed in (native, routed):
    # Same variables: names, float32 dtypes, shapes; the moving averages too.
    assert mixed['variables'] == exact['variables']
    assert {name: shape for name, (_, shape) in exact['variables'].items()
            if name in VARIABLE_SHAPES} == VARIABLE_SHAPES
    assert {d for d, _ in mixed['variables'].values()} == {'float32',
                                                            'int64'}
    # Pooling computes in bfloat16 (LRN's window sums stay float32).
    assert mixed['op_dtypes']['MaxPool'] == 'bfloat16'
    # bfloat16 has float32's range: no loss scaling.
    assert not mixed['scaled']
    # The loss: float32's to bfloat16 rounding (a few roundings of the
    # logits; measured 2e-6 apart).
    assert mixed['loss'] == pytest.approx(exact['loss'],
                                          rel=2 * BFLOAT16_EPS)
    for name in VARIABLE_SHAPES:
      step = exact['after'][name] - exact['before'][name]
      mixed_step = mixed['after'][name] - exact['before'][name]
      error = np.linalg.norm(mixed_step - step) / np.linalg.norm(step)
      # bfloat16 gradients: measured 0.6-7 % from float32's.
      assert error < 0.15, (name, error)
    # The moving averages are float32 and move as in float32 training.
    for name in ('conv1/weights/ExponentialMovingAverage',
                 'local3/weights/ExponentialMovingAverage'):
      np.testing.assert_allclose(mixed['after'][name], exact['after'][name],
                                 rtol=0, atol=1e-4)


def test_float16_keeps_float32_variables_and_takes_the_loss_scale_out():
  """--mixed_precision in float16 (GPUs): float16 convolutions (forward and
  gradients), the float32 variables of float32 training, and the same step
  up to float16 rounding, so the loss scale is taken out of the gradients
  again."""
  exact = _first_step(False)
  mixed = _first_step(tf.float16, exact['before'])
  conv_ops = ('Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter')
  assert {exact['op_dtypes'][op] for op in conv_ops} == {'float32'}
  assert {mixed['op_dtypes'][op] for op in conv_ops} == {'float16'}
  # Same names, dtypes and shapes: the checkpoints are interchangeable.
  assert mixed['variables'] == exact['variables']
  assert {d for d, _ in mixed['variables'].values()} == {'float32', 'int64'}
  assert mixed['loss'] == pytest.approx(exact['loss'], rel=2e-3)
  for name in VARIABLE_SHAPES:
    step = exact['after'][name] - exact['before'][name]
    mixed_step = mixed['after'][name] - exact['before'][name]
    # Without unscaling the step would be LOSS_SCALE (128) times larger.
    # float16 rounding moves a few units across the ReLU's kink, so compare
    # whole steps: measured 0.1-2.5 % apart.
    error = np.linalg.norm(mixed_step - step) / np.linalg.norm(step)
    assert error < 0.1, (name, error)


@functools.lru_cache(maxsize=None)
def _seed_data(seed):
  """2,000 training and 1,000 held-out crops of seed's synthetic records."""
  return _crops(2000, seed=100 + seed), _crops(1000, seed=200 + seed)


def _held_out_during_training(mixed_precision, seed, steps, batch_size=32):
  """Trains from seed's initial weights on seed's 2,000 training crops, the
  same batches in every precision.

  Returns:
    [(cross entropy, precision @ 1) on the 1,000 held-out crops] before the
    first step and after the last: two pairs of floats.
  """
  (train_images, train_labels), (test_images, test_labels) = _seed_data(seed)
  rng = np.random.RandomState(seed)
  with tf.Graph().as_default():
    tf.set_random_seed(seed)
    images = tf.placeholder(tf.float32, [None, 24, 24, 3])
    labels = tf.placeholder(tf.int32, [None])
    global_step = tf.train.get_or_create_global_step()
    logits = cifar10.inference(images, mixed_precision)
    train_op = cifar10.train(cifar10.loss(logits, labels), global_step,
                             batch_size=batch_size,
                             mixed_precision=mixed_precision)
    held_out = [tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits)), tf.reduce_mean(tf.cast(
            tf.nn.in_top_k(logits, labels, 1), tf.float32))]
    feed = {images: test_images, labels: test_labels}
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      before = sess.run(held_out, feed)
      for _ in range(steps):
        batch = rng.randint(0, len(train_labels), batch_size)
        sess.run(train_op, {images: train_images[batch],
                            labels: train_labels[batch]})
      return before, sess.run(held_out, feed)


_float32_during_training = functools.lru_cache(maxsize=None)(
    functools.partial(_held_out_during_training, False))


@pytest.mark.parametrize('native', [True, False],
                         ids=['bfloat16 CPU', 'CPU without bfloat16'])
def test_bfloat16_training_follows_float32s(monkeypatch, native):
  """Ten steps from the same start on the same batches, three seeds: the
  held-out loss falls as in float32, to bfloat16 rounding.

  Measured: float32's loss from 2.30 to 1.51-2.08 after ten steps, and
  bfloat16's 0.0005-0.011 from it (precision @ 1 0.26-0.37, within 0.006),
  with either kind of kernel.
  Later, plain SGD at the tutorial's learning rate amplifies any difference
  until runs of either precision differ as much as two seeds do; the README
  ("Mixed precision") has precision @ 1 after 300 steps over many seeds.
  """
  monkeypatch.setattr(cifar10_precision, 'cpu_computes_bfloat16',
                      lambda: native)
  for seed in range(3):
    (loss0, _), (loss, precision) = _float32_during_training(seed, 10)
    (mixed_loss0, _), (mixed_loss, mixed_precision) = (
        _held_out_during_training(tf.bfloat16, seed, 10))
    assert mixed_loss0 == pytest.approx(loss0, abs=0.01)
    assert loss < loss0 - 0.15, (seed, loss0, loss)  # float32 learns...
    # ... and bfloat16 learns the same.
    assert mixed_loss == pytest.approx(loss, abs=0.03), seed
    assert mixed_precision == pytest.approx(precision, abs=0.05), seed


def test_trainer_with_onednn_off_says_so_and_trains(synthetic_data_dir,
                                                    tmp_path):
  """TF_ENABLE_ONEDNN_OPTS=0 (TensorFlow's start-up message suggests it)
  leaves bfloat16 to TensorFlow's portable kernels: --mixed_precision says
  so in one line, names the variable and its fix, and trains with its
  convolutions in float32 kernels (the step 11 times faster than through
  the portable bfloat16 ones on an AVX512_BF16 CPU)."""
  env = conftest.script_env()
  env['TF_ENABLE_ONEDNN_OPTS'] = '0'
  train_dir = tmp_path / 'train'
  proc = conftest.run_module(
      'cifar10_train', '--data_dir=' + synthetic_data_dir,
      '--train_dir=%s' % train_dir, '--max_steps=2', '--batch_size=16',
      '--mixed_precision', '--min_fraction_of_examples_in_queue=0.01',
      env=env)
  assert 'Traceback' not in proc.stderr
  if cifar10_precision.cpu_computes_bfloat16():
    expected = ('--mixed_precision: TF_ENABLE_ONEDNN_OPTS=0 turns off oneDNN, '
                'whose kernels are TensorFlow\'s only fast bfloat16 ones on a '
                'CPU, so bfloat16 runs slower than float32 here; unset '
                'TF_ENABLE_ONEDNN_OPTS or leave --mixed_precision off.')
  else:
    expected = ('--mixed_precision: this CPU has no bfloat16 arithmetic '
                '(AVX512_BF16 or AMX), so bfloat16 runs slower than float32 '
                'here; leave --mixed_precision off on this machine.')
  assert [line for line in proc.stderr.splitlines()
          if '--mixed_precision:' in line] == ['WARNING:tensorflow:' + expected]
  assert tf.train.latest_checkpoint(str(train_dir)).endswith('model.ckpt-2')
