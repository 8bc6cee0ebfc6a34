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
"""The tutorial's exercises: predictions and cifar10_predict, per-class and
raw-weight evaluation, the queue fraction, and the locally connected top.

SVHN is tested in test_svhn.py.
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import time

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_eval
from cifar10 import cifar10_input
from cifar10 import cifar10_predict
from cifar10 import cifar10_synthetic
from cifar10 import cifar10_top_layers
from conftest import PRECISION_LINE, RECORDS_PER_FILE, REPO
from conftest import run_module
from conftest import start_script

CLASSES = cifar10_input.CLASS_NAMES
TEST_FILE = os.path.join('cifar-10-batches-bin', 'test_batch.bin')


def _records(data_dir, n):
  """The first n test records: int labels and [n, 32, 32, 3] uint8 images."""
  records = np.fromfile(os.path.join(data_dir, TEST_FILE), np.uint8).reshape(
      -1, 3073)[:n]
  return (records[:, 0].astype(np.int64),
          records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))


def _standardized(images):
  """The evaluation preprocessing in numpy: central 24x24, standardized."""
  crop = images[:, 4:28, 4:28, :].astype(np.float64)
  mean = crop.mean(axis=(1, 2, 3), keepdims=True)
  std = np.maximum(crop.std(axis=(1, 2, 3), keepdims=True),
                   1 / np.sqrt(crop[0].size))
  return ((crop - mean) / std).astype(np.float32)


def _encode(images, fmt='png'):
  """Encodes [32, 32, 3]-like uint8 arrays as PNG or JPEG bytes."""
  with tf.Graph().as_default():
    ph = tf.placeholder(tf.uint8, [None, None, 3])
    op = tf.io.encode_png(ph) if fmt == 'png' else tf.io.encode_jpeg(
        ph, quality=95)
    with tf.Session() as sess:
      return [sess.run(op, {ph: im}) for im in images]


def _hand_made(label, size=32):
  """A clean image of a synthetic class: its colour and stripes, no noise."""
  colours, angles, frequencies = cifar10_synthetic._class_prototypes()  # pylint: disable=protected-access
  ys, xs = np.mgrid[0:size, 0:size] / float(size)
  stripes = np.sin(2 * np.pi * frequencies[label] * (
      xs * np.cos(angles[label]) + ys * np.sin(angles[label])))
  image = colours[label][None, None, :] * (1 + 0.25 * stripes[:, :, None])
  return np.clip(np.round(image * 255), 0, 255).astype(np.uint8)


# 1. Normalized predictions.


def test_predictions_sum_to_one_and_rank_like_the_logits():
  _, images = _records_for_graph()
  with tf.Graph().as_default():
    tf.set_random_seed(3)
    logits = cifar10.inference(tf.constant(images))
    predictions = cifar10.predictions(logits)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      logit_values, p = sess.run([logits, predictions])
  assert p.dtype == np.float32 and p.shape == (16, 10)
  np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
  assert (p > 0).all()
  np.testing.assert_array_equal(np.argsort(p, axis=1),
                                np.argsort(logit_values, axis=1))
  z = np.exp(logit_values - logit_values.max(axis=1, keepdims=True))
  np.testing.assert_allclose(p, z / z.sum(axis=1, keepdims=True), rtol=1e-5)


def _records_for_graph(n=16):
  labels, raw = cifar10_synthetic.make_records(n, seed=5)
  return labels, _standardized(raw.transpose(0, 2, 3, 1))


# 2. The locally connected top.


def _ops_after_pool2(top_layers):
  with tf.Graph().as_default() as g:
    images = tf.placeholder(tf.float32, [16, 24, 24, 3], name='images')
    labels = tf.placeholder(tf.int32, [16], name='labels')
    tf.train.get_or_create_global_step()
    cifar10.loss(cifar10.inference(images, top_layers=top_layers), labels)
    ops = [(op.name, op.type) for op in g.get_operations()]
  names = [name for name, _ in ops]
  return [(name, kind) for name, kind in ops[names.index('pool2') + 1:]
          if _model_op(name)]


def _model_op(name):
  """False for the ops that compute a summary's values (cifar10_summary's
  histograms, and the sparsity's count of zeros, the tutorial's
  tf.nn.zero_fraction): those are not the model's."""
  return '/histogram_summary/' not in name and '/zero_fraction/' not in name


def test_full_top_is_the_tutorials_op_for_op():
  with open(os.path.join(REPO, 'tests', 'data', 'full_top_ops.txt')) as f:
    expected = [tuple(line.split()) for line in f
                if line.strip() and not line.startswith('#')
                and _model_op(line.split()[0])]
  assert _ops_after_pool2('full') == expected
  assert _ops_after_pool2(None) == expected  # The default.


LOCAL_SHAPES = {
    'conv1/weights': [5, 5, 3, 64], 'conv1/biases': [64],
    'conv2/weights': [5, 5, 64, 64], 'conv2/biases': [64],
    'local3_lc/weights': [6, 6, 3 * 3 * 64, 32], 'local3_lc/biases': [32],
    'local4_lc/weights': [6, 6, 3 * 3 * 32, 32], 'local4_lc/biases': [32],
    'fc10/weights': [6 * 6 * 32, 10], 'fc10/biases': [10],
}


def test_local_top_variables_parameters_and_weight_decay():
  with tf.Graph().as_default():
    logits = cifar10.inference(tf.zeros([16, 24, 24, 3]), top_layers='local')
    cifar10.loss(logits, tf.zeros([16], tf.int32))
    shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
    decays = {l.op.name: l for l in tf.get_collection('losses')}
    assert logits.shape.as_list() == [16, 10]
    assert all(v.device == '/device:CPU:0' for v in tf.trainable_variables())
  assert shapes == LOCAL_SHAPES
  # The exercise's count: 6*6 positions x (3*3*64) x 32 weights for local3.
  assert np.prod(shapes['local3_lc/weights']) == 6 * 6 * (3 * 3 * 64) * 32
  assert sum(np.prod(s) for s in shapes.values()) == 1114250
  assert sorted(decays) == [
      'conv1/weight_loss', 'conv2/weight_loss', 'cross_entropy',
      'fc10/weight_loss', 'local3_lc/weight_loss', 'local4_lc/weight_loss']


def test_local_top_weight_decay_coefficients():
  with tf.Graph().as_default():
    cifar10.inference(tf.zeros([2, 24, 24, 3]), top_layers='local')
    by_name = {l.op.name: l for l in tf.get_collection('losses')}
    weights = {v.op.name: v for v in tf.trainable_variables()}
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      for layer, wd in (('local3_lc', 0.004), ('local4_lc', 0.004),
                        ('fc10', 0.004), ('conv1', 0.0), ('conv2', 0.0)):
        w, term = sess.run([weights[layer + '/weights'],
                            by_name[layer + '/weight_loss']])
        assert term == pytest.approx(wd * np.sum(w.astype(np.float64)**2) / 2,
                                     rel=1e-5, abs=1e-12)


def _local_numpy(x, w, b):
  """A locally connected 3x3 layer, padding 1, one position at a time."""
  n, h, wd, c = x.shape
  padded = np.zeros([n, h + 2, wd + 2, c])
  padded[:, 1:-1, 1:-1, :] = x
  out = np.zeros([n, h, wd, w.shape[-1]])
  for i in range(h):
    for j in range(wd):
      patch = padded[:, i:i + 3, j:j + 3, :].reshape(n, -1)  # (row, col, ch)
      out[:, i, j, :] = patch @ w[i, j] + b
  return out


def test_locally_connected_layers_match_a_per_position_computation():
  rng = np.random.RandomState(0)
  pool2 = rng.normal(size=[3, 6, 6, 64]).astype(np.float32)
  with tf.Graph().as_default() as g:
    tf.set_random_seed(0)
    logits = cifar10.locally_connected_top(tf.constant(pool2))
    v = {var.op.name: var for var in tf.trainable_variables()}
    outputs = [g.get_tensor_by_name(n + ':0')
               for n in ('local3_lc/local3_lc', 'local4_lc/local4_lc')]
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      # Biases are 0 at start; make them count.
      for name in ('local3_lc/biases', 'local4_lc/biases', 'fc10/biases'):
        sess.run(v[name].assign(rng.normal(size=v[name].shape.as_list())))
      local3, local4, got, values = sess.run([outputs[0], outputs[1], logits,
                                              v])
  x = pool2.astype(np.float64)
  want3 = np.maximum(_local_numpy(x, values['local3_lc/weights'],
                                  values['local3_lc/biases']), 0)
  want4 = np.maximum(_local_numpy(want3, values['local4_lc/weights'],
                                  values['local4_lc/biases']), 0)
  want = want4.reshape(3, -1) @ values['fc10/weights'] + values['fc10/biases']
  np.testing.assert_allclose(local3, want3, rtol=1e-4, atol=1e-4)
  np.testing.assert_allclose(local4, want4, rtol=1e-4, atol=1e-4)
  np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
  # Unshared: one position's weights do not move another's output.
  assert not np.allclose(values['local3_lc/weights'][0, 0],
                         values['local3_lc/weights'][5, 5])


def test_min_fraction_sets_the_shuffle_queue(synthetic_data_dir, capsys):
  for fraction, expected in ((None, 20000), (0.01, 500)):
    with tf.Graph().as_default() as g:
      args = {} if fraction is None else {
          'min_fraction_of_examples_in_queue': fraction}
      cifar10.distorted_inputs(synthetic_data_dir, 16, False, **args)
      queue = [op for op in g.get_operations()
               if op.type == 'RandomShuffleQueueV2']
      assert len(queue) == 1
      assert queue[0].get_attr('min_after_dequeue') == expected
      assert queue[0].get_attr('capacity') == expected + 3 * 16
    assert ('Filling queue with %d CIFAR images before starting to train. '
            'This will take a few minutes.' % expected) in (
                capsys.readouterr().out)


@pytest.fixture(scope='module')
def local_run(tmp_path_factory, synthetic_data_dir):
  """cifar10_train --top_layers=local, then cifar10_multi_gpu_train resuming
  it without the flag, both with a small queue fraction."""
  train_dir = str(tmp_path_factory.mktemp('local_top'))
  common = ['--data_dir=' + synthetic_data_dir, '--train_dir=' + train_dir,
            '--batch_size=16', '--log_frequency=10']
  first = run_module('cifar10_train', *common, '--top_layers=local',
                     '--max_steps=20',
                     '--min_fraction_of_examples_in_queue=0.02')
  second = run_module('cifar10_multi_gpu_train', *common, '--max_steps=30',
                      '--min_fraction_of_examples_in_queue=0.01')
  return {'train_dir': train_dir, 'data_dir': synthetic_data_dir,
          'first': first, 'second': second}


def test_both_trainers_take_the_queue_fraction(local_run):
  assert ('Filling queue with 1000 CIFAR images before starting to train.'
          in local_run['first'].stdout)
  assert ('Filling queue with 500 CIFAR images before starting to train.'
          in local_run['second'].stdout)


def test_local_checkpoints_resume_evaluate_and_predict(local_run, tmp_path):
  train_dir = local_run['train_dir']
  path = tf.train.latest_checkpoint(train_dir)
  assert path.endswith('model.ckpt-30')
  assert cifar10_top_layers.checkpoint_top_layers(path) == 'local'
  names = set(tf.train.load_checkpoint(path).get_variable_to_shape_map())
  assert 'local3_lc/weights/ExponentialMovingAverage' in names
  assert not {'local3/weights', 'softmax_linear/weights'} & names

  # The evaluator reads the top from the checkpoint.
  proc = run_module('cifar10_eval', '--data_dir=' + local_run['data_dir'],
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % tmp_path, '--run_once',
                    '--num_examples=100', '--batch_size=50')
  assert len(PRECISION_LINE.findall(proc.stdout)) == 1

  # So does the predictor; the probabilities are the local model's.
  result = cifar10_predict.classify(
      [os.path.join(local_run['data_dir'], TEST_FILE)], train_dir,
      data_dir=local_run['data_dir'], batch_size=256, use_fp16=False)
  assert result['global_step'] == 30 and len(result['images']) == 1000
  p = np.stack([item['probabilities'] for item in result['images']])
  np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)


def test_an_evaluator_waiting_for_a_local_trainer_builds_its_top(local_run,
                                                                 tmp_path):
  """Started before the first checkpoint, the evaluator builds the model once
  one is there, with that checkpoint's top layers."""
  checkpoint_dir = tmp_path / 'train'
  checkpoint_dir.mkdir()
  log = tmp_path / 'eval.log'
  with open(str(log), 'w') as out:
    proc = start_script(
        ['-m', 'cifar10.cifar10_eval', '--data_dir=' + local_run['data_dir'],
         '--checkpoint_dir=%s' % checkpoint_dir, '--num_examples=100',
         '--batch_size=50', '--eval_dir=%s' % (tmp_path / 'eval'),
         '--eval_interval_secs=1'], out, subprocess.STDOUT)
    try:
      deadline = time.time() + 120
      while 'waiting for one' not in log.read_text():
        assert proc.poll() is None and time.time() < deadline, log.read_text()
        time.sleep(0.2)
      for name in os.listdir(local_run['train_dir']):
        if name.startswith('model.ckpt-30'):
          shutil.copy(os.path.join(local_run['train_dir'], name),
                      str(checkpoint_dir))
      while not PRECISION_LINE.findall(log.read_text()):
        assert proc.poll() is None and time.time() < deadline, log.read_text()
        time.sleep(0.2)
    finally:
      proc.kill()
      proc.wait()
  assert 'at step 30' in log.read_text()
  assert 'cifar10_eval: error' not in log.read_text()


def test_a_top_given_against_the_checkpoint_is_refused(local_run, tmp_path):
  before = sorted(os.listdir(local_run['train_dir']))
  proc = run_module('cifar10_train', '--data_dir=' + local_run['data_dir'],
                    '--train_dir=' + local_run['train_dir'],
                    '--top_layers=full', '--max_steps=40', check=False)
  assert proc.returncode == 1
  path = os.path.join(local_run['train_dir'], 'model.ckpt-30')
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_train: error: --top_layers=full, but %s has the local top '
      'layers; pass --top_layers=local or leave the flag out (to train a new '
      'model, choose another directory).' % path)
  assert 'Traceback' not in proc.stderr
  assert sorted(os.listdir(local_run['train_dir'])) == before
  with pytest.raises(cifar10_top_layers.TopLayersError,
                     match='--top_layers=full, but'):
    cifar10_eval.evaluate(local_run['train_dir'], str(tmp_path),
                          num_examples=100, run_once=True,
                          data_dir=local_run['data_dir'], top_layers='full')


# 4 and 5. Raw weights, both side by side, and per-class results.


def _confusion_from(stdout):
  """The printed confusion matrix: {class name: row of counts}."""
  block = stdout.split('Confusion matrix of the ')[1].splitlines()[2:12]
  rows = {}
  for line in block:
    fields = line.split()
    rows[fields[1]] = [int(n) for n in fields[2:]]
  return rows


def _class_table(stdout):
  """The printed per-class table: {class name: [count, precisions...]}."""
  block = stdout.split('Precision @ 1 per class at step ')[1].splitlines()
  table = {}
  for line in block[2:13]:
    fields = line.split()
    name = fields[0] if fields[0] == 'all' else fields[1]
    values = fields[1:] if fields[0] == 'all' else fields[2:]
    table[name] = [int(values[0])] + [float(x) for x in values[1:]]
  return table


@pytest.fixture(scope='module')
def evaluations(trained_dir, tmp_path_factory):
  """cifar10_eval on trained_dir, each on 1000 test images in batches of 128:
  evaluate() with the moving averages and with the raw weights, and the
  script with --compare_moving_average."""
  runs = {}
  for name, moving_average in (('ema', True), ('raw', False)):
    eval_dir = str(tmp_path_factory.mktemp('eval_' + name))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
      cifar10_eval.evaluate(
          trained_dir['train_dir'], eval_dir, num_examples=RECORDS_PER_FILE,
          run_once=True, data_dir=trained_dir['data_dir'], batch_size=128,
          use_fp16=False, moving_average=moving_average)
    runs[name] = {'stdout': out.getvalue(), 'eval_dir': eval_dir}
  eval_dir = str(tmp_path_factory.mktemp('eval_both'))
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + trained_dir['train_dir'],
                    '--eval_dir=' + eval_dir, '--run_once',
                    '--num_examples=%d' % RECORDS_PER_FILE,
                    '--compare_moving_average')
  runs['both'] = {'stdout': proc.stdout, 'eval_dir': eval_dir}
  return runs


def test_confusion_matrix_rows_sum_to_the_images_per_class(evaluations,
                                                          trained_dir):
  labels, _ = _records(trained_dir['data_dir'], RECORDS_PER_FILE)
  per_class = np.bincount(labels, minlength=10)
  assert (per_class == 100).all()  # The generator balances the classes.
  for run in evaluations.values():
    rows = _confusion_from(run['stdout'])
    assert list(rows) == list(CLASSES)
    confusion = np.array([rows[c] for c in CLASSES])
    np.testing.assert_array_equal(confusion.sum(axis=1), per_class)
    table = _class_table(run['stdout'])
    assert [table[c][0] for c in CLASSES] == list(per_class)
    assert table['all'][0] == RECORDS_PER_FILE
    for i, c in enumerate(CLASSES):
      assert table[c][1] == pytest.approx(confusion[i, i] / 100, abs=5e-4)
    precision = float(PRECISION_LINE.findall(run['stdout'])[0])
    assert precision == pytest.approx(np.trace(confusion) / 1000, abs=5e-4)


def test_compare_prints_both_weights_side_by_side(evaluations):
  ema = float(PRECISION_LINE.findall(evaluations['ema']['stdout'])[0])
  raw = float(PRECISION_LINE.findall(evaluations['raw']['stdout'])[0])
  both = evaluations['both']['stdout']
  # The tutorial's line, once, is the moving averages'.
  assert [float(p) for p in PRECISION_LINE.findall(both)] == [ema]
  found = re.findall(r': precision @ 1 = (\d\.\d{3}) with the raw weights; '
                     r'the moving averages add ([+-]\d+\.\d) points\.$',
                     both, re.M)
  assert found and float(found[0][0]) == raw
  assert float(found[0][1]) == pytest.approx(100 * (ema - raw), abs=0.051)
  assert re.search(r'class +images +moving averages +raw weights', both)
  table = _class_table(both)
  ema_table = _class_table(evaluations['ema']['stdout'])
  raw_table = _class_table(evaluations['raw']['stdout'])
  for c in CLASSES + ('all',):
    assert table[c] == [ema_table[c][0], ema_table[c][1], raw_table[c][1]]
  assert re.search(r'class +images +raw weights$',
                   evaluations['raw']['stdout'], re.M)


def _evaluate_quietly(trained_dir, eval_dir, **kwargs):
  out = io.StringIO()
  with contextlib.redirect_stdout(out):
    cifar10_eval.evaluate(trained_dir['train_dir'], eval_dir, run_once=True,
                          data_dir=trained_dir['data_dir'], use_fp16=False,
                          **kwargs)
  return out.getvalue()


def test_part_of_the_test_set_is_its_first_records_every_time(trained_dir,
                                                              tmp_path):
  """--num_examples below the set's size scores the first records of the
  file, the same ones in every run and for both weights of
  --compare_moving_average (a batch size that does not divide them)."""
  n = 250
  labels, _ = _records(trained_dir['data_dir'], n)
  runs = {}
  for name, kwargs in (('ema', {}), ('raw', {'moving_average': False}),
                       ('both', {'compare_moving_average': True}),
                       ('ema_again', {})):
    runs[name] = _evaluate_quietly(trained_dir, str(tmp_path / name),
                                   num_examples=n, batch_size=64, **kwargs)
  for name, stdout in runs.items():
    table = _class_table(stdout)
    assert [table[c][0] for c in CLASSES] == list(
        np.bincount(labels, minlength=10)), name
  assert _confusion_from(runs['ema_again']) == _confusion_from(runs['ema'])
  ema, raw = (_class_table(runs[k]) for k in ('ema', 'raw'))
  both = _class_table(runs['both'])
  for c in CLASSES + ('all',):
    assert both[c] == [ema[c][0], ema[c][1], raw[c][1]], c


def _events(eval_dir):
  values = []
  for f in os.listdir(eval_dir):
    if 'tfevents' not in f:
      continue
    for event in tf.train.summary_iterator(os.path.join(eval_dir, f)):
      values.extend((event.step, v) for v in event.summary.value)
  return values


def test_per_class_results_in_tensorboard(evaluations, trained_dir):
  step = int(tf.train.latest_checkpoint(
      trained_dir['train_dir']).rsplit('-', 1)[1])
  stdout = evaluations['both']['stdout']
  rows = _confusion_from(stdout)
  confusion = np.array([rows[c] for c in CLASSES])
  values = {v.tag: (s, v) for s, v in _events(evaluations['both']['eval_dir'])}
  assert {s for s, _ in values.values()} == {step}
  assert values['Precision @ 1'][1].simple_value == pytest.approx(
      np.trace(confusion) / 1000)
  raw = re.findall(r'precision @ 1 = (\d\.\d{3}) with the raw', stdout)[0]
  assert values['Precision @ 1 (raw weights)'][1].simple_value == (
      pytest.approx(float(raw), abs=5e-4))
  for i, c in enumerate(CLASSES):
    assert values['Precision @ 1 per class/' + c][1].simple_value == (
        pytest.approx(confusion[i, i] / 100))
  image = values['Confusion matrix'][1].image
  assert (image.height, image.width) == (160, 160)
  with tf.Graph().as_default(), tf.Session() as sess:
    pixels = sess.run(tf.io.decode_png(image.encoded_image_string))
  assert pixels.shape == (160, 160, 1)
  # Each 16x16 cell is its share of the true class, 0-255.
  np.testing.assert_array_equal(
      pixels[8::16, 8::16, 0], np.round(255.0 * confusion / 100))
  text = values['Per-class results'][1]
  assert text.metadata.plugin_data.plugin_name == 'text'
  markdown = tf.make_ndarray(text.tensor).item().decode('utf-8')
  assert '    Confusion matrix of the moving averages' in markdown
  assert '    Precision @ 1 per class at step %d:' % step in markdown


def test_confusion_matrix_function():
  confusion = cifar10_eval.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2,
                                                                 0, 2], 3)
  np.testing.assert_array_equal(confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
  np.testing.assert_allclose(cifar10_eval.class_precisions(confusion),
                             [0.5, 1.0, 2 / 3])


# 1. cifar10_predict.


def test_predict_binary_records_match_the_evaluation_graph(trained_dir):
  labels, images = _records(trained_dir['data_dir'], 40)
  result = cifar10_predict.classify(
      [os.path.join(trained_dir['data_dir'], TEST_FILE)],
      trained_dir['train_dir'], data_dir=trained_dir['data_dir'],
      batch_size=128, use_fp16=False)
  items = result['images'][:40]
  assert [item['label'] for item in items] == list(labels)
  assert items[7]['file'] == os.path.join(trained_dir['data_dir'],
                                          TEST_FILE) + ':7'
  got = np.stack([item['probabilities'] for item in items])
  # The same weights through inference() on numpy-preprocessed images.
  reader = tf.train.load_checkpoint(trained_dir['train_dir'])
  with tf.Graph().as_default():
    logits = cifar10.inference(tf.constant(_standardized(images)))
    assigns = [v.assign(reader.get_tensor(
        v.op.name + '/ExponentialMovingAverage'))
               for v in tf.trainable_variables()]
    with tf.Session() as sess:
      sess.run(assigns)
      want_logits = sess.run(logits)
  z = np.exp(want_logits - want_logits.max(axis=1, keepdims=True))
  np.testing.assert_allclose(got, z / z.sum(axis=1, keepdims=True),
                             atol=2e-5)
  np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-5)
  assert (got.argmax(axis=1) == want_logits.argmax(axis=1)).all()

  # --moving_average=false: the raw weights.
  raw = cifar10_predict.classify(
      [os.path.join(trained_dir['data_dir'], TEST_FILE)],
      trained_dir['train_dir'], data_dir=trained_dir['data_dir'],
      batch_size=128, use_fp16=False, moving_average=False)
  with tf.Graph().as_default():
    logits = cifar10.inference(tf.constant(_standardized(images)))
    assigns = [v.assign(reader.get_tensor(v.op.name))
               for v in tf.trainable_variables()]
    with tf.Session() as sess:
      sess.run(assigns)
      raw_logits = sess.run(logits)
  z = np.exp(raw_logits - raw_logits.max(axis=1, keepdims=True))
  np.testing.assert_allclose(
      np.stack([item['probabilities'] for item in raw['images'][:40]]),
      z / z.sum(axis=1, keepdims=True), atol=2e-5)
  assert raw['moving_average'] is False


def test_predict_hand_made_images_of_each_class(trained_dir, tmp_path):
  paths = []
  for label in range(10):
    for size, fmt in ((32, 'png'), (80, 'jpeg')):
      path = tmp_path / ('class%d_%d.%s' % (label, size, fmt))
      path.write_bytes(_encode([_hand_made(label, size)], fmt)[0])
      paths.append(str(path))
  result = cifar10_predict.classify(paths, trained_dir['train_dir'],
                                    data_dir=trained_dir['data_dir'],
                                    use_fp16=False)
  predicted = [int(np.argmax(item['probabilities']))
               for item in result['images']]
  expected = [label for label in range(10) for _ in range(2)]
  # 300 steps from a random start: a clean image now and then lands in a
  # neighbouring class (1 of 20 seen). Chance would be 2 of 20.
  right = sum(p == e for p, e in zip(predicted, expected))
  assert right >= 18, (predicted, expected)


def test_predict_png_of_a_record_equals_the_record(trained_dir, tmp_path):
  _, images = _records(trained_dir['data_dir'], 3)
  paths = []
  for i, png in enumerate(_encode(images)):
    paths.append(str(tmp_path / ('record%d.png' % i)))
    with open(paths[-1], 'wb') as f:
      f.write(png)
  binary = os.path.join(trained_dir['data_dir'], TEST_FILE)
  result = cifar10_predict.classify(paths + [binary],
                                    trained_dir['train_dir'],
                                    data_dir=trained_dir['data_dir'],
                                    use_fp16=False)
  items = result['images']
  for i in range(3):
    np.testing.assert_array_equal(items[i]['probabilities'],
                                  items[3 + i]['probabilities'])


def test_predict_script_lines_json_and_bad_files(trained_dir, tmp_path):
  good = tmp_path / 'ship.png'
  good.write_bytes(_encode([_hand_made(8)])[0])
  big = tmp_path / 'frog.jpg'
  big.write_bytes(_encode([_hand_made(6, 200)], 'jpeg')[0])
  truncated = tmp_path / 'truncated.png'
  truncated.write_bytes(good.read_bytes()[:40])
  text = tmp_path / 'notes.txt'
  text.write_text('not an image\n')
  missing = tmp_path / 'missing.jpg'
  out = tmp_path / 'out.json'
  proc = run_module('cifar10_predict', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + trained_dir['train_dir'],
                    '--top_k=2', '--output_json=%s' % out, good, truncated,
                    text, missing, big, check=False)
  assert proc.returncode == 1
  lines = proc.stdout.strip().splitlines()
  assert re.fullmatch(r'%s: ship (\d\.\d{3}), \w+ (\d\.\d{3})' % good,
                      lines[-2])
  assert re.fullmatch(r'%s: frog \d\.\d{3}, \w+ \d\.\d{3}' % big, lines[-1])
  errors = [l for l in proc.stderr.splitlines()
            if l.startswith('cifar10_predict: error:')]
  assert errors == [
      'cifar10_predict: error: %s: not a decodable image (%s)' % (
          truncated, errors[0].split(' (', 1)[1][:-1]),
      'cifar10_predict: error: %s: neither an image (PNG, JPEG, GIF, BMP) nor '
      'a CIFAR-10 binary file (it has 13 bytes, not a whole number of '
      '3073-byte records)' % text,
      'cifar10_predict: error: %s: cannot read it (No such file or '
      'directory)' % missing]
  assert 'Traceback' not in proc.stderr
  data = json.loads(out.read_text())
  assert data['global_step'] == int(tf.train.latest_checkpoint(
      trained_dir['train_dir']).rsplit('-', 1)[1])
  assert data['moving_average'] is True
  assert data['class_names'] == list(CLASSES)
  entries = data['images']
  assert [e['file'] for e in entries] == [str(p) for p in (
      good, truncated, text, missing, big)]
  assert [('error' in e) for e in entries] == [False, True, True, True, False]
  ship = entries[0]
  assert sum(ship['probabilities']) == pytest.approx(1.0, abs=1e-5)
  assert [t['class'] for t in ship['top']] == ['ship', CLASSES[
      int(np.argsort(ship['probabilities'])[-2])]]
  assert ship['top'][0]['probability'] == max(ship['probabilities'])
  printed = re.fullmatch(r'.*: ship (\d\.\d{3}), \w+ \d\.\d{3}', lines[-2])
  assert float(printed.group(1)) == round(ship['top'][0]['probability'], 3)


def test_predict_without_checkpoint_or_files(tmp_path, synthetic_data_dir):
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.classify([os.path.join(synthetic_data_dir, TEST_FILE)],
                             str(tmp_path), data_dir=synthetic_data_dir)
  assert str(error.value) == (
      'No checkpoint file found in %s; train a model there first '
      '(cifar10_train.py --train_dir=%s) or pass --checkpoint_dir.'
      % (tmp_path, tmp_path))
  with pytest.raises(SystemExit) as exit_:
    cifar10_predict.main(['cifar10_predict'])
  assert exit_.value.code == (
      'cifar10_predict: error: no files to classify; pass image or CIFAR-10 '
      'binary files after the flags.')


def test_a_class_without_images_has_no_precision():
  """Few images scored: a class none of them shows gets '-', not nan, and
  no TensorBoard scalar."""
  confusion = np.zeros((10, 10), np.int64)
  confusion[0, 0], confusion[1, 2], confusion[2, 2] = 3, 1, 2
  report = cifar10_eval.class_report([('moving averages', confusion)],
                                     CLASSES, 7)
  lines = report.splitlines()
  assert lines[2].split() == ['0', 'airplane', '3', '1.000']
  assert lines[3].split() == ['1', 'automobile', '1', '0.000']
  assert lines[5].split() == ['3', 'cat', '0', '-']
  assert 'nan' not in report
  tags = [v.tag for v in cifar10_eval.class_summaries(confusion, CLASSES,
                                                      report)]
  assert [t for t in tags if 'per class' in t] == [
      cifar10_eval.CLASS_PRECISION_TAG % c for c in CLASSES[:3]]
