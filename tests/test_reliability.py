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
"""A user's work is never lost: one owner per directory, recovery from damaged
checkpoints and indexes, any legal path, and one line instead of a traceback.

Everything is done for real: scripts run as processes, second processes are
started against a directory in use, files are damaged on disk, and the
checkpoints saved before are compared byte for byte (SHA-1) afterwards.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_checkpoint
from conftest import LOG_LINE, PRECISION_LINE, run_module, script_env
from test_faults import Script, _snapshot

BATCH = 16


def _one_line_error(proc, script):
  """The single error line of a failed script; fails on any traceback."""
  out = proc.stdout + proc.stderr
  assert 'Traceback' not in out, out[-3000:]
  lines = [l for l in proc.stderr.splitlines() if ': error: ' in l]
  assert len(lines) == 1, proc.stderr[-3000:]
  assert lines[0].startswith(script + ': error: '), lines
  return lines[0]


def _checkpoint_files(train_dir):
  """SHA-1 of every checkpoint file (model.ckpt-*) in train_dir."""
  return {name: sha for name, sha in _snapshot(train_dir).items()
          if name.startswith('model.ckpt-')}


@pytest.fixture()
def run_dir(trained_dir, tmp_path):
  """A copy of the 300-step --train_dir of conftest, with its data_dir."""
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained_dir['train_dir'], train_dir)
  return train_dir, trained_dir['data_dir']


def _train(module, train_dir, data_dir, max_steps, *extra, check=True):
  return run_module(module, '--data_dir=' + data_dir,
                    '--train_dir=' + train_dir, '--max_steps=%d' % max_steps,
                    '--batch_size=%d' % BATCH, '--log_frequency=1', *extra,
                    check=check)


# --- 1: one owner per directory ---------------------------------------------


def test_a_second_trainer_of_either_kind_is_refused_and_kill9_leaves_no_lock(
    run_dir, tmp_path):
  train_dir, data_dir = run_dir
  events_before = set(n for n in os.listdir(train_dir)
                      if n.startswith('events.'))
  # The tutorial's batch of 128: smaller ones diverge (NaN) on the
  # synthetic set within a thousand steps, which would end the first run
  # while the others try.
  first = Script.module(tmp_path, 'first', 'cifar10_train',
                        '--data_dir=' + data_dir, '--train_dir=' + train_dir,
                        '--max_steps=100000', '--log_frequency=1')
  try:
    first.wait_for(first.steps, 'a training step', timeout=240)
    # Stopped, it still holds the lock (an flock, held while the process
    # lives), and leaves the cores to the processes it must turn away.
    os.kill(first.proc.pid, signal.SIGSTOP)
    saved = _checkpoint_files(train_dir)
    for module in ('cifar10_train', 'cifar10_multi_gpu_train'):
      assert first.proc.poll() is None, first.describe()
      start = time.time()
      proc = _train(module, train_dir, data_dir, 10**6, check=False)
      assert proc.returncode == 1
      assert _one_line_error(proc, module) == (
          '%s: error: --train_dir=%s is in use by process %d (%s on %s, '
          'since %s); one process writes a directory at a time. Wait for it '
          'to finish, stop it, or choose another --train_dir.' % (
              module, train_dir, first.proc.pid, 'cifar10_train.py',
              os.uname().nodename, _since(train_dir)))
      assert time.time() - start < 60  # At once: nothing was built.
    # The refused processes wrote nothing: each event file is the first's.
    events = set(n for n in os.listdir(train_dir)
                 if n.startswith('events.')) - events_before
    assert len(events) == 1 and '.%d.' % first.proc.pid in events.pop()
    assert all(_checkpoint_files(train_dir).get(n) == s
               for n, s in saved.items() if n.startswith('model.ckpt-300'))
    # An evaluator writing its events into the directory in use is refused.
    proc = run_module('cifar10_eval', '--data_dir=' + data_dir,
                      '--checkpoint_dir=' + str(tmp_path / 'other'),
                      '--eval_dir=' + train_dir, '--run_once', check=False)
    assert 'is in use by process %d' % first.proc.pid in _one_line_error(
        proc, 'cifar10_eval')
  finally:
    first.proc.kill()
    first.proc.wait()
  # kill -9 left the lock file, but not the lock: the next run resumes.
  before = {n: s for n, s in _checkpoint_files(train_dir).items()}
  step = cifar10_checkpoint.newest_readable(train_dir)[0].step
  proc = _train('cifar10_train', train_dir, data_dir, step + 2)
  assert [int(s) for s, _, _, _ in LOG_LINE.findall(proc.stdout)] == [
      step, step + 1]
  after = _checkpoint_files(train_dir)
  assert all(after[n] == s for n, s in before.items() if n in after)


def _since(directory):
  with open(os.path.join(directory, '.cifar10.lock')) as f:
    return f.read().split('since ')[1].rstrip(')\n')


def test_two_evaluators_of_one_eval_dir(trained_dir, tmp_path):
  eval_dir = str(tmp_path / 'eval')
  first = Script.module(tmp_path, 'eval1', 'cifar10_eval',
                        '--data_dir=' + trained_dir['data_dir'],
                        '--checkpoint_dir=' + trained_dir['train_dir'],
                        '--eval_dir=' + eval_dir, '--num_examples=100',
                        '--eval_interval_secs=3600')
  try:
    first.wait_for(lambda: PRECISION_LINE.search(first.stdout),
                   'an evaluation', timeout=240)
    proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                      '--checkpoint_dir=' + trained_dir['train_dir'],
                      '--eval_dir=' + eval_dir, '--run_once',
                      '--num_examples=100', check=False)
    assert proc.returncode == 1
    assert ('--eval_dir=%s is in use by process %d' % (
        eval_dir, first.proc.pid)) in _one_line_error(proc, 'cifar10_eval')
  finally:
    first.proc.terminate()
    first.wait(60)
  # Each process names its own event file.
  events = [n for n in os.listdir(eval_dir) if n.startswith('events.')]
  assert len(events) == 1 and '.%d.' % first.proc.pid in events[0]


# --- 2, 3: damaged index, damaged newest checkpoint --------------------------


def _damage(train_dir, how):
  """Damages the newest checkpoint or the index of train_dir; returns what
  the newest checkpoint was."""
  newest = cifar10_checkpoint.list_checkpoints(train_dir)[0]
  index = os.path.join(train_dir, 'checkpoint')
  data = [os.path.join(train_dir, n) for n in os.listdir(train_dir)
          if n.startswith(os.path.basename(newest.path) + '.data-')]
  big = max(data, key=os.path.getsize)
  if how == 'index deleted':
    os.remove(index)
  elif how == 'index empty':
    open(index, 'w').close()
  elif how == 'index garbled':
    with open(index, 'w') as f:
      f.write('model_checkpoint_path: "model.ckpt-3\n\x00garbage {')
  elif how == 'index names a missing checkpoint':
    with open(index, 'w') as f:
      f.write('model_checkpoint_path: "model.ckpt-999999"\n')
  elif how == 'truncated data shard':
    with open(big, 'r+b') as f:
      f.truncate(os.path.getsize(big) // 2)
  elif how == 'garbage index file':
    with open(newest.path + '.index', 'wb') as f:
      f.write(os.urandom(1276))
  elif how == 'missing data shard':
    os.remove(big)
  return newest


_INDEX_DAMAGE = ['index deleted', 'index empty', 'index garbled',
                 'index names a missing checkpoint']
_CHECKPOINT_DAMAGE = ['truncated data shard', 'garbage index file',
                      'missing data shard']


def _saved_checkpoints(trained_dir, tmp_path, name):
  train_dir = str(tmp_path / name)
  shutil.copytree(trained_dir['train_dir'], train_dir)
  return train_dir


@pytest.mark.parametrize('how', _INDEX_DAMAGE + _CHECKPOINT_DAMAGE)
def test_recover_finds_the_newest_checkpoint_that_reads(trained_dir, tmp_path,
                                                        how):
  train_dir = _saved_checkpoints(trained_dir, tmp_path, 'train')
  checkpoints = cifar10_checkpoint.list_checkpoints(train_dir)
  newest = _damage(train_dir, how)
  damaged = how in _CHECKPOINT_DAMAGE
  before = _checkpoint_files(train_dir)
  said = []
  chosen = cifar10_checkpoint.recover(train_dir, said.append)
  expected = checkpoints[1] if damaged else newest
  assert chosen == expected
  assert len(said) == 1 and said[0].startswith('Repaired %s: ' % train_dir)
  assert said[0].endswith('the checkpoint index now names %s, the newest '
                          'checkpoint that reads.'
                          % os.path.basename(expected.path))
  # The index now names it, relative to the directory.
  assert cifar10_checkpoint.read_index(train_dir) == (
      os.path.basename(expected.path), None)
  after = _checkpoint_files(train_dir)
  if damaged:
    # Moved aside with every file, byte for byte.
    moved = [d for d in os.listdir(train_dir) if d.startswith('damaged-')]
    assert len(moved) == 1
    assert 'skipped %s (' % os.path.basename(newest.path) in said[0]
    kept = _snapshot(os.path.join(train_dir, moved[0]))
    assert kept == {n: s for n, s in before.items()
                    if n.startswith(os.path.basename(newest.path) + '.')}
    assert after == {n: s for n, s in before.items() if n not in kept}
  else:
    assert after == before
  # A second look finds nothing to say.
  assert cifar10_checkpoint.recover(train_dir, said.append) == expected
  assert len(said) == 1


def _none_readable_line(proc, script, checkpoints, train_dir):
  """The script's one error line, which says that none of the checkpoints
  (the newest model.ckpt-300) can be read."""
  assert proc.returncode == 1
  line = _one_line_error(proc, script)
  assert line.startswith('%s: error: None of the %d checkpoint(s) in %s can '
                         'be read: model.ckpt-300 (' % (
                             script, len(checkpoints), train_dir))
  return line


def _damage_every_index(train_dir):
  """Writes garbage over every checkpoint's .index: the checkpoints."""
  checkpoints = cifar10_checkpoint.list_checkpoints(train_dir)
  for checkpoint in checkpoints:
    with open(checkpoint.path + '.index', 'wb') as f:
      f.write(b'not a checkpoint index')
  return checkpoints


def test_no_readable_checkpoint_stops_and_touches_nothing(trained_dir,
                                                          tmp_path):
  train_dir = _saved_checkpoints(trained_dir, tmp_path, 'train')
  checkpoints = _damage_every_index(train_dir)
  before = _snapshot(train_dir)
  proc = _train('cifar10_train', train_dir, trained_dir['data_dir'], 400,
                check=False)
  line = _none_readable_line(proc, 'cifar10_train', checkpoints, train_dir)
  assert line.endswith('Nothing was changed. Restore the directory from a '
                       'backup, or start afresh with --fresh_start (which '
                       'moves it aside) or another --train_dir.')
  assert _snapshot(train_dir) == before


@pytest.mark.parametrize('module,how', [
    ('cifar10_train', 'index deleted'),
    ('cifar10_multi_gpu_train', 'truncated data shard')])
def test_trainers_resume_from_the_newest_checkpoint_that_reads(
    trained_dir, tmp_path, module, how):
  train_dir = _saved_checkpoints(trained_dir, tmp_path, 'train')
  older = cifar10_checkpoint.list_checkpoints(train_dir)[1]
  _damage(train_dir, how)
  before = _checkpoint_files(train_dir)
  resume = older if how in _CHECKPOINT_DAMAGE else (
      cifar10_checkpoint.list_checkpoints(train_dir)[0])
  proc = _train(module, train_dir, trained_dir['data_dir'], resume.step + 2,
                '--save_checkpoint_steps=1')
  assert 'Repaired %s: ' % train_dir in proc.stdout
  assert 'Resuming from %s (global step %d).\n' % (resume.path,
                                                   resume.step) in proc.stdout
  steps = [int(s) for s, _, _, _ in LOG_LINE.findall(proc.stdout)]
  assert steps == [resume.step, resume.step + 1]
  # Not one saved checkpoint file was written over: the damaged ones are
  # kept aside, the others as they were.
  after = _checkpoint_files(train_dir)
  for name, sha in before.items():
    if name in after:
      assert after[name] == sha, name
  assert cifar10_checkpoint.newest_readable(train_dir)[0].step == (
      resume.step + 2)


def test_eval_falls_back_to_the_newest_checkpoint_that_reads(trained_dir,
                                                             tmp_path):
  train_dir = _saved_checkpoints(trained_dir, tmp_path, 'train')
  older = cifar10_checkpoint.list_checkpoints(train_dir)[1]
  _damage(train_dir, 'garbage index file')
  before = _snapshot(train_dir)
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=' + str(tmp_path / 'eval'), '--run_once',
                    '--num_examples=100')
  assert ('Skipping the checkpoints that cannot be read in %s: '
          'model.ckpt-300 (' % train_dir) in proc.stdout
  assert len(PRECISION_LINE.findall(proc.stdout)) == 1
  # The evaluator reads the trainer's directory; it changes nothing there.
  assert _snapshot(train_dir) == before
  from test_faults import _precision_steps  # pylint: disable=g-import-not-at-top
  assert _precision_steps(str(tmp_path / 'eval')) == [older.step]


def test_eval_run_once_with_no_checkpoint_that_reads_is_one_error(
    trained_dir, tmp_path):
  train_dir = _saved_checkpoints(trained_dir, tmp_path, 'train')
  checkpoints = _damage_every_index(train_dir)
  before = _snapshot(train_dir)
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=' + str(tmp_path / 'eval'), '--run_once',
                    '--num_examples=100', check=False)
  line = _none_readable_line(proc, 'cifar10_eval', checkpoints, train_dir)
  assert line.endswith('Nothing was changed. Evaluate another '
                       '--checkpoint_dir, or train anew there with '
                       'cifar10_train --fresh_start (which moves the old run '
                       'aside).')
  assert _snapshot(train_dir) == before
  assert not (tmp_path / 'eval').exists()


# --- 4, 5: outputs that overwrite, paths --------------------------------------


def test_train_dir_in_data_dir_and_eval_dir_in_train_dir_are_refused(
    trained_dir, tmp_path):
  data_dir = trained_dir['data_dir']
  before = _snapshot(data_dir)
  for train_dir in (data_dir, os.path.join(data_dir, 'cifar-10-batches-bin')):
    proc = _train('cifar10_train', train_dir, data_dir, 10, '--fresh_start',
                  check=False)
    assert proc.returncode == 1
    line = _one_line_error(proc, 'cifar10_train')
    assert line.startswith('cifar10_train: error: --train_dir=%s is ' %
                           train_dir)
    assert line.endswith('--data_dir=%s; give --train_dir a directory of its '
                         'own.' % data_dir)
  assert _snapshot(data_dir) == before
  train_dir = trained_dir['train_dir']
  before = _snapshot(train_dir)
  proc = run_module('cifar10_eval', '--data_dir=' + data_dir,
                    '--checkpoint_dir=' + train_dir, '--eval_dir=' + train_dir,
                    '--run_once', check=False)
  assert _one_line_error(proc, 'cifar10_eval') == (
      'cifar10_eval: error: --eval_dir=%s is the same directory as '
      '--checkpoint_dir=%s; give --eval_dir a directory of its own.'
      % (train_dir, train_dir))
  assert _snapshot(train_dir) == before


def test_any_legal_path_trains_resumes_and_evaluates(synthetic_data_dir,
                                                     tmp_path):
  runs = tmp_path / 'runs'
  train_dir = str(runs / 'exp[1] * ? été')
  # A directory the glob pattern of train_dir would match: never touched.
  decoy = runs / 'exp1 x y été'
  decoy.mkdir(parents=True)
  for name in ('model.ckpt-1.index', 'model.ckpt-1.data-00000-of-00001',
               'checkpoint'):
    (decoy / name).write_text('not to be touched')
  before = _snapshot(str(decoy))
  _train('cifar10_train', train_dir, synthetic_data_dir, 8,
         '--save_checkpoint_steps=1')
  proc = _train('cifar10_train', train_dir, synthetic_data_dir, 10,
                '--save_checkpoint_steps=1')
  assert 'Resuming from %s (global step 8).\n' % os.path.join(
      train_dir, 'model.ckpt-8') in proc.stdout
  # The saver kept the newest 5 of this run, deleting by exact names.
  steps = [c.step for c in cifar10_checkpoint.list_checkpoints(train_dir)]
  assert steps[:2] == [10, 9] and 8 in steps
  eval_dir = str(runs / 'eval [2] ?')
  proc = run_module('cifar10_eval', '--data_dir=' + synthetic_data_dir,
                    '--checkpoint_dir=' + train_dir, '--eval_dir=' + eval_dir,
                    '--run_once', '--num_examples=100')
  assert len(PRECISION_LINE.findall(proc.stdout)) == 1
  assert _snapshot(str(decoy)) == before


# --- 8, 9: one line for every mistake; --max_steps already reached ----------


def test_max_steps_already_reached_trains_nothing(run_dir):
  train_dir, data_dir = run_dir
  before = _snapshot(train_dir)
  for module in ('cifar10_train', 'cifar10_multi_gpu_train'):
    proc = _train(module, train_dir, data_dir, 300)
    assert proc.stdout.strip().splitlines()[-1] == (
        'The run in %s is already at step 300 (--max_steps=300): nothing to '
        'train. Pass a larger --max_steps to train on.' % train_dir)
    assert not LOG_LINE.findall(proc.stdout)
    assert _snapshot(train_dir) == before


def test_resuming_with_the_other_precision_is_one_line(run_dir):
  train_dir, data_dir = run_dir
  before = _checkpoint_files(train_dir)
  for module in ('cifar10_train', 'cifar10_multi_gpu_train'):
    proc = _train(module, train_dir, data_dir, 310, '--use_fp16', check=False)
    assert proc.returncode == 1
    assert _one_line_error(proc, module) == (
        '%s: error: Cannot restore %s into the CIFAR-10 model: conv1/biases '
        'is float32 [64] there, float16 [64] in the model. It was trained '
        'without --use_fp16: drop --use_fp16 (or use --mixed_precision, which '
        'keeps float32 variables).' % (
            module, os.path.join(train_dir, 'model.ckpt-300')))
  assert _checkpoint_files(train_dir) == before


def _checkpoint_of(source, path, keep):
  """Writes at `path` a checkpoint with the tensors of `source` whose names
  `keep` accepts."""
  values = tf.train.load_checkpoint(source)
  with tf.Graph().as_default():
    variables = [tf.Variable(values.get_tensor(name), name=name)
                 for name in values.get_variable_to_shape_map() if keep(name)]
    with tf.Session() as sess:
      sess.run(tf.variables_initializer(variables))
      tf.train.Saver(variables).save(sess, path, write_meta_graph=False)


@pytest.mark.parametrize('kind', ['no moving averages', 'another model'])
def test_eval_of_a_checkpoint_it_cannot_use_says_what_to_do(trained_dir,
                                                           tmp_path, kind):
  checkpoint_dir = tmp_path / 'train'
  checkpoint_dir.mkdir()
  path = str(checkpoint_dir / 'model.ckpt-300')
  source = os.path.join(trained_dir['train_dir'], 'model.ckpt-300')
  if kind == 'no moving averages':
    _checkpoint_of(source, path, lambda n: 'ExponentialMovingAverage' not in n)
    expected = ('%s has no conv1/biases/ExponentialMovingAverage: it holds '
                'the weights but not their moving averages. Evaluate its '
                'weights themselves with --moving_average=false.' % path)
  else:
    _checkpoint_of(source, path, lambda n: not n.startswith('conv2/'))
    expected = ('%s has no conv2/biases/ExponentialMovingAverage: it is not '
                'a checkpoint of this model. Choose another '
                '--checkpoint_dir.' % path)
  before = _snapshot(str(checkpoint_dir))
  proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                    '--checkpoint_dir=%s' % checkpoint_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                    '--num_examples=100', check=False)
  assert proc.returncode == 1
  assert _one_line_error(proc, 'cifar10_eval') == (
      'cifar10_eval: error: ' + expected)
  assert _snapshot(str(checkpoint_dir)) == before
  if kind == 'no moving averages':
    proc = run_module('cifar10_eval', '--data_dir=' + trained_dir['data_dir'],
                      '--checkpoint_dir=%s' % checkpoint_dir,
                      '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
                      '--num_examples=100', '--moving_average=false')
    assert len(PRECISION_LINE.findall(proc.stdout)) == 1


@pytest.mark.parametrize('script,args,expected', [
    ('cifar10_train', ['--data_dir={file}', '--train_dir={tmp}/t'],
     '--data_dir={file} is a file, not a directory; pass a directory (it is '
     'created if it does not exist).'),
    ('cifar10_eval', ['--eval_dir={file}', '--checkpoint_dir={train}',
                      '--data_dir={data}', '--num_examples=10'],
     '--eval_dir={file} is a file, not a directory; pass a directory (it is '
     'created if it does not exist).'),
    ('cifar10_train', ['--data_dir={data}', '--train_dir={tmp}/t',
                       '--batch_size=50000000'],
     'Out of memory: --batch_size=50000000 needs about '),
    ('cifar10_eval', ['--eval_dir={data}/cifar-10-batches-bin',
                      '--checkpoint_dir={train}', '--data_dir={data}',
                      '--num_examples=10'],
     '--eval_dir={data}/cifar-10-batches-bin is inside --data_dir={data}; '
     'give --eval_dir a directory of its own.'),
    ('cifar10_eval', ['--checkpoint_dir={file}', '--eval_dir={tmp}/t',
                      '--data_dir={data}', '--num_examples=10'],
     '--checkpoint_dir={file} is a file, not a directory; pass a directory, '
     'the --train_dir a trainer wrote.'),
])
def test_mistakes_are_one_line(trained_dir, tmp_path, script, args, expected):
  afile = tmp_path / 'a file'
  afile.write_text('mine')
  values = {'file': str(afile), 'tmp': str(tmp_path),
            'train': trained_dir['train_dir'], 'data': trained_dir['data_dir']}
  proc = run_module(script, *[a.format(**values) for a in args], check=False)
  assert proc.returncode == 1
  assert _one_line_error(proc, script).startswith(
      '%s: error: %s' % (script, expected.format(**values)))
  assert afile.read_text() == 'mine'
  assert not (tmp_path / 't').exists() or 'batch_size' in expected


@pytest.mark.parametrize('script,flag,message', [
    ('cifar10_multi_gpu_train', '--num_gpus=1000',
     'flag --num_gpus=1000: 1000 is not an integer in the range [1, 64]'),
    ('cifar10_eval', '--eval_interval_secs=0',
     'flag --eval_interval_secs=0: 0 is not a positive integer'),
])
def test_flags_that_can_only_be_mistakes_are_bounded(script, flag, message):
  proc = run_module(script, flag, check=False)
  assert proc.returncode == 1
  assert 'Traceback' not in proc.stderr
  assert message in proc.stderr


def test_fresh_start_never_moves_onto_an_existing_backup(run_dir):
  train_dir, data_dir = run_dir
  before = _snapshot(train_dir)
  # Backups of the next seconds already exist (say, from another machine's
  # run copied here): they are neither replaced nor merged into.
  taken = []
  for delay in range(0, 90):
    stamp = time.strftime('%Y%m%d-%H%M%S', time.localtime(time.time() + delay))
    path = '%s.old-%s' % (train_dir, stamp)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, 'mine'), 'w') as f:
      f.write('keep')
    taken.append(path)
  proc = _train('cifar10_train', train_dir, data_dir, 1, '--fresh_start')
  moved = proc.stdout.split('--fresh_start: moved %s to ' % train_dir)[1]
  moved = moved.splitlines()[0]
  assert moved not in taken and moved.startswith(train_dir + '.old-')
  for path in taken:
    assert os.listdir(path) == ['mine']
  assert _snapshot(moved) == before
  assert [int(s) for s, _, _, _ in LOG_LINE.findall(proc.stdout)] == [0]


def test_ctrl_c_while_starting_and_while_evaluating_is_one_line(trained_dir,
                                                                tmp_path):
  # While TensorFlow is still being imported.
  proc = subprocess.Popen(
      [sys.executable, '-m', 'cifar10.cifar10_train',
       '--data_dir=' + trained_dir['data_dir'],
       '--train_dir=' + str(tmp_path / 'train')],
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
      env=_env())
  time.sleep(0.5)
  proc.send_signal(signal.SIGINT)
  out, err = proc.communicate(timeout=120)
  assert proc.returncode == 130, err
  assert 'Traceback' not in out + err and 'KeyboardInterrupt' not in err
  assert 'cifar10_train: interrupted (Ctrl-C)' in err
  # In the evaluation loop, waiting for the next checkpoint.
  evaluator = Script.module(tmp_path, 'eval', 'cifar10_eval',
                            '--data_dir=' + trained_dir['data_dir'],
                            '--checkpoint_dir=' + trained_dir['train_dir'],
                            '--eval_dir=' + str(tmp_path / 'eval'),
                            '--num_examples=100', '--eval_interval_secs=600')
  try:
    evaluator.wait_for(lambda: PRECISION_LINE.search(evaluator.stdout),
                       'an evaluation', timeout=240)
    evaluator.proc.send_signal(signal.SIGINT)
    assert evaluator.wait(60) == 130
  finally:
    evaluator.kill()
  assert 'Traceback' not in evaluator.stderr
  assert evaluator.stderr.rstrip().endswith(
      'cifar10_eval: interrupted (Ctrl-C); stopped.')


_COLLECTOR_PROBE = """\
\"\"\"A script of the package as Python sees it: named cifar10_*.\"\"\"
import gc
import sys
sys.argv[0] = 'cifar10_probe'
from cifar10 import cifar10_app
paused = not gc.isenabled()
import tensorflow
def main(argv):
  print('paused while importing:', paused, '- on in main:', gc.isenabled(),
        '- frozen:', gc.get_freeze_count())
cifar10_app.run_main(main)
"""


def test_collector_paused_while_a_script_starts_and_on_when_it_runs():
  """The scripts import TensorFlow with Python's collector paused (it would
  walk the growing heap again and again), and run with it on, TensorFlow's
  objects frozen; a program of the user's that imports the package keeps its
  collector as it was."""
  proc = subprocess.run([sys.executable, '-c', _COLLECTOR_PROBE],
                        capture_output=True, text=True, timeout=120,
                        env=_env())
  assert proc.returncode == 0, proc.stderr
  line = proc.stdout.strip().splitlines()[-1]
  assert line.startswith('paused while importing: True - on in main: True '
                         '- frozen: '), line
  assert int(line.split()[-1]) > 100000  # TensorFlow's objects.
  proc = subprocess.run(
      [sys.executable, '-c', 'import gc, sys; sys.argv[0] = "my_program"; '
       'from cifar10 import cifar10; print(gc.isenabled(), '
       'gc.get_freeze_count())'],
      capture_output=True, text=True, timeout=120, env=_env())
  assert proc.returncode == 0, proc.stderr
  assert proc.stdout.split() == ['True', '0']


def _env():
  from conftest import script_env  # pylint: disable=g-import-not-at-top
  return script_env()


def test_a_failed_save_leaves_none_of_its_files(tmp_path):
  """What a save cut short leaves (sharded: a '_temp' directory; not
  sharded: '.tempstate' files) is deleted by exact name; another save's
  files and the user's are kept."""
  train_dir = tmp_path / 'train'
  (train_dir / 'model.ckpt-200_temp').mkdir(parents=True)
  (train_dir / 'model.ckpt-200_temp' / 'part-00000-of-00001.data').write_text(
      'x')
  leftovers = ['model.ckpt-200.data-00000-of-00001.tempstate112627642606',
               'model.ckpt-200.index.tempstate55', 'model.ckpt-200.index']
  kept = ['model.ckpt-100.index', 'model.ckpt-100.data-00000-of-00001',
          'model.ckpt-2000.index.tempstate7', 'notes.tempstate1']
  for name in leftovers + kept:
    (train_dir / name).write_text('x')
  cifar10_checkpoint.discard_failed_save(str(train_dir / 'model.ckpt-200'))
  assert sorted(os.listdir(str(train_dir))) == sorted(kept)


def test_closed_standard_streams_reach_no_file_of_the_run(synthetic_data_dir,
                                                          tmp_path):
  """Started with stdout and stderr closed (`cifar10_train >&- 2>&-`), the
  files the trainer opens must not take their numbers: what it prints
  (TensorFlow's C++ lines go to descriptor 2) would land in them."""
  train_dir = str(tmp_path / 'train')

  def close_output():
    os.close(1)
    os.close(2)
  proc = subprocess.run(
      [sys.executable, '-m', 'cifar10.cifar10_train',
       '--data_dir=' + synthetic_data_dir, '--train_dir=' + train_dir,
       '--max_steps=3', '--batch_size=8', '--log_frequency=1'],
      stdin=subprocess.DEVNULL, preexec_fn=close_output, timeout=300,
      env=script_env())
  assert proc.returncode == 0
  assert cifar10_checkpoint.newest_readable(train_dir)[0].step == 3
  for name in os.listdir(train_dir):
    if os.path.isfile(os.path.join(train_dir, name)):
      with open(os.path.join(train_dir, name), 'rb') as f:
        contents = f.read()
      for printed in (b'cuInit', b'I0000', b'examples/sec', b'Traceback'):
        assert printed not in contents, (name, printed)
