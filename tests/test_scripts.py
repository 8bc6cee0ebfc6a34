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
"""End-to-end runs of cifar10_train, cifar10_eval and cifar10_synthetic.

The three ways of running them are each used for real work here: the
tutorial's `cd cifar10 && python cifar10_train.py`, `python -m
cifar10.cifar10_train` from the repository root, and the console scripts
installed by `pip install .`.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_eval
from conftest import LOG_LINE, PACKAGE_DIR, PRECISION_LINE, RECORDS_PER_FILE
from conftest import run_module, script_env, start_script


# Chance is 0.1. 300 steps of 64 on the synthetic set reach about 0.98 here
# (seed 0); the threshold leaves a wide margin.
MIN_PRECISION = 0.6


def _precision(stdout):
  found = PRECISION_LINE.findall(stdout)
  assert len(found) == 1, stdout
  return float(found[0])


def _eval_args(trained_dir, eval_dir):
  return ['--data_dir=' + trained_dir['data_dir'],
          '--checkpoint_dir=' + trained_dir['train_dir'],
          '--eval_dir=' + str(eval_dir), '--run_once',
          '--num_examples=%d' % RECORDS_PER_FILE]


def _copy_train_dir(trained_dir, tmp_path):
  copy = str(tmp_path / 'train')
  shutil.copytree(trained_dir['train_dir'], copy)
  return copy


def test_train_prints_the_tutorials_lines(trained_dir):
  out = trained_dir['stdout']
  assert ('Filling queue with 20000 CIFAR images before starting to train. '
          'This will take a few minutes.\n') in out
  steps = [(int(s), float(l)) for s, l, _, _ in LOG_LINE.findall(out)]
  assert [s for s, _ in steps] == [0, 50, 100, 150, 200, 250]
  assert 4.5 < steps[0][1] < 4.8  # The tutorial: "step 0, loss = 4.68".
  # One batch's loss: the median of the last three, as a batch now and then
  # spikes (measured 2.0-2.2 at step 250, once 3.8).
  assert np.median([loss for _, loss in steps[-3:]]) < steps[0][1] - 1.0
  assert 'SYNTHETIC DATA: %s' % os.path.join(
      trained_dir['data_dir'], 'cifar-10-batches-bin') in trained_dir['stderr']
  # No error lines from the input: oneDNN logged "oneDNN supports DT_UINT8
  # only on platforms with AVX-512" for a uint8 transpose on these CPUs.
  assert 'oneDNN supports' not in trained_dir['stderr']
  assert tf.train.latest_checkpoint(trained_dir['train_dir']).endswith(
      'model.ckpt-300')


def test_checkpoint_holds_the_tutorials_names(trained_dir):
  names = dict(tf.train.list_variables(trained_dir['train_dir']))
  layers = ['conv1', 'conv2', 'local3', 'local4', 'softmax_linear']
  expected = {'global_step'}
  for layer in layers:
    for kind in ('weights', 'biases'):
      expected.add('%s/%s' % (layer, kind))
      expected.add('%s/%s/ExponentialMovingAverage' % (layer, kind))
  assert expected <= set(names)
  assert names['local3/weights'] == [2304, 384]


def test_eval_run_once_is_well_above_chance(trained_dir, tmp_path):
  # The console script, as installed by `pip install .`.
  assert shutil.which('cifar10_eval'), (
      'console scripts are missing: run `pip install .` first')
  proc = subprocess.run(['cifar10_eval'] + _eval_args(trained_dir, tmp_path),
                        env=script_env(), capture_output=True, text=True,
                        timeout=300, check=True)
  assert _precision(proc.stdout) > MIN_PRECISION


def _independent_precision(trained_dir, num_examples):
  """Precision @ 1 of the EMA weights on the first test images, by numpy
  decoding and a graph fed from a placeholder (no queues)."""
  path = os.path.join(trained_dir['data_dir'], 'cifar-10-batches-bin',
                      'test_batch.bin')
  records = np.fromfile(path, np.uint8).reshape(-1, 3073)[:num_examples]
  labels = records[:, 0].astype(np.int32)
  images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
  images = images[:, 4:28, 4:28, :].astype(np.float32)
  images = (images - images.mean(axis=(1, 2, 3), keepdims=True)) / (
      images.std(axis=(1, 2, 3), keepdims=True))
  reader = tf.train.load_checkpoint(trained_dir['train_dir'])
  with tf.Graph().as_default():
    logits = cifar10.inference(tf.constant(images))
    assigns = [v.assign(reader.get_tensor(
        v.op.name + '/ExponentialMovingAverage'))
               for v in tf.trainable_variables()]
    with tf.Session() as sess:
      sess.run(assigns)
      predictions = sess.run(logits).argmax(axis=1)
  return np.sum(predictions == labels) / num_examples


def test_eval_restores_averages_and_scores_each_image_once(trained_dir,
                                                          tmp_path):
  # 1000 images in batches of 128: the last batch is partial, and nothing is
  # scored twice (the original scored 1024 predictions here).
  precision = cifar10_eval.evaluate(
      trained_dir['train_dir'], str(tmp_path), eval_data='test',
      num_examples=RECORDS_PER_FILE, run_once=True,
      data_dir=trained_dir['data_dir'], batch_size=128, use_fp16=False)
  assert precision == pytest.approx(
      _independent_precision(trained_dir, RECORDS_PER_FILE), abs=1.5e-3)


def test_eval_rejects_more_examples_than_the_data_has(trained_dir, tmp_path):
  proc = run_module('cifar10_eval', *_eval_args(trained_dir, tmp_path),
                    '--num_examples=1001', check=False)
  assert proc.returncode == 1
  assert ('cifar10_eval: error: --num_examples=1001 but the test set in %s '
          'has 1000 images; pass --num_examples=1000 or less.'
          % os.path.join(trained_dir['data_dir'], 'cifar-10-batches-bin')
         ) in proc.stderr


def test_eval_without_checkpoint(synthetic_data_dir, tmp_path):
  empty = tmp_path / 'no_checkpoints'
  empty.mkdir()
  proc = run_module('cifar10_eval', '--data_dir=' + synthetic_data_dir,
                    '--checkpoint_dir=%s' % empty,
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    '--num_examples=100', check=False)
  assert proc.returncode == 1
  assert 'No checkpoint file found in %s\n' % empty in proc.stdout


def test_resume_the_tutorials_way(trained_dir, tmp_path):
  """`cd cifar10 && python cifar10_train.py` continues from step 300 and
  keeps every file that was there."""
  train_dir = _copy_train_dir(trained_dir, tmp_path)
  before = set(os.listdir(train_dir))
  proc = subprocess.run(
      [sys.executable, 'cifar10_train.py',
       '--data_dir=' + trained_dir['data_dir'], '--train_dir=' + train_dir,
       '--max_steps=310', '--log_frequency=5'],
      cwd=PACKAGE_DIR, env=script_env(), capture_output=True, text=True,
      timeout=300, check=True)
  steps = [int(s) for s, _, _, _ in LOG_LINE.findall(proc.stdout)]
  assert steps == [300, 305]
  assert before <= set(os.listdir(train_dir))
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-310')
  reader = tf.train.load_checkpoint(train_dir)
  assert reader.get_tensor('global_step') == 310


def test_fresh_start_moves_the_old_run_aside(trained_dir, tmp_path):
  train_dir = _copy_train_dir(trained_dir, tmp_path)
  before = sorted(os.listdir(train_dir))
  # --xla (auto-clustering) on the way: it must keep the checkpoint's names.
  proc = run_module('cifar10_train', '--data_dir=' + trained_dir['data_dir'],
                    '--train_dir=' + train_dir, '--max_steps=1',
                    '--fresh_start', '--xla')
  moved = [d for d in os.listdir(str(tmp_path)) if d.startswith('train.old-')]
  assert len(moved) == 1
  assert '--fresh_start: moved %s to %s' % (
      train_dir, tmp_path / moved[0]) in proc.stdout
  assert sorted(os.listdir(str(tmp_path / moved[0]))) == before
  assert [int(s) for s, _, _, _ in LOG_LINE.findall(proc.stdout)] == [0]
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-1')
  assert dict(tf.train.list_variables(train_dir)) == dict(
      tf.train.list_variables(str(tmp_path / moved[0])))


def test_mixed_precision_resumes_and_evaluates_float32_checkpoints(
    trained_dir, tmp_path):
  """--mixed_precision continues a float32 run from its checkpoint, and
  saves one the float32 evaluator (and a --mixed_precision one) reads."""
  train_dir = _copy_train_dir(trained_dir, tmp_path)
  reader = tf.train.load_checkpoint(train_dir)
  float32_variables = (reader.get_variable_to_shape_map(),
                       reader.get_variable_to_dtype_map())
  trained = {name: reader.get_tensor(name) for name in (
      'conv1/weights', 'local3/weights', 'softmax_linear/weights')}
  proc = run_module('cifar10_train', '--data_dir=' + trained_dir['data_dir'],
                    '--train_dir=' + train_dir, '--max_steps=305',
                    '--batch_size=32', '--log_frequency=5',
                    '--mixed_precision')
  lines = LOG_LINE.findall(proc.stdout)
  assert [int(step) for step, _, _, _ in lines] == [300]
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-305')
  reader = tf.train.load_checkpoint(train_dir)
  # The trained weights were restored and moved five steps from there (a new
  # model's random weights would be uncorrelated with them). One batch's
  # loss says less: after 300 steps it still ranges from 2 to above 4.6.
  for name, value in trained.items():
    assert np.corrcoef(reader.get_tensor(name).ravel(),
                       value.ravel())[0, 1] > 0.9, name
  assert (reader.get_variable_to_shape_map(),
          reader.get_variable_to_dtype_map()) == float32_variables
  args = _eval_args(dict(trained_dir, train_dir=train_dir), tmp_path / 'eval')
  float32_precision = _precision(run_module('cifar10_eval', *args).stdout)
  mixed_precision = _precision(run_module('cifar10_eval', *args,
                                          '--mixed_precision').stdout)
  assert float32_precision > 0.5  # Chance is 0.1.
  # float16 logits change a few close calls among the 1000 images.
  assert mixed_precision == pytest.approx(float32_precision, abs=0.01)


def test_offline_archive_fp16_train_and_eval(tmp_path):
  """The synthetic archive command, a file:// --data_url through the real
  download path, and --use_fp16 through training and evaluation."""
  archive = tmp_path / 'cifar-10-synthetic-binary.tar.gz'
  proc = run_module('cifar10_synthetic', '--archive=%s' % archive,
                    '--records_per_file=200', '--seed=3')
  assert 'Wrote a SYNTHETIC CIFAR-10-format data set' in proc.stdout
  data_dir, train_dir = tmp_path / 'data', tmp_path / 'train'
  proc = run_module('cifar10_train', '--data_dir=%s' % data_dir,
                    '--data_url=file://%s' % archive,
                    '--train_dir=%s' % train_dir, '--use_fp16',
                    '--batch_size=32', '--max_steps=20', '--log_frequency=10')
  assert 'Successfully downloaded cifar-10-synthetic-binary.tar.gz' in (
      proc.stdout)
  assert len(LOG_LINE.findall(proc.stdout)) == 2
  assert sorted(os.listdir(str(data_dir / 'cifar-10-batches-bin'))) == [
      'SYNTHETIC_DATA.txt', 'batches.meta.txt', 'data_batch_1.bin',
      'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin',
      'data_batch_5.bin', 'test_batch.bin']
  assert dict(tf.train.list_variables(str(train_dir)))[
      'conv1/weights'] == [5, 5, 3, 64]
  proc = run_module('cifar10_eval', '--data_dir=%s' % data_dir,
                    '--checkpoint_dir=%s' % train_dir, '--use_fp16',
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    '--num_examples=200', '--batch_size=64')
  assert 0.0 <= _precision(proc.stdout) <= 1.0


def _closed_port():
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


@pytest.mark.parametrize('module,args,message', [
    ('cifar10_train', ['--batch_size=0'],
     'flag --batch_size=0: 0 is not a positive integer'),
    ('cifar10_train', ['--max_steps=-5'],
     'flag --max_steps=-5: -5 is not a positive integer'),
    ('cifar10_train', ['--max_step=10'], 'Unknown command line flag'),
    ('cifar10_train', ['--use_fp16', '--mixed_precision'],
     'flags use_fp16=True, mixed_precision=True: --use_fp16 (float16 '
     'variables) and --mixed_precision (float32 variables, 16-bit compute) '
     'exclude each other: pass one of them.'),
    ('cifar10_eval', ['--eval_data=validation'],
     'flag --eval_data=validation: value should be one of <test|train_eval>'),
    ('cifar10_eval', ['--run_once=maybe'],
     "flag --run_once=maybe: ('Non-boolean argument to boolean flag', "
     "'maybe')"),
    ('cifar10_eval', ['--moving_average=false', '--compare_moving_average'],
     'flags moving_average=False, compare_moving_average=True: '
     '--compare_moving_average evaluates both the moving averages and the raw '
     'weights: drop --moving_average=false.'),
    ('cifar10_train', ['--min_fraction_of_examples_in_queue=nan'],
     'flag --min_fraction_of_examples_in_queue=nan: '
     '--min_fraction_of_examples_in_queue takes a number, not nan or inf'),
])
def test_bad_flags_are_rejected_before_any_work(module, args, message,
                                                tmp_path):
  proc = run_module(module, '--data_dir=%s' % tmp_path, *args, check=False)
  assert proc.returncode == 1
  assert 'FATAL Flags parsing error: ' + message in proc.stderr
  assert 'Traceback' not in proc.stderr
  assert os.listdir(str(tmp_path)) == []  # Nothing downloaded or written.


def test_boolean_flags_parse_false(trained_dir, tmp_path):
  """--run_once=false means false: the evaluator keeps waiting."""
  log = tmp_path / 'eval.log'
  with open(str(log), 'w') as out:
    proc = start_script(
        ['-m', 'cifar10.cifar10_eval',
         '--data_dir=' + trained_dir['data_dir'],
         '--checkpoint_dir=%s' % (tmp_path / 'none'), '--run_once=false',
         '--num_examples=%d' % RECORDS_PER_FILE,
         '--eval_dir=%s' % (tmp_path / 'eval'), '--eval_interval_secs=1'],
        out, subprocess.STDOUT)
    try:
      deadline = time.time() + 60
      while log.read_text().count('No checkpoint file found') < 3:
        assert proc.poll() is None, log.read_text()
        assert time.time() < deadline, log.read_text()
        time.sleep(0.5)
    finally:
      proc.kill()
      proc.wait()
  assert 'No checkpoint file found in %s; waiting for one' % (
      tmp_path / 'none') in log.read_text()


def test_no_network_says_how_to_put_the_data_in_place(tmp_path):
  url = 'http://127.0.0.1:%d/cifar-10-binary.tar.gz' % _closed_port()
  proc = run_module('cifar10_train', '--data_dir=%s' % (tmp_path / 'data'),
                    '--data_url=' + url, '--train_dir=%s' % (tmp_path / 't'),
                    check=False, timeout=120)
  assert proc.returncode == 1
  error = proc.stderr[proc.stderr.index('cifar10_train: error:'):]
  assert url in error and 'cifar-10-batches-bin' in error
  assert 'cifar10_synthetic' in error and '--data_url' in error
  assert 'Traceback' not in proc.stderr
  assert not (tmp_path / 't').exists()


def test_bad_data_file_is_named(synthetic_data_dir, tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(synthetic_data_dir, str(data_dir))
  bad = data_dir / 'cifar-10-batches-bin' / 'data_batch_3.bin'
  with open(str(bad), 'r+b') as f:
    f.seek(3073 * 7)
    f.write(bytes([200]))
  proc = run_module('cifar10_train', '--data_dir=%s' % data_dir,
                    '--train_dir=%s' % (tmp_path / 't'), check=False)
  assert proc.returncode == 1
  assert ('cifar10_train: error: Data file %s has label 200 in record 7 '
          '(labels are 0-9)' % bad) in proc.stderr
  assert 'Traceback' not in proc.stderr


@pytest.mark.parametrize('both', [False, True])
def test_output_into_a_closed_pipe_does_not_stop_the_evaluation(
    trained_dir, tmp_path, both):
  """`cifar10_eval ... | head -1` (and `2>&1 | head -1`): the rest of the
  output goes nowhere, and the evaluation still ends well, with its summary
  written."""
  read_end, write_end = os.pipe()
  eval_dir = tmp_path / 'eval'
  with os.fdopen(write_end, 'w') as out, open(str(tmp_path / 'err'),
                                              'w') as err:
    proc = start_script(
        ['-m', 'cifar10.cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
         '--checkpoint_dir=' + trained_dir['train_dir'],
         '--eval_dir=%s' % eval_dir, '--run_once', '--num_examples=100'],
        out, subprocess.STDOUT if both else err)
  with os.fdopen(read_end) as pipe:
    first = pipe.readline()
  returncode = proc.wait(timeout=300)
  stderr = (tmp_path / 'err').read_text()
  assert first, stderr
  assert returncode == 0, stderr
  assert 'Traceback' not in stderr and 'Error' not in stderr, stderr
  events = [f for f in os.listdir(str(eval_dir)) if 'tfevents' in f]
  assert len(events) == 1
  tags = {v.tag for e in tf.train.summary_iterator(str(eval_dir / events[0]))
          for v in e.summary.value}
  assert 'Precision @ 1' in tags


def test_a_path_the_system_refuses_is_one_line(tmp_path):
  """An OSError naming a path, where no closer check knew what to say, ends
  in one line from the scripts' error boundary (cifar10_app.run_main)."""
  code = (
      'import errno, os, sys\n'
      'from cifar10 import cifar10_app\n'
      'def main(argv):\n'
      '  code = errno.%s\n'
      '  raise OSError(code, os.strerror(code), sys.argv[1])\n'
      'cifar10_app.run_main(main)\n')
  for name, message in (
      ('ENOSPC', 'No space left on device; free space or choose another '
       'path.'),
      ('EROFS', 'Read-only file system; choose a path on a writable disk.'),
      ('ENOTDIR', 'Not a directory; choose another path.')):
    with open(str(tmp_path / 'out'), 'w') as out, open(
        str(tmp_path / 'err'), 'w') as err:
      proc = start_script(['-c', code % name, str(tmp_path / 'f')], out, err)
      assert proc.wait(timeout=120) == 1
    stderr = (tmp_path / 'err').read_text()
    assert 'Traceback' not in stderr
    assert stderr.strip().splitlines()[-1] == (
        '-c: error: cannot use %s: %s' % (tmp_path / 'f', message))



def test_class_names_file_that_is_not_text_is_one_line(synthetic_data_dir,
                                                       tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(synthetic_data_dir, str(data_dir))
  meta = data_dir / 'cifar-10-batches-bin' / 'batches.meta.txt'
  meta.write_bytes(bytes(range(128, 256)) * 2)
  proc = run_module('cifar10_eval', '--data_dir=%s' % data_dir,
                    '--checkpoint_dir=%s' % (tmp_path / 'none'),
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    '--num_examples=10', check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      "cifar10_eval: error: %s is not text (UTF-8): it should name the 10 "
      "classes, one a line. Put the data set's own file back, or delete it "
      "to use the CIFAR-10 names." % meta)
  assert 'Traceback' not in proc.stderr
