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
"""Interchange with every version of the original, and the first hour.

The checkpoints of the 2018 original are written here by a graph of their
own, with exactly the original's 25 variables, not by the package.
"""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from conftest import LOG_LINE, PRECISION_LINE, VARIABLE_SHAPES, run_module

# The 2018 original builds conv1, conv2 and softmax_linear with wd=None: its
# checkpoints hold the loss averages of these terms only.
ORIGINAL_2018_LOSS_AVERAGES = ['cross_entropy/avg', 'local3/weight_loss/avg',
                               'local4/weight_loss/avg', 'total_loss/avg']
MISSING_IN_2018 = ['conv1/weight_loss/avg', 'conv2/weight_loss/avg',
                   'softmax_linear/weight_loss/avg']


def _write_original_2018_checkpoint(train_dir, values, step, drop=()):
  """Writes what the 2018 original's MonitoredTrainingSession saved.

  Args:
    train_dir: where to write 'model.ckpt-<step>' and the index (absolute
      paths in it, as the original's saver wrote).
    values: dict of model variable name to numpy value (and their
      '/ExponentialMovingAverage' shadows).
    step: the global step.
    drop: variable names to leave out (a damaged or foreign checkpoint).

  Returns:
    the checkpoint's path.
  """
  os.makedirs(train_dir)
  with tf.Graph().as_default():
    variables = []
    for name in sorted(values):
      if name not in drop:
        variables.append(tf.Variable(values[name], name=name))
    for name in ORIGINAL_2018_LOSS_AVERAGES:
      variables.append(tf.Variable(1.25, name=name))
    global_step = tf.Variable(np.int64(step), name='global_step')
    variables.append(global_step)
    assert len(variables) == 25 - len(drop)
    saver = tf.train.Saver(variables, sharded=True)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      return saver.save(sess, os.path.join(train_dir, 'model.ckpt'),
                        global_step=step)


@pytest.fixture(scope='module')
def trained_values(trained_dir):
  """The package's trained weights and their moving averages, by name."""
  reader = tf.train.load_checkpoint(trained_dir['train_dir'])
  values = {}
  for name in VARIABLE_SHAPES:
    values[name] = reader.get_tensor(name)
    values[name + '/ExponentialMovingAverage'] = reader.get_tensor(
        name + '/ExponentialMovingAverage')
  return values


@pytest.mark.parametrize('module,extra', [
    ('cifar10_train', []), ('cifar10_multi_gpu_train', ['--num_gpus=2'])])
def test_trainers_resume_checkpoints_of_the_2018_original(
    trained_dir, trained_values, tmp_path, module, extra):
  train_dir = str(tmp_path / 'train')
  path = _write_original_2018_checkpoint(train_dir, trained_values, 1000)
  proc = run_module(module, '--data_dir=' + trained_dir['data_dir'],
                    '--train_dir=' + train_dir, '--max_steps=1002',
                    '--batch_size=16', '--log_frequency=1', *extra)
  assert ('%s has no %s (checkpoints of the 2018 original scripts do not): '
          'these moving averages of loss terms, for TensorBoard only, start '
          'afresh.\n' % (path, ', '.join(MISSING_IN_2018))) in proc.stdout
  assert 'Resuming from %s (global step 1000).\n' % path in proc.stdout
  lines = LOG_LINE.findall(proc.stdout)
  assert [int(s) for s, _, _, _ in lines] == [1000, 1001]
  reader = tf.train.load_checkpoint(train_dir)
  assert reader.get_tensor('global_step') == 1002
  # The trained weights were restored and moved two steps from there (a new
  # model's random weights would be uncorrelated with them). One batch's
  # loss says less: after 300 steps it still ranges from 2 to above 4.6.
  for name in ('conv1/weights', 'local3/weights', 'softmax_linear/weights'):
    assert np.corrcoef(reader.get_tensor(name).ravel(),
                       trained_values[name].ravel())[0, 1] > 0.9, name
  # The averages it had continue from the checkpoint's values; the others
  # start from zero: after 2 steps of decay 0.9 they hold 19 % of the loss.
  names = reader.get_variable_to_shape_map()
  assert set(MISSING_IN_2018) <= set(names)
  assert reader.get_tensor('conv1/weight_loss/avg') == 0.0
  # The original's checkpoint itself is kept as it was.
  original = tf.train.load_checkpoint(path)
  assert sorted(original.get_variable_to_shape_map()) == sorted(
      [n for n in names if n not in MISSING_IN_2018])


def test_eval_reads_checkpoints_of_the_2018_original(trained_dir,
                                                     trained_values,
                                                     tmp_path):
  train_dir = str(tmp_path / 'train')
  _write_original_2018_checkpoint(train_dir, trained_values, 1000)
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=' + str(tmp_path / 'eval'), '--run_once',
                    '--num_examples=300')
  assert float(PRECISION_LINE.findall(proc.stdout)[0]) > 0.5


def test_a_genuinely_missing_model_variable_is_one_line(trained_dir,
                                                        trained_values,
                                                        tmp_path):
  train_dir = str(tmp_path / 'train')
  path = _write_original_2018_checkpoint(train_dir, trained_values, 1000,
                                         drop=['local4/biases'])
  proc = run_module('cifar10_train', '--data_dir=' + trained_dir['data_dir'],
                    '--train_dir=' + train_dir, '--max_steps=1002',
                    check=False)
  assert proc.returncode == 1
  assert 'Traceback' not in proc.stderr
  assert proc.stderr.rstrip().splitlines()[-1] == (
      'cifar10_train: error: %s has no local4/biases: it is not a checkpoint '
      'of this model. Choose another --train_dir, or start afresh with '
      '--fresh_start.' % path)


def test_eval_run_once_without_checkpoint_creates_nothing(trained_dir,
                                                          tmp_path):
  eval_dir = tmp_path / 'eval'
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + str(tmp_path / 'no_training'),
                    '--eval_dir=' + str(eval_dir), '--run_once',
                    '--num_examples=100', check=False)
  assert proc.returncode == 1
  assert proc.stdout.splitlines()[-1] == 'No checkpoint file found in %s' % (
      tmp_path / 'no_training')
  assert not eval_dir.exists()
  assert not (tmp_path / 'no_training').exists()


_SCRIPTS = ['cifar10_train', 'cifar10_multi_gpu_train', 'cifar10_eval',
            'cifar10_synthetic', 'cifar10_benchmark']


@pytest.mark.parametrize('script', _SCRIPTS)
def test_console_scripts_list_their_flags_in_help(script):
  exe = shutil.which(script)
  assert exe, 'console scripts are missing: run `pip install .` first'
  proc = subprocess.run([exe, '--help'], capture_output=True, text=True,
                        timeout=120)
  out = proc.stdout
  assert 'Try --helpfull' in out
  # The script's own flags and the shared ones, each with its help.
  own = {'cifar10_train': '--train_dir: Directory where to write event logs',
         'cifar10_multi_gpu_train': '--num_gpus: How many GPUs to use',
         'cifar10_eval': '--eval_dir: Directory where to write event logs.',
         'cifar10_synthetic': '--records_per_file: Records in each of the six',
         'cifar10_benchmark': '--output_json'}[script]
  assert own in out, out
  assert '--data_dir: Path to the CIFAR-10 data directory.' in out
  # absl formats the docstring with %; a bare % used to mangle it.
  assert "'ccuracy" not in out and "%%" not in out
  if script in ('cifar10_train', 'cifar10_eval'):
    assert re.search(r'~?\d\d(\.\d)?% accuracy', out), out


def test_a_default_run_prints_what_the_tutorial_shows(trained_dir):
  # The shared 300-step run (default flags but --batch_size=64 and
  # --log_frequency): stdout is the tutorial's lines and nothing else.
  lines = trained_dir['stdout'].splitlines()
  assert lines[0] == ('Filling queue with 20000 CIFAR images before starting '
                      'to train. This will take a few minutes.')
  assert all(LOG_LINE.match(l) for l in lines[1:]), lines
  assert len(lines) == 1 + 300 // 50
  # No Python log lines on stderr: only the synthetic-data banner (and the
  # C++ lines TensorFlow prints while it loads, before any flag is read).
  for line in trained_dir['stderr'].splitlines():
    assert not line.startswith(('INFO:', 'WARNING:tensorflow', 'W0', 'I1')), (
        line)
  assert 'WARNING:tensorflow:\n' not in trained_dir['stderr']


def _readme_block_after(marker):
  from conftest import REPO  # pylint: disable=g-import-not-at-top
  with open(os.path.join(REPO, 'README.md')) as f:
    text = f.read()
  block = text[text.index(marker):].split('```\n', 2)[1]
  return [line.split('#')[0].split() for line in block.strip().splitlines()]


def test_readme_offline_archive_block_goes_through_the_download_path(
    tmp_path):
  first = _readme_block_after('### Running fully offline on synthetic data')
  second = _readme_block_after('or, through the download path, from an '
                               'archive:')
  flags = lambda cmd: dict(a.split('=', 1) for a in cmd[1:] if '=' in a)
  train1 = flags([c for c in first if c[0] == 'cifar10_train'][0])
  train2 = flags([c for c in second if c[0] == 'cifar10_train'][0])
  # Its own data and training directories, and a bounded run.
  assert train2['--data_dir'] != train1['--data_dir']
  assert train2.get('--train_dir', '/tmp/cifar10_train') != train1.get(
      '--train_dir', '/tmp/cifar10_train')
  assert train2['--max_steps'] == train1['--max_steps'] == '300'
  # Run it, in a directory of the test's own, smaller and shorter.
  commands = []
  for cmd in second:
    cmd = [a.replace('/tmp/', str(tmp_path) + '/') for a in cmd]
    if cmd[0] == 'cifar10_synthetic':
      cmd.append('--records_per_file=100')
    else:
      cmd = [a for a in cmd if not a.startswith('--max_steps')] + [
          '--max_steps=2', '--batch_size=8']
    commands.append(cmd)
  procs = [run_module(cmd[0], *cmd[1:]) for cmd in commands]
  out = procs[1].stdout
  assert 'Successfully downloaded cifar-10-synthetic-binary.tar.gz' in out
  assert 'is not the CIFAR-10 release' in out
  data_dir = flags(commands[1])['--data_dir']
  assert os.path.exists(os.path.join(data_dir, 'cifar-10-batches-bin',
                                     'SYNTHETIC_DATA.txt'))
  assert len(LOG_LINE.findall(out)) == 1
