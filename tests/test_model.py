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
"""Tests of cifar10.py: shapes, names, parameters, loss and one step."""

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_lrn
from cifar10 import cifar10_precision
from cifar10 import cifar10_synthetic
from conftest import VARIABLE_SHAPES as VARIABLES


def _standardized_batch(batch_size, seed=0):
  """Synthetic images as the eval pipeline makes them: [n, 24, 24, 3]."""
  labels, raw = cifar10_synthetic.make_records(batch_size, seed=seed)
  images = raw.transpose(0, 2, 3, 1)[:, 4:28, 4:28, :].astype(np.float32)
  mean = images.mean(axis=(1, 2, 3), keepdims=True)
  std = images.std(axis=(1, 2, 3), keepdims=True)
  return (images - mean) / std, labels.astype(np.int32)


def _build(batch_size=128, dtype=tf.float32, mixed_precision=False):
  images, labels = _standardized_batch(batch_size)
  global_step = tf.train.get_or_create_global_step()
  logits = cifar10.inference(tf.constant(images, dtype=dtype),
                             mixed_precision)
  loss = cifar10.loss(logits, tf.constant(labels))
  return global_step, logits, loss


def test_inference_shapes_names_and_parameter_count():
  with tf.Graph().as_default():
    _, logits, _ = _build()
    assert logits.shape.as_list() == [128, 10]
    trainable = {v.op.name: v.shape.as_list()
                 for v in tf.trainable_variables()}
    assert trainable == VARIABLES
    assert sum(np.prod(s) for s in trainable.values()) == 1068298
    for v in tf.trainable_variables():
      assert v.device == '/device:CPU:0'
    layers = {op.name for op in tf.get_default_graph().get_operations()}
    assert {'conv1/conv1', 'pool1', 'norm1', 'conv2/conv2', 'norm2', 'pool2',
            'local3/local3', 'local4/local4',
            'softmax_linear/softmax_linear'} <= layers


def test_layer_output_shapes():
  with tf.Graph().as_default():
    _build()
    graph = tf.get_default_graph()
    shapes = {name: graph.get_tensor_by_name(name + ':0').shape.as_list()
              for name in ('conv1/conv1', 'pool1', 'norm1', 'conv2/conv2',
                           'norm2', 'pool2', 'local3/local3', 'local4/local4')}
  assert shapes == {
      'conv1/conv1': [128, 24, 24, 64], 'pool1': [128, 12, 12, 64],
      'norm1': [128, 12, 12, 64], 'conv2/conv2': [128, 12, 12, 64],
      'norm2': [128, 12, 12, 64], 'pool2': [128, 6, 6, 64],
      'local3/local3': [128, 384], 'local4/local4': [128, 192]}


def test_initial_loss_and_weight_decay_terms():
  with tf.Graph().as_default():
    tf.set_random_seed(1)
    _, _, loss = _build()
    names = sorted(l.op.name for l in tf.get_collection('losses'))
    assert names == ['conv1/weight_loss', 'conv2/weight_loss', 'cross_entropy',
                     'local3/weight_loss', 'local4/weight_loss',
                     'softmax_linear/weight_loss']
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      value = sess.run(loss)
  # The tutorial's first line reads "step 0, loss = 4.68".
  assert 4.5 < value < 4.8


def test_one_training_step_changes_weights_and_averages():
  with tf.Graph().as_default():
    global_step, _, loss = _build()
    train_op = cifar10.train(loss, global_step, batch_size=128)
    averages = {v.op.name: v for v in tf.global_variables()
                if v.op.name.endswith('/ExponentialMovingAverage')}
    assert sorted(averages) == sorted(
        name + '/ExponentialMovingAverage' for name in VARIABLES)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      before = sess.run({v.op.name: v for v in tf.trainable_variables()})
      shadows_before = sess.run(averages)
      sess.run(train_op)
      after = sess.run({v.op.name: v for v in tf.trainable_variables()})
      shadows_after = sess.run(averages)
      assert sess.run(global_step) == 1
  for name in VARIABLES:
    assert not np.array_equal(before[name], after[name]), name
    shadow = name + '/ExponentialMovingAverage'
    # With num_updates=1 the decay is min(0.9999, 2/11): the shadow moves
    # 9/11 of the way to the updated weights.
    np.testing.assert_allclose(
        shadows_after[shadow],
        shadows_before[shadow] * 2 / 11 + after[name] * 9 / 11,
        rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('scale', [1.0, 255.0])
def test_lrn_equals_tf_nn_lrn_and_its_gradient(scale):
  """norm1/norm2's LRN: tf.nn.lrn's values and gradients (TensorFlow's own
  LRN and LRNGrad kernels), on the layers' shape, with zeros as after a
  ReLU, and at pixel scale."""
  rng = np.random.RandomState(0)
  x = rng.normal(size=[128, 12, 12, 64]) * scale
  x[rng.uniform(size=x.shape) < 0.3] = 0.0
  dy = rng.normal(size=x.shape)
  with tf.Graph().as_default() as g:
    x_in = tf.constant(x, tf.float32)
    results = []
    for lrn in (cifar10_lrn.lrn(x_in, name='norm1'),
                tf.nn.lrn(x_in, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)):
      results.append([lrn] + tf.gradients(lrn, x_in, tf.constant(dy,
                                                                 tf.float32)))
    assert g.get_operation_by_name('norm1').type == 'Identity'
    assert 'LRNGrad' not in {op.type for op in g.get_operations()
                             if op.name.startswith('gradients/norm1')}
    with tf.Session() as sess:
      (y, dx), (expected_y, expected_dx) = sess.run(results)
  np.testing.assert_allclose(y, expected_y, rtol=1e-5, atol=1e-6 * scale)
  np.testing.assert_allclose(dx, expected_dx, rtol=1e-4,
                             atol=1e-5 * np.abs(expected_dx).max())


def test_lrn_with_a_gpu_or_in_float16_is_tf_nn_lrn(monkeypatch):
  with tf.Graph().as_default() as g:
    cifar10_lrn.lrn(tf.zeros([2, 3, 3, 64], tf.float16), name='half')
    monkeypatch.setattr(tf.config, 'list_physical_devices',
                        lambda kind: ['/physical_device:GPU:0'])
    cifar10_lrn.lrn(tf.zeros([2, 3, 3, 64]), name='gpu')
    assert g.get_operation_by_name('half').type == 'LRN'
    assert g.get_operation_by_name('gpu').type == 'LRN'
    assert g.get_operation_by_name('gpu').get_attr('depth_radius') == 4


def test_learning_rate_schedule():
  with tf.Graph().as_default():
    global_step = tf.placeholder(tf.int64, [])
    lr = cifar10.learning_rate(global_step, 128)
    with tf.Session() as sess:
      # decay_steps = int(50000 / 128 * 350) = 136718.
      values = [sess.run(lr, {global_step: s})
                for s in (0, 136717, 136718, 2 * 136718)]
  np.testing.assert_allclose(values, [0.1, 0.1, 0.01, 0.001], rtol=1e-6)


def test_fp16_model():
  with tf.Graph().as_default():
    tf.set_random_seed(1)
    global_step, logits, loss = _build(dtype=tf.float16)
    train_op = cifar10.train(loss, global_step, batch_size=128)
    assert logits.dtype == tf.float16 and loss.dtype == tf.float16
    assert {v.dtype.base_dtype for v in tf.trainable_variables()} == {
        tf.float16}
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      first = sess.run(loss)
      sess.run(train_op)
  assert 4.5 < first < 4.8


def test_use_fp16_and_mixed_precision_exclude_each_other():
  flags = {'use_fp16': True, 'mixed_precision': True}
  assert not cifar10_precision._one_precision(flags)  # pylint: disable=protected-access
  for one in ('use_fp16', 'mixed_precision'):
    assert cifar10_precision._one_precision(dict(flags, **{one: False}))  # pylint: disable=protected-access


def test_activation_summaries_drop_the_tower_prefix():
  with tf.Graph().as_default():
    with tf.name_scope('tower_1'):
      cifar10._activation_summary(tf.zeros([2, 3], name='local9'))  # pylint: disable=protected-access
    summary = tf.summary.merge_all()
    with tf.Session() as sess:
      parsed = tf.Summary.FromString(sess.run(summary))
  assert sorted(v.tag for v in parsed.value) == ['local9/activations',
                                                 'local9/sparsity']
  assert parsed.value[1].simple_value == 1.0  # All zeros: fully sparse.


@pytest.mark.parametrize('value,name,expected', [
    (None, 'batch_size', 128), (64, 'batch_size', 64),
    (None, 'data_dir', '/tmp/cifar10_data'), (None, 'use_fp16', False),
    (None, 'mixed_precision', False), (True, 'mixed_precision', True)])
def test_flag_defaults_serve_library_calls(value, name, expected):
  """Library functions work without a command line: flags are not parsed at
  import, their defaults are used."""
  assert cifar10.flag_or(value, name) == expected


def test_xla_switch_sets_only_the_jit_level():
  from cifar10 import cifar10_train  # pylint: disable=g-import-not-at-top
  on = cifar10_train.session_config(False, xla=True)
  off = cifar10_train.session_config(False, xla=False)
  assert on.graph_options.optimizer_options.global_jit_level == (
      tf.OptimizerOptions.ON_1)
  assert off.graph_options.optimizer_options.global_jit_level == (
      tf.OptimizerOptions.DEFAULT)
  on.ClearField('graph_options')  # Nothing else differs.
  assert on == off
  assert cifar10_train.session_config(False).gpu_options.allow_growth
