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
"""What `tensorboard --logdir` sees of a training run and an evaluation.

1. The event files cifar10_train writes (read back with summary_iterator):
   the graph, the loss / learning-rate / sparsity scalars, the activation,
   variable and gradient histograms and the input images, with their exact
   tags, steps and, where they are known, values.
2. The event file cifar10_eval writes: `Precision @ 1` at the checkpoint's
   global step, with the value the script printed.
3. A real TensorBoard server over both directories, through its HTTP API
   (127.0.0.1 only).

About the steps: MonitoredTrainingSession's SummarySaverHook records the
summaries computed in a run at the global step *after* that run, so the
summaries of the first run (initial weights) are at step 1, then 101, 201
(every 100 steps); the graph is at step 0.
"""

import collections
import glob
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import tensorflow.compat.v1 as tf

from google.protobuf import text_format

from conftest import TRAINED_DIR_BATCH, VARIABLE_SHAPES, run_module
from conftest import script_env

LAYERS = ['conv1', 'conv2', 'local3', 'local4', 'softmax_linear']
# The fixture trains 300 steps with the trainer's summaries every 100 steps.
MAX_STEPS = 300
SUMMARY_STEPS = [1, 101, 201]
BATCH_SIZE = TRAINED_DIR_BATCH
PRECISION_TAG = 'Precision @ 1'

LOSS_SCALARS = ['total_loss', 'total_loss_raw', 'cross_entropy',
                'cross_entropy_raw']
WEIGHT_LOSS_SCALARS = ['%s/weight_loss%s' % (layer, suffix)
                       for layer in LAYERS for suffix in ('', '_raw')]
# The runs of `tensorboard --logdir_spec=train:<train_dir>,eval:<eval_dir>`:
# the event files are in the named directories themselves.
TRAIN_RUN = 'train/.'
EVAL_RUN = 'eval/.'

# _activation_summary tags '<op name of the layer output>/...'; the output
# of layer L is the op 'L/L' (created in variable scope L, named scope.name).
SPARSITY_SCALARS = ['%s/%s/sparsity' % (layer, layer) for layer in LAYERS]
ACTIVATION_HISTOGRAMS = ['%s/%s/activations' % (layer, layer)
                         for layer in LAYERS]
VARIABLE_HISTOGRAMS = sorted(VARIABLE_SHAPES)
GRADIENT_HISTOGRAMS = [v + '/gradients' for v in VARIABLE_HISTOGRAMS]
ACTIVATION_SIZES = {'conv1': 24 * 24 * 64, 'conv2': 12 * 12 * 64,
                    'local3': 384, 'local4': 192, 'softmax_linear': 10}
IMAGE_TAGS = ['images/image/%d' % i for i in range(3)]  # max_outputs=3

# Trainer log line: '<time>: step 100, loss = 2.94 (... examples/sec; ...)'.
LOG_LINE = re.compile(r': step (\d+), loss = (\d+\.\d\d) \(')
PRECISION_LINE = re.compile(r': precision @ 1 = (\d\.\d{3})$', re.M)

TENSORBOARD_START_TIMEOUT = 180  # seconds; TensorBoard imports TensorFlow.


def _size(shape):
  return int(math.prod(shape))


def _read_events(directory):
  """All events of the event files in `directory`, in file order."""
  files = sorted(glob.glob(os.path.join(directory, 'events.out.tfevents.*')))
  assert files, 'no event file in %s: %s' % (directory, os.listdir(directory))
  return [e for f in files for e in tf.train.summary_iterator(f)]


def _summary_values(events):
  """{tag: [(step, Summary.Value), ...]} over the events' summaries."""
  values = collections.defaultdict(list)
  for event in events:
    if event.HasField('summary'):
      for value in event.summary.value:
        values[value.tag].append((event.step, value))
  return values


def _scalars(values, tag):
  """{step: float} of a scalar tag."""
  assert tag in values, 'no summary %r; the tags are %s' % (
      tag, sorted(values))
  for _, v in values[tag]:
    assert v.WhichOneof('value') == 'simple_value', (tag, v)
  return {step: v.simple_value for step, v in values[tag]}


def _missing(expected, tags):
  return sorted(set(expected) - set(tags))


# ---------------------------------------------------------------------------
# Fixtures: the training run's events, one evaluation, one TensorBoard.


@pytest.fixture(scope='module')
def train_events(trained_dir):
  return _read_events(trained_dir['train_dir'])


@pytest.fixture(scope='module')
def train_values(train_events):
  return _summary_values(train_events)


@pytest.fixture(scope='module')
def logdir(tmp_path_factory, trained_dir):
  """A /tmp-like directory holding this tutorial's cifar10_train (a copy of
  the trained train_dir's event files: the shared fixture stays untouched)
  and cifar10_eval, beside another program's run that must not be shown."""
  root = tmp_path_factory.mktemp('tensorboard_logdir')
  for name in ('cifar10_train', 'some_other_run'):
    (root / name).mkdir()
    for f in glob.glob(os.path.join(trained_dir['train_dir'],
                                    'events.out.tfevents.*')):
      shutil.copy2(f, str(root / name))
  return root


@pytest.fixture(scope='module')
def evaluation(trained_dir, logdir):
  """One `cifar10_eval --run_once` of the trained checkpoint into
  <logdir>/eval."""
  eval_dir = logdir / 'cifar10_eval'
  proc = run_module('cifar10_eval', '--run_once', '--num_examples=1000',
                    '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + trained_dir['train_dir'],
                    '--eval_dir=%s' % eval_dir, timeout=300)
  printed = PRECISION_LINE.findall(proc.stdout)
  assert len(printed) == 1, proc.stdout
  return {'eval_dir': str(eval_dir), 'printed': printed[0],
          'stdout': proc.stdout}


def _checkpoint_step(train_dir):
  path = tf.train.latest_checkpoint(train_dir)
  assert path, 'no checkpoint in %s' % train_dir
  return int(re.search(r'-(\d+)$', path).group(1))


# The server is queried through a proxy-less opener: only 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TensorBoard(object):
  """Client of a TensorBoard server on 127.0.0.1."""

  def __init__(self, port):
    self.base = 'http://127.0.0.1:%d' % port

  def get(self, path, **params):
    url = self.base + path
    if params:
      url += '?' + urllib.parse.urlencode(params)
    with _OPENER.open(url, timeout=30) as response:
      assert response.status == 200, (url, response.status)
      return response.read()

  def json(self, path, **params):
    return json.loads(self.get(path, **params).decode('utf-8'))


def _tensorboard_command():
  exe = shutil.which('tensorboard')
  if exe:
    return [exe]
  return [sys.executable, '-m', 'tensorboard.main']


@pytest.fixture(scope='module')
def tensorboard(logdir, evaluation, tmp_path_factory):
  """The README's `tensorboard --logdir_spec=train:...,eval:...` on a free
  port of 127.0.0.1, serving both runs; stopped (its pid only) at the end of
  the module."""
  del evaluation  # Only needed to be written before the server starts.
  out_dir = tmp_path_factory.mktemp('tensorboard_out')
  stderr_path = str(out_dir / 'stderr.txt')
  # --port 0: the OS picks a free port, which TensorBoard prints
  # ('TensorBoard 2.21.0 at http://127.0.0.1:PORT/'): no race for the port.
  # --load_fast=false: the Python loader, always available.
  # --reload_interval=0: load once; both runs are complete before.
  cmd = _tensorboard_command() + [
      '--logdir_spec', 'train:%s,eval:%s' % (logdir / 'cifar10_train',
                                              logdir / 'cifar10_eval'),
      '--host', '127.0.0.1', '--port', '0',
      '--load_fast=false', '--reload_interval=0']
  with open(str(out_dir / 'stdout.txt'), 'w') as out, \
      open(stderr_path, 'w') as err:
    proc = subprocess.Popen(cmd, stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL, env=script_env())
  try:
    deadline = time.time() + TENSORBOARD_START_TIMEOUT
    port = None
    while port is None:
      assert proc.poll() is None, 'tensorboard exited %d:\n%s' % (
          proc.returncode, open(stderr_path).read()[-5000:])
      assert time.time() < deadline, (
          'tensorboard did not start in %d s:\n%s' % (
              TENSORBOARD_START_TIMEOUT, open(stderr_path).read()[-5000:]))
      match = re.search(r'http://127\.0\.0\.1:(\d+)/',
                        open(stderr_path).read())
      if match:
        port = int(match.group(1))
      else:
        time.sleep(0.2)
    server = TensorBoard(port)
    # Ready once both runs are listed with their scalars.
    while True:
      try:
        tags = server.json('/data/plugin/scalars/tags')
        if TRAIN_RUN in tags and PRECISION_TAG in tags.get(EVAL_RUN, {}):
          break
      except (urllib.error.URLError, ConnectionError, ValueError):
        pass
      assert proc.poll() is None, 'tensorboard exited %d:\n%s' % (
          proc.returncode, open(stderr_path).read()[-5000:])
      assert time.time() < deadline, (
          'tensorboard on port %d did not serve both runs in %d s:\n%s' % (
              port, TENSORBOARD_START_TIMEOUT,
              open(stderr_path).read()[-5000:]))
      time.sleep(0.5)
    yield server
  finally:
    proc.terminate()
    try:
      proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
      proc.kill()
      proc.wait(timeout=15)


# ---------------------------------------------------------------------------
# 1. The training run's event files.


def test_train_events_hold_the_graph(train_events):
  graphs = [e for e in train_events if e.HasField('graph_def')]
  assert graphs, 'no GraphDef event'
  assert {e.step for e in graphs} == {0}
  assert any(e.HasField('meta_graph_def') for e in train_events)
  graph_def = tf.GraphDef.FromString(graphs[-1].graph_def)
  nodes = {n.name for n in graph_def.node}
  for name in (['global_step', 'total_loss', 'cross_entropy', 'train',
                'shuffle_batch'] + VARIABLE_HISTOGRAMS
               + ['%s/%s' % (layer, layer) for layer in LAYERS]):
    assert name in nodes, name


def test_graph_pbtxt_is_the_graph_of_the_events_and_checkpoints(
    trained_dir, train_events):
  # graph.pbtxt, as TensorFlow's checkpoint hook writes it: the text format
  # of the same GraphDef (with shapes) as the event file's and the .meta's.
  train_dir = trained_dir['train_dir']
  with open(os.path.join(train_dir, 'graph.pbtxt')) as f:
    text = tf.GraphDef()
    text_format.Parse(f.read(), text)
  graphs = [e for e in train_events if e.HasField('graph_def')]
  assert text == tf.GraphDef.FromString(graphs[-1].graph_def)
  meta = tf.MetaGraphDef()
  with open(tf.train.latest_checkpoint(train_dir) + '.meta', 'rb') as f:
    meta.ParseFromString(f.read())
  assert text.node == meta.graph_def.node
  assert all(n.attr['_output_shapes'].list.shape for n in text.node
             if n.name == 'global_step')
  assert not [n for n in os.listdir(train_dir) if '.tmp' in n]


def test_train_summary_tags(train_values):
  tags = set(train_values)
  expected = {
      'scalars': LOSS_SCALARS + WEIGHT_LOSS_SCALARS + SPARSITY_SCALARS + [
          'learning_rate'],
      'activation histograms': ACTIVATION_HISTOGRAMS,
      'variable histograms': VARIABLE_HISTOGRAMS,
      'gradient histograms': GRADIENT_HISTOGRAMS,
      'images': IMAGE_TAGS,
  }
  missing = {kind: _missing(names, tags) for kind, names in expected.items()}
  assert not any(missing.values()), (
      'missing %s; the event file has %s' % (
          {k: v for k, v in missing.items() if v}, sorted(tags)))
  # No de-duplicated or name-scoped variants of the expected tags.
  assert not [t for t in tags if re.search(r'_\d+$', t)], sorted(tags)


def test_train_summaries_at_every_summary_step(train_values):
  """Every model summary is written at steps 1, 101, 201, once each."""
  for tag in (LOSS_SCALARS + SPARSITY_SCALARS + ['learning_rate']
              + ACTIVATION_HISTOGRAMS + GRADIENT_HISTOGRAMS + IMAGE_TAGS):
    assert [step for step, _ in train_values[tag]] == SUMMARY_STEPS, tag


def test_train_learning_rate_is_constant_0_1(train_values):
  # decay_steps = int(50000 / 64 * 350) = 273437 > 300.
  assert _scalars(train_values, 'learning_rate') == {
      step: pytest.approx(0.1, rel=1e-6) for step in SUMMARY_STEPS}


def test_train_raw_losses_match_the_printed_losses(trained_dir, train_values):
  """The trainer prints the loss of the same run whose summaries go to the
  next global step: 'step 0' <-> step 1, 'step 100' <-> 101, ..."""
  printed = {int(s): l for s, l in LOG_LINE.findall(trained_dir['stdout'])}
  assert sorted(printed) == list(range(0, MAX_STEPS, 50)), (
      trained_dir['stdout'])
  raw = _scalars(train_values, 'total_loss_raw')
  for step in SUMMARY_STEPS:
    assert '%.2f' % raw[step] == printed[step - 1], (step, raw, printed)
  # At initialisation: the tutorial's 'step 0, loss = 4.68'.
  assert 4.5 < raw[1] < 4.8


def test_train_total_loss_is_the_sum_of_the_losses(train_values):
  total = _scalars(train_values, 'total_loss_raw')
  parts = [_scalars(train_values, 'cross_entropy_raw')] + [
      _scalars(train_values, '%s/weight_loss_raw' % layer) for layer in LAYERS]
  for step in SUMMARY_STEPS:
    assert total[step] == pytest.approx(sum(p[step] for p in parts),
                                        rel=1e-5), step


def test_train_initial_loss_values(train_values):
  """Step 1 holds the losses of the initial weights."""
  # Tiny softmax weights: logits near 0, cross entropy near ln(10).
  assert _scalars(train_values, 'cross_entropy_raw')[1] == pytest.approx(
      math.log(10), abs=0.1)
  # wd * l2_loss of truncated-normal weights: wd * n * stddev^2 * 0.7737 / 2.
  truncated_variance = 0.77374
  for layer, wd, stddev in [('local3', 0.004, 0.04), ('local4', 0.004, 0.04)]:
    n = _size(VARIABLE_SHAPES[layer + '/weights'])
    assert _scalars(train_values, layer + '/weight_loss_raw')[1] == (
        pytest.approx(wd * n * stddev ** 2 * truncated_variance / 2,
                      rel=0.03)), layer
  for layer in ('conv1', 'conv2', 'softmax_linear'):  # wd = 0.0
    assert set(_scalars(train_values, layer + '/weight_loss_raw').values()
              ) == {0.0}, layer
    assert set(_scalars(train_values, layer + '/weight_loss').values()
              ) == {0.0}, layer


def test_train_loss_averages_follow_the_raw_losses(trained_dir, train_values):
  """The moving averages (decay 0.9) follow their raw losses once they have
  seen updates (step 1 reads them while they are first updated).

  One batch's loss can jump well away from its average (4.76 against 3.14
  at step 101 in one run), so the noisy averages are held to the losses the
  trainer printed 50 steps either side instead of the raw value at the step;
  the weight loss, which changes smoothly, is held to its raw value.
  """
  printed = {int(s): float(l)
             for s, l in LOG_LINE.findall(trained_dir['stdout'])}
  averages = {name: _scalars(train_values, name) for name in (
      'total_loss', 'cross_entropy', 'local3/weight_loss')}
  raws = {name: _scalars(train_values, name + '_raw') for name in averages}
  for step in SUMMARY_STEPS[1:]:
    for name, average in averages.items():
      assert 0 < average[step] < 5, (name, step, average)
    assert averages['local3/weight_loss'][step] == pytest.approx(
        raws['local3/weight_loss'][step], rel=0.05), step
    # The two noisy averages differ by the (smooth) weight losses, as their
    # raw values do: each averages its own loss.
    decay = raws['total_loss'][step] - raws['cross_entropy'][step]
    assert averages['total_loss'][step] - averages['cross_entropy'][
        step] == pytest.approx(decay, rel=0.05), step
    # Printed: the total loss of 'step N', summarised at step N + 1.
    near = [printed[n] for n in (step - 51, step - 1, step + 49)
            if n in printed]
    assert len(near) >= 2, (step, printed)
    for name, shift in (('total_loss', 0.0), ('cross_entropy', decay)):
      assert min(near) - 0.5 < averages[name][step] + shift < max(
          near) + 0.5, (name, step, averages[name], near)


def test_train_sparsity_scalars(train_values):
  for tag in SPARSITY_SCALARS:
    for step, value in _scalars(train_values, tag).items():
      assert 0.0 <= value <= 1.0, (tag, step, value)
  # ReLU of zero-mean pre-activations: about half the units are zero.
  assert 0.3 < _scalars(train_values, 'conv1/conv1/sparsity')[1] < 0.7
  # The logits are linear: (almost) never exactly zero.
  assert _scalars(train_values,
                  'softmax_linear/softmax_linear/sparsity')[1] < 0.01


def _histograms(values, tag):
  """[(step, HistogramProto), ...] of a histogram tag."""
  assert tag in values, 'no histogram %r; the tags are %s' % (
      tag, sorted(values))
  for _, v in values[tag]:
    assert v.WhichOneof('value') == 'histo', (tag, v)
  return [(step, v.histo) for step, v in values[tag]]


def test_train_activation_histograms(train_values):
  for layer in LAYERS:
    tag = '%s/%s/activations' % (layer, layer)
    for step, histo in _histograms(train_values, tag):
      assert histo.num == BATCH_SIZE * ACTIVATION_SIZES[layer], (tag, step)
      assert sum(histo.bucket) == histo.num, (tag, step)
      if layer != 'softmax_linear':  # ReLU
        assert histo.min == 0.0, (tag, step)


def test_train_gradient_histograms(train_values):
  for name, shape in sorted(VARIABLE_SHAPES.items()):
    tag = name + '/gradients'
    for step, histo in _histograms(train_values, tag):
      assert histo.num == _size(shape), (tag, step)
      assert sum(histo.bucket) == histo.num, (tag, step)
      assert math.isfinite(histo.min) and math.isfinite(histo.max)
      assert histo.min < histo.max, (tag, step)  # Not all zero.


def test_train_variable_histograms(train_values):
  """Each variable's histogram is tagged with the variable's name
  (not 'conv1/weights_1')."""
  missing = _missing(VARIABLE_HISTOGRAMS, train_values)
  assert not missing, 'missing %s; the histogram tags are %s' % (
      missing, sorted(t for t, v in train_values.items()
                      if v[0][1].WhichOneof('value') == 'histo'))
  for name, shape in sorted(VARIABLE_SHAPES.items()):
    histograms = _histograms(train_values, name)
    assert [step for step, _ in histograms] == SUMMARY_STEPS, name
    for step, histo in histograms:
      assert histo.num == _size(shape), (name, step)
      assert sum(histo.bucket) == histo.num, (name, step)
  for step, histo in _histograms(train_values, 'conv1/weights'):
    # Initialised from a normal truncated at 2 stddev = 0.1.
    assert -0.2 < histo.min < 0 < histo.max < 0.2, step


def test_train_images(train_values):
  for tag in IMAGE_TAGS:
    assert [step for step, _ in train_values[tag]] == SUMMARY_STEPS, tag
    for step, v in train_values[tag]:
      assert v.WhichOneof('value') == 'image', (tag, v)
      assert (v.image.height, v.image.width, v.image.colorspace) == (
          24, 24, 3), (tag, step)
      assert v.image.encoded_image_string.startswith(b'\x89PNG\r\n\x1a\n')


# ---------------------------------------------------------------------------
# 2. The evaluation's event file.


def test_eval_writes_precision_at_the_checkpoint_step(trained_dir,
                                                      evaluation):
  step = _checkpoint_step(trained_dir['train_dir'])
  assert step == MAX_STEPS
  events = _read_events(evaluation['eval_dir'])
  assert any(e.HasField('graph_def') for e in events)
  values = _summary_values(events)
  assert [s for s, _ in values[PRECISION_TAG]] == [step], values[PRECISION_TAG]
  precision = _scalars(values, PRECISION_TAG)[step]
  assert '%.3f' % precision == evaluation['printed'], (precision, evaluation)
  # 1000 images: the precision is a whole number of thousandths.
  assert precision == pytest.approx(float(evaluation['printed']), abs=1e-6)
  # The first eval batch's summaries come with it, at the same step.
  for tag in IMAGE_TAGS + ['conv1/conv1/activations',
                           'local3/local3/sparsity']:
    assert [s for s, _ in values.get(tag, [])] == [step], (
        tag, sorted(values))


# ---------------------------------------------------------------------------
# 3. A TensorBoard server over both runs.


def test_tensorboard_runs(tensorboard):
  assert sorted(tensorboard.json('/data/runs')) == [EVAL_RUN, TRAIN_RUN]
  plugins = tensorboard.json('/data/plugins_listing')
  for plugin in ('scalars', 'histograms', 'distributions', 'images',
                 'graphs'):
    assert plugins.get(plugin, {}).get('enabled'), (plugin, plugins)


def test_tensorboard_scalar_tags(tensorboard):
  tags = tensorboard.json('/data/plugin/scalars/tags')
  expected = LOSS_SCALARS + WEIGHT_LOSS_SCALARS + SPARSITY_SCALARS + [
      'learning_rate']
  assert not _missing(expected, tags[TRAIN_RUN]), (
      _missing(expected, tags[TRAIN_RUN]), sorted(tags[TRAIN_RUN]))
  assert PRECISION_TAG in tags[EVAL_RUN], sorted(tags[EVAL_RUN])


def test_tensorboard_precision(tensorboard, evaluation):
  # [[wall_time, step, value], ...]
  points = tensorboard.json('/data/plugin/scalars/scalars', run=EVAL_RUN,
                            tag=PRECISION_TAG)
  assert [p[1] for p in points] == [MAX_STEPS], points
  assert '%.3f' % points[0][2] == evaluation['printed'], (points, evaluation)


def test_tensorboard_loss_and_learning_rate_scalars(tensorboard,
                                                    train_values):
  for tag in LOSS_SCALARS + ['learning_rate', 'conv1/conv1/sparsity']:
    points = tensorboard.json('/data/plugin/scalars/scalars', run=TRAIN_RUN,
                              tag=tag)
    assert [p[1] for p in points] == SUMMARY_STEPS, (tag, points)
    expected = _scalars(train_values, tag)
    assert {p[1]: p[2] for p in points} == {
        s: pytest.approx(v, rel=1e-6) for s, v in expected.items()}, tag
  points = tensorboard.json('/data/plugin/scalars/scalars', run=TRAIN_RUN,
                            tag='learning_rate')
  assert [p[2] for p in points] == [pytest.approx(0.1, rel=1e-6)] * 3


def test_tensorboard_histograms(tensorboard):
  tags = tensorboard.json('/data/plugin/histograms/tags')
  expected = ACTIVATION_HISTOGRAMS + GRADIENT_HISTOGRAMS
  assert not _missing(expected, tags[TRAIN_RUN]), (
      _missing(expected, tags[TRAIN_RUN]), sorted(tags[TRAIN_RUN]))
  assert 'local3/local3/activations' in tags[EVAL_RUN], sorted(tags[EVAL_RUN])
  # [[wall_time, step, [[left, right, count], ...]], ...]
  for tag, num in [('conv1/weights/gradients', 5 * 5 * 3 * 64),
                   ('local3/local3/activations', BATCH_SIZE * 384)]:
    points = tensorboard.json('/data/plugin/histograms/histograms',
                              run=TRAIN_RUN, tag=tag)
    assert [p[1] for p in points] == SUMMARY_STEPS, (tag, points)
    for point in points:
      assert sum(b[2] for b in point[2]) == pytest.approx(num), tag


def test_tensorboard_variable_histograms(tensorboard):
  tags = tensorboard.json('/data/plugin/histograms/tags')
  assert not _missing(VARIABLE_HISTOGRAMS, tags[TRAIN_RUN]), (
      _missing(VARIABLE_HISTOGRAMS, tags[TRAIN_RUN]), sorted(tags[TRAIN_RUN]))
  points = tensorboard.json('/data/plugin/histograms/histograms',
                            run=TRAIN_RUN, tag='softmax_linear/biases')
  assert [p[1] for p in points] == SUMMARY_STEPS, points
  for point in points:
    assert sum(b[2] for b in point[2]) == pytest.approx(10)


def _png_size(data):
  assert data.startswith(b'\x89PNG\r\n\x1a\n') and data[12:16] == b'IHDR'
  return struct.unpack('>II', data[16:24])


def test_tensorboard_images(tensorboard):
  tags = tensorboard.json('/data/plugin/images/tags')
  for run in (TRAIN_RUN, EVAL_RUN):
    assert not _missing(IMAGE_TAGS, tags[run]), (run, sorted(tags[run]))
  # [{'wall_time':, 'step':, 'query': 'blob_key=...'}, ...]
  images = tensorboard.json('/data/plugin/images/images', run=TRAIN_RUN,
                            tag=IMAGE_TAGS[0])
  assert [i['step'] for i in images] == SUMMARY_STEPS, images
  png = tensorboard.get('/data/plugin/images/individualImage?'
                        + images[0]['query'])
  assert _png_size(png) == (24, 24)


def test_tensorboard_graphs(tensorboard):
  info = tensorboard.json('/data/plugin/graphs/info')
  for run in (TRAIN_RUN, EVAL_RUN):
    assert info.get(run, {}).get('run_graph'), info
  graph = tensorboard.get('/data/plugin/graphs/graph', run=TRAIN_RUN).decode(
      'utf-8')
  for node in ('conv1/weights', 'local3/local3', 'total_loss', 'train'):
    assert 'name: "%s"\n' % node in graph, node
