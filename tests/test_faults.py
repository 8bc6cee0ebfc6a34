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
"""Faults: training and evaluation survive kills, restarts, concurrent use
and bad data without losing work.

Everything is done for real: the scripts run as subprocesses, get real
signals (SIGKILL at random moments, SIGINT, SIGTERM), read and write real
files, on real read-only and full filesystems (a read-only bind mount and a
small tmpfs), and download from a real HTTP server on 127.0.0.1. Two test
harnesses change no behaviour of the package, only what it is given:
training with a NaN learning rate (the tutorial has no flag for it), and an
evaluator whose restore waits until training has rotated the checkpoint away,
so that "deleted between being named and being read" happens every time
instead of by luck.

The kills use a random seed, printed with every failure; set
CIFAR10_FAULT_SEED to replay one. CIFAR10_SOAK=1 kills each trainer 20 times
in a row instead of 3 (CIFAR10_SOAK=N: N times).
"""

import glob
import hashlib
import http.server
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import time
from concurrent import futures

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_checkpoint
from conftest import REPO, RECORDS_PER_FILE, local_http_server, mounted
from conftest import run_module, start_script

TRAINERS = [('cifar10_train', [])]
if os.path.exists(os.path.join(REPO, 'cifar10', 'cifar10_multi_gpu_train.py')):
  TRAINERS.append(('cifar10_multi_gpu_train', ['--num_gpus=2']))

_SOAK = int(os.environ.get('CIFAR10_SOAK', '0') or 0)
KILLS = (20 if _SOAK == 1 else _SOAK) if _SOAK else 3
SEED = int(os.environ.get('CIFAR10_FAULT_SEED', '0') or 0) or random.randrange(
    1, 10**6)

BATCH = 32
SAVE_EVERY = 2  # --save_checkpoint_steps: kills often land mid-save.
# The last run trains this many steps past the kills: long enough that the
# evaluator beside it sees checkpoints rotated away.
FINAL_STEPS = 40

STEP_LINE = re.compile(r'^\S+ \S+: step (\d+), loss = ', re.M)
PRECISION_LINE = re.compile(r': precision @ 1 = (\d\.\d{3})$', re.M)
# Logged at INFO level, which --verbosity=0 shows.
SAVED = re.compile(r'Saved checkpoint \S+ \(global step (\d+)\)\.')
DELETED = 'was deleted before it could be read; skipping it.'

# The tutorial's learning rate is a module constant; a NaN one makes the
# first update NaN, so the loss is NaN at exactly the next step.
TRAIN_WITH_LEARNING_RATE = r'''
import sys
from cifar10 import cifar10, cifar10_train
cifar10.INITIAL_LEARNING_RATE = float(sys.argv.pop(1))
cifar10_train.run()
'''

# Holds every restore until training has deleted the checkpoint (it keeps
# the newest 5) or for 8 s: with training running, the files are then gone
# between latest_checkpoint() naming them and the restore reading them.
# The evaluator beside the interrupted training. The first time it restores a
# checkpoint of the last run (newer than the step in HOLD_DIR/final_from), it
# holds the restore until training has rotated that checkpoint away, as a slow
# evaluator on a busy machine would be overtaken, and says so in
# HOLD_DIR/holding: the fixture keeps the trainer stopped until then, so the
# checkpoint is always one training goes on to delete.
EVAL_WITH_HELD_RESTORE = r'''
import os, time
from cifar10 import cifar10_checkpoint, cifar10_eval
restore = cifar10_checkpoint.restore
final_from = os.path.join(HOLD_DIR, 'final_from')
holding = os.path.join(HOLD_DIR, 'holding')
def held_restore(session, saver, path):
  if os.path.exists(final_from) and not os.path.exists(holding):
    with open(final_from) as f:
      first = int(f.read())
    if int(path.rsplit('-', 1)[1]) > first:
      with open(holding, 'w') as f:
        f.write(path)
      deadline = time.time() + 120
      while os.path.exists(path + '.index') and time.time() < deadline:
        time.sleep(0.05)
  return restore(session, saver, path)
cifar10_checkpoint.restore = held_restore
cifar10_eval.run()
'''


class Script(object):
  """A script running in the background, its output going to files."""

  def __init__(self, log_dir, name, argv, preexec_fn=None):
    self.name = name
    self.out_path = os.path.join(str(log_dir), name + '.out')
    self.err_path = os.path.join(str(log_dir), name + '.err')
    with open(self.out_path, 'w') as out, open(self.err_path, 'w') as err:
      self.proc = start_script(argv, out, err, preexec_fn=preexec_fn)

  @classmethod
  def module(cls, log_dir, name, module, *args, **kwargs):
    return cls(log_dir, name, ['-m', 'cifar10.' + module] + list(args),
               **kwargs)

  @property
  def stdout(self):
    with open(self.out_path) as f:
      return f.read()

  @property
  def stderr(self):
    with open(self.err_path) as f:
      return f.read()

  def steps(self):
    return [int(s) for s in STEP_LINE.findall(self.stdout)]

  def describe(self):
    return '%s (seed %d)\n--- stdout\n%s\n--- stderr\n%s' % (
        self.name, SEED, self.stdout[-3000:], self.stderr[-5000:])

  def wait_for(self, predicate, what, timeout=300):
    """Polls until predicate() holds; fails if the script exits first."""
    deadline = time.time() + timeout
    while not predicate():
      if self.proc.poll() is not None:
        raise AssertionError('%s exited %d while waiting for %s\n%s' % (
            self.name, self.proc.returncode, what, self.describe()))
      if time.time() > deadline:
        self.kill()
        raise AssertionError('%s: no %s after %d s\n%s' % (
            self.name, what, timeout, self.describe()))
      time.sleep(0.1)

  def wait(self, timeout=300):
    """Returns the exit status; a script still running then has hung."""
    try:
      return self.proc.wait(timeout)
    except subprocess.TimeoutExpired:
      self.kill()
      raise AssertionError('%s hung for %d s\n%s' % (self.name, timeout,
                                                    self.describe()))

  def kill(self):
    if self.proc.poll() is None:
      self.proc.kill()
      self.proc.wait()


def _step_of(path):
  return int(path.rsplit('-', 1)[1])


def checked_checkpoint(train_dir):
  """Checks every checkpoint the index names is complete and readable.

  Returns:
    (path, global step) of the latest one; None if there is no index yet.
  """
  if not os.path.exists(os.path.join(train_dir, 'checkpoint')):
    return None
  state = tf.train.get_checkpoint_state(train_dir)
  assert state and state.model_checkpoint_path, os.listdir(train_dir)
  latest = state.model_checkpoint_path
  for path in set(state.all_model_checkpoint_paths) | {latest}:
    assert os.path.dirname(path) == train_dir, path
    assert os.path.exists(path + '.index'), path
    shards = glob.glob(path + '.data-*')
    assert shards and len(shards) == int(shards[0].rsplit('-', 1)[1]), path
    reader = tf.train.load_checkpoint(path)
    for name in reader.get_variable_to_shape_map():
      reader.get_tensor(name)  # Every byte of every tensor reads back.
    assert reader.get_tensor('global_step') == _step_of(path), path
  return latest, _step_of(latest)


def _copy_train_dir(source, train_dir):
  """Copies a --train_dir; returns (path, step) of its latest checkpoint.

  The index names the checkpoints relative to it, so the copy's names its own
  files (checked_checkpoint checks).
  """
  shutil.copytree(source, train_dir)
  return checked_checkpoint(train_dir)


def _snapshot(directory):
  """{file name: sha1} of every file under directory.

  The lock file is left out: it records which process owns the directory,
  and each owner rewrites it.
  """
  result = {}
  for root, _, files in os.walk(directory):
    for name in files:
      if name == '.cifar10.lock':
        continue
      path = os.path.join(root, name)
      with open(path, 'rb') as f:
        result[os.path.relpath(path, directory)] = hashlib.sha1(
            f.read()).hexdigest()
  return result


def _precision_steps(eval_dir):
  """Global steps of the 'Precision @ 1' summaries in eval_dir, in order."""
  steps = []
  for path in sorted(glob.glob(os.path.join(eval_dir, 'events.out.*'))):
    for event in tf.train.summary_iterator(path):
      if any(v.tag == 'Precision @ 1' for v in event.summary.value):
        steps.append(event.step)
  return steps


def _error_line(script):
  """The script's error message: stderr from its '<script>: error: ' on.

  There must be no traceback anywhere in its output.
  """
  err = script.stderr
  assert 'Traceback' not in err + script.stdout, script.describe()
  at = err.rfind(': error: ')
  assert at >= 0, script.describe()
  return err[err.rfind('\n', 0, at) + 1:].rstrip('\n')


# --- 1-3: kill -9, SIGINT and SIGTERM, evaluation beside training ----------


def _interrupted_training(work, data_dir, module, extra, stops, rng,
                          eval_beside):
  """Trains, stopping the trainer with each signal of `stops` in turn.

  Each run is stopped at a random moment: mostly a random time after its
  first step, sometimes while it starts (restoring, saving its first
  checkpoint, filling the queue). A last run then trains FINAL_STEPS steps
  to its --max_steps. With eval_beside, cifar10_eval loops over the
  checkpoints from before the first run until after the last, and the last
  run rotates away a checkpoint while the evaluator restores it.

  Returns:
    dict with 'train_dir', 'runs' (one dict per run) and 'eval'.
  """
  train_dir = os.path.join(work, 'train')
  eval_dir = os.path.join(work, 'eval')
  common = ['--data_dir=' + data_dir, '--train_dir=' + train_dir,
            '--batch_size=%d' % BATCH, '--log_frequency=1',
            '--save_checkpoint_steps=%d' % SAVE_EVERY, '--verbosity=0'] + extra
  evaluator = None
  if eval_beside:
    evaluator = Script(
        work, 'eval',
        ['-c', EVAL_WITH_HELD_RESTORE.replace('HOLD_DIR', repr(work)),
         '--data_dir=' + data_dir,
         '--checkpoint_dir=' + train_dir, '--eval_dir=' + eval_dir,
         '--eval_interval_secs=1', '--num_examples=200',
         '--batch_size=%d' % BATCH])
    evaluator.wait_for(
        lambda: 'No checkpoint file found in %s; waiting for one' % train_dir
        in evaluator.stdout, 'the evaluator waiting for a checkpoint')
  runs = []
  latest = resume_point = None
  try:
    for i, sig in enumerate(stops + [None]):
      final = sig is None
      first = resume_point[1] if resume_point else 0
      max_steps = first + FINAL_STEPS if final else 10**6
      if final and evaluator:
        with open(os.path.join(work, 'final_from.tmp'), 'w') as f:
          f.write(str(first))
        os.rename(os.path.join(work, 'final_from.tmp'),
                  os.path.join(work, 'final_from'))
      run = Script.module(work, '%s-%d' % (module, i), module,
                          '--max_steps=%d' % max_steps, *common)
      if final and evaluator:
        # Stopped once the index names a checkpoint of this run (far from
        # its last ten steps), the trainer waits for the evaluator to hold
        # one; then it trains on and rotates it away.
        def indexed_step():
          state = tf.train.get_checkpoint_state(train_dir)
          return _step_of(state.model_checkpoint_path) if state else -1
        run.wait_for(lambda: indexed_step() > first, 'a checkpoint of the '
                     'last run')
        os.kill(run.proc.pid, signal.SIGSTOP)
        try:
          assert indexed_step() <= max_steps - 10, run.describe()
          evaluator.wait_for(
              lambda: os.path.exists(os.path.join(work, 'holding')),
              'a restore of a checkpoint of the last run', timeout=120)
        finally:
          os.kill(run.proc.pid, signal.SIGCONT)
      if not final:
        if sig == signal.SIGKILL and rng.random() < 0.25:
          run.wait_for(lambda: 'Filling queue' in run.stdout, 'startup')
        else:
          run.wait_for(run.steps, 'a training step')
        time.sleep(rng.uniform(0, 2.5))
        os.kill(run.proc.pid, sig)
      rc = run.wait()
      runs.append({'script': run, 'signal': sig, 'rc': rc,
                   'resumed_from': resume_point, 'max_steps': max_steps,
                   'steps': run.steps(), 'stdout': run.stdout,
                   'stderr': run.stderr,
                   'saved': [int(s) for s in SAVED.findall(run.stderr)]})
      latest = checked_checkpoint(train_dir)
      runs[-1]['latest'] = latest
      # The next run resumes from the newest checkpoint that reads: the one
      # the index names, or a newer one whose save a kill cut off before the
      # index named it.
      newest = cifar10_checkpoint.newest_readable(train_dir)[0]
      resume_point = tuple(newest) if newest else None
      runs[-1]['newest'] = resume_point
      if latest:
        assert newest.step >= latest[1]
    if evaluator:
      evaluator.wait_for(lambda: max_steps in _precision_steps(eval_dir),
                         'an evaluation of the last checkpoint', timeout=120)
      alive = evaluator.proc.poll() is None
      evaluator.proc.terminate()
      evaluator.wait(60)
  finally:
    for script in ([r['script'] for r in runs] +
                   ([evaluator] if evaluator else [])):
      script.kill()
  return {'train_dir': train_dir, 'runs': runs,
          'eval': evaluator and {'alive': alive, 'script': evaluator,
                                 'stdout': evaluator.stdout,
                                 'stderr': evaluator.stderr,
                                 'steps': _precision_steps(eval_dir)}}


def _stops(module):
  """KILLS times SIGKILL, with a SIGTERM (and for one trainer a SIGINT)."""
  stops = [signal.SIGKILL] * KILLS
  stops.insert(1, signal.SIGTERM)
  if module == 'cifar10_train':
    stops.insert(3, signal.SIGINT)
  return stops


@pytest.fixture(scope='module')
def interrupted(tmp_path_factory, synthetic_data_dir):
  """Both trainers' interrupted runs, side by side (2 cores, less waiting).

  Evaluation runs beside cifar10_train's.
  """
  rng = random.Random(SEED)
  jobs = {}
  with futures.ThreadPoolExecutor(len(TRAINERS)) as pool:
    for module, extra in TRAINERS:
      work = str(tmp_path_factory.mktemp(module))
      jobs[module] = pool.submit(
          _interrupted_training, work, synthetic_data_dir, module, extra,
          _stops(module), random.Random(rng.random()),
          eval_beside=module == 'cifar10_train')
  return {module: job.result() for module, job in jobs.items()}


@pytest.mark.parametrize('module', [m for m, _ in TRAINERS])
def test_kill9_resumes_from_the_newest_complete_checkpoint(interrupted,
                                                          module):
  result = interrupted[module]
  runs = result['runs']
  previous = -1
  for i, run in enumerate(runs):
    where = run['script'].describe()
    if run['signal'] == signal.SIGKILL:
      assert run['rc'] == -signal.SIGKILL, where
    if run['newest'] is None:  # Killed before its first checkpoint.
      assert previous == -1 and not run['saved'], where
      continue
    _, step = run['newest']
    # The index names a complete checkpoint (checked_checkpoint read every
    # tensor of it), and the newest complete one never gets older: the step
    # only grows.
    assert run['latest'] is None or run['latest'][1] <= step, where
    assert step >= previous, where
    previous = step
    # Nothing a run finished saving is lost.
    if run['saved']:
      assert step >= max(run['saved']), where
    # Each run resumes from the newest complete checkpoint when it started,
    # and its steps follow on from it one by one.
    if run['resumed_from'] and run['steps']:
      assert 'Resuming from %s (global step %d).\n' % run['resumed_from'] in (
          run['stdout']), where
    first = run['resumed_from'][1] if run['resumed_from'] else 0
    if run['steps']:
      assert run['steps'] == list(range(first, first + len(run['steps']))), (
          where)
    assert 'Traceback' not in run['stderr'], where
  # The index names them relative to train_dir, so that the directory can
  # be moved (--fresh_start moves it aside) or copied and still resume.
  with open(os.path.join(result['train_dir'], 'checkpoint')) as f:
    assert result['train_dir'] not in f.read()
  final = runs[-1]
  assert final['rc'] == 0, final['script'].describe()
  assert final['latest'] == (
      os.path.join(result['train_dir'], 'model.ckpt-%d' % final['max_steps']),
      final['max_steps'])
  assert final['steps'][-1] == final['max_steps'] - 1
  # Work survived the kills: the last run did not start from step 0.
  assert final['resumed_from'][1] > 0, [r['latest'] for r in runs]


@pytest.mark.parametrize('module', [m for m, _ in TRAINERS])
def test_sigint_and_sigterm_stop_cleanly_with_a_final_checkpoint(interrupted,
                                                                module):
  result = interrupted[module]
  stopped = [r for r in result['runs']
             if r['signal'] in (signal.SIGINT, signal.SIGTERM)]
  assert stopped
  for run in stopped:
    where = run['script'].describe()
    assert run['rc'] == 0, where
    last = run['steps'][-1]
    assert ('%s received: stopped after step %d and saved the checkpoint at '
            'global step %d in %s. Run again to resume.\n' % (
                signal.Signals(run['signal']).name, last, last + 1,
                result['train_dir'])) in run['stdout'], where
    assert run['latest'] == (os.path.join(
        result['train_dir'], 'model.ckpt-%d' % (last + 1)), last + 1), where
    output = run['stdout'] + run['stderr']
    for noise in ('Traceback', 'Enqueue operation was cancelled',
                  'Skipping cancelled enqueue', 'KeyboardInterrupt'):
      assert noise not in output, where


def test_eval_loop_beside_killed_and_restarted_training(interrupted):
  result = interrupted['cifar10_train']
  evaluation = result['eval']
  where = evaluation['script'].describe()
  # It waited for the first checkpoint (the fixture started training only
  # once it said so), never crashed, and evaluated each checkpoint at most
  # once, the last one included.
  assert 'No checkpoint file found in %s; waiting for one\n' % (
      result['train_dir']) in evaluation['stdout']
  assert evaluation['alive'], where
  assert 'Traceback' not in evaluation['stderr'], where
  steps = evaluation['steps']
  assert len(steps) >= 2, where
  assert len(set(steps)) == len(steps), (steps, where)
  assert steps[-1] == result['runs'][-1]['latest'][1], (steps, where)
  assert len(PRECISION_LINE.findall(evaluation['stdout'])) == len(steps)
  # Training rotated checkpoints away under it, and it skipped them.
  assert DELETED in evaluation['stdout'], where


# --- 4: NaN loss --------------------------------------------------------------


def test_nan_loss_stops_naming_the_step_and_keeps_the_last_good_checkpoint(
    interrupted, synthetic_data_dir, tmp_path):
  good = interrupted['cifar10_train']['train_dir']
  train_dir = str(tmp_path / 'train')
  _, start = _copy_train_dir(good, train_dir)
  run = Script(tmp_path, 'nan', [
      '-c', TRAIN_WITH_LEARNING_RATE, 'nan', '--data_dir=' + synthetic_data_dir,
      '--train_dir=' + train_dir, '--batch_size=%d' % BATCH,
      '--max_steps=%d' % (start + 100), '--log_frequency=1',
      '--save_checkpoint_steps=1'])
  assert run.wait() == 1, run.describe()
  assert 'Resuming from %s (global step %d).\n' % (os.path.join(
      train_dir, 'model.ckpt-%d' % start), start) in run.stdout
  # The step from the checkpoint trains with finite weights; its NaN update
  # makes the next step's loss NaN, and the checkpoint saved after it holds
  # those NaN weights.
  line = _error_line(run)
  moved = [d for d in os.listdir(train_dir) if d.startswith('diverged-')]
  assert len(moved) == 1, os.listdir(train_dir)
  assert line == (
      'cifar10_train: error: Model diverged with loss = NaN at step %d; '
      'stopped. The latest checkpoint is now %s, the last one saved before '
      'that step. Checkpoints from that step on are kept in %s.' % (
          start + 1, os.path.join(train_dir, 'model.ckpt-%d' % start),
          os.path.join(train_dir, moved[0])))
  # Its files are kept, moved aside (a resumed run must not take them, nor
  # save over them), and the index names the last good checkpoint, which
  # still evaluates.
  bad = tf.train.load_checkpoint(os.path.join(
      train_dir, moved[0], 'model.ckpt-%d' % (start + 1)))
  assert np.isnan(bad.get_tensor('conv1/weights')).all()
  assert checked_checkpoint(train_dir)[1] == start
  evaluation = Script.module(
      tmp_path, 'eval', 'cifar10_eval', '--data_dir=' + synthetic_data_dir,
      '--checkpoint_dir=' + train_dir, '--eval_dir=%s' % (tmp_path / 'eval'),
      '--run_once', '--num_examples=200', '--batch_size=%d' % BATCH)
  assert evaluation.wait() == 0, evaluation.describe()
  assert len(PRECISION_LINE.findall(evaluation.stdout)) == 1
  assert _precision_steps(str(tmp_path / 'eval')) == [start]


# --- 5: bad data, read-only and full --train_dir -----------------------------


def _copy_data(synthetic_data_dir, tmp_path):
  data_dir = str(tmp_path / 'data')
  shutil.copytree(synthetic_data_dir, data_dir)
  return data_dir, os.path.join(data_dir, 'cifar-10-batches-bin')


def test_bad_data_files_are_named_and_nothing_saved_is_damaged(
    interrupted, synthetic_data_dir, tmp_path):
  train_dir = str(tmp_path / 'train')
  _copy_train_dir(interrupted['cifar10_train']['train_dir'], train_dir)
  before = _snapshot(train_dir)
  # Nothing may be fetched from outside: a local mirror that is not there.
  no_mirror = '--data_url=file://%s/cifar-10-binary.tar.gz' % (
      tmp_path / 'no_mirror')
  scripts = {}

  # A data file cut off in the middle of a record.
  data_dir, batches = _copy_data(synthetic_data_dir, tmp_path / 'truncated')
  truncated = os.path.join(batches, 'data_batch_2.bin')
  with open(truncated, 'r+b') as f:
    f.truncate(3073 * 500 + 1000)
  scripts['truncated'] = (truncated, Script.module(
      tmp_path, 'truncated', 'cifar10_train', '--data_dir=' + data_dir,
      '--train_dir=' + train_dir, '--batch_size=%d' % BATCH, no_mirror))

  # A data file replaced by garbage of the right size: labels up to 255.
  data_dir, batches = _copy_data(synthetic_data_dir, tmp_path / 'garbage')
  garbage = os.path.join(batches, 'data_batch_4.bin')
  with open(garbage, 'wb') as f:
    f.write(np.random.RandomState(SEED).randint(
        0, 256, 3073 * RECORDS_PER_FILE).astype(np.uint8).tobytes())
  scripts['garbage'] = (garbage, Script.module(
      tmp_path, 'garbage', 'cifar10_train', '--data_dir=' + data_dir,
      '--train_dir=' + train_dir, '--batch_size=%d' % BATCH, no_mirror))

  # Evaluation without its test file.
  data_dir, batches = _copy_data(synthetic_data_dir, tmp_path / 'missing')
  missing = os.path.join(batches, 'test_batch.bin')
  os.remove(missing)
  scripts['missing'] = (missing, Script.module(
      tmp_path, 'missing', 'cifar10_eval', '--data_dir=' + data_dir,
      '--checkpoint_dir=' + train_dir, '--eval_dir=%s' % (tmp_path / 'eval'),
      '--run_once', '--num_examples=100', no_mirror))

  for case, (path, script) in sorted(scripts.items()):
    assert script.wait(180) == 1, script.describe()
    error = _error_line(script)
    module = 'cifar10_eval' if case == 'missing' else 'cifar10_train'
    assert error.startswith(module + ': error: '), script.describe()
    assert path in error, (case, script.describe())
    assert not script.steps(), case  # No training on bad data.
  assert 'has label' in _error_line(scripts['garbage'][1])
  assert _snapshot(train_dir) == before
  checked_checkpoint(train_dir)


@pytest.mark.parametrize('module,fault', [
    ('cifar10_train', 'deleted'), ('cifar10_multi_gpu_train', 'overwritten')])
def test_data_damaged_while_training_saves_the_steps_and_names_the_file(
    synthetic_data_dir, tmp_path, module, fault):
  # The data passed the start's checks; then a file goes, or every label of
  # it becomes 200. The readers fail while the queue still holds thousands
  # of examples: the trainer saves after the step in progress and stops.
  data_dir, batches = _copy_data(synthetic_data_dir, tmp_path)
  train_dir = str(tmp_path / 'train')
  run = Script.module(tmp_path, module, module, '--data_dir=' + data_dir,
                      '--train_dir=' + train_dir, '--batch_size=%d' % BATCH,
                      '--max_steps=1000000', '--log_frequency=1',
                      *dict(TRAINERS)[module])
  run.wait_for(lambda: len(run.steps()) >= 3, 'three training steps')
  damaged = os.path.join(batches, 'data_batch_3.bin')
  if fault == 'deleted':
    os.remove(damaged)
  else:
    with open(damaged, 'r+b') as f:  # In place: open readers see it too.
      for record in range(RECORDS_PER_FILE):
        f.seek(record * 3073)
        f.write(b'\xc8')
  assert run.wait(180) == 1, run.describe()
  error = _error_line(run)
  last = run.steps()[-1]
  assert error.startswith(
      '%s: error: Reading the training data failed after step %d: ' % (
          module, last)), error
  assert (damaged + '; No such file or directory' if fault == 'deleted' else
          '[label byte above 9 in record] [%s:' % damaged) in error, error
  assert error.endswith(
      'Saved the checkpoint at global step %d in %s. Put the data back in '
      'place and run again to resume.' % (last + 1, train_dir)), error
  # Every step it ran is in the newest checkpoint, which reads in full.
  assert checked_checkpoint(train_dir) == (
      os.path.join(train_dir, 'model.ckpt-%d' % (last + 1)), last + 1)


def test_train_dir_deleted_while_training_gets_a_final_checkpoint(
    synthetic_data_dir, tmp_path):
  # `rm -rf` of the training directory, perhaps by mistake: the weights in
  # memory are the only copy left, so the next save writes them into a new
  # directory of that name, and training stops saying so.
  train_dir = str(tmp_path / 'train')
  run = Script.module(tmp_path, 'deleted', 'cifar10_train',
                      '--data_dir=' + synthetic_data_dir,
                      '--train_dir=' + train_dir, '--batch_size=%d' % BATCH,
                      '--max_steps=1000000', '--log_frequency=1',
                      '--save_checkpoint_steps=%d' % SAVE_EVERY)
  run.wait_for(lambda: len(run.steps()) >= 3, 'three training steps')
  # The trainer is held still while the directory goes: a save racing the
  # deletion could otherwise make the new directory just before the last
  # rmdir of the test's `rm -rf`, which would then remove it again.
  os.kill(run.proc.pid, signal.SIGSTOP)
  try:
    deleted_after = run.steps()[-1]
    shutil.rmtree(train_dir)
  finally:
    os.kill(run.proc.pid, signal.SIGCONT)
  assert run.wait(180) == 1, run.describe()
  error = _error_line(run)
  path, step = checked_checkpoint(train_dir)
  assert step > deleted_after and step % SAVE_EVERY == 0, (step, error)
  assert error == (
      'cifar10_train: error: --train_dir=%s was deleted while training ran: '
      'saved the checkpoint at global step %d in a new directory of that '
      'name and stopped (its earlier checkpoints and event files are gone). '
      'Run again to resume from it.' % (train_dir, step)), error


def test_read_only_train_dir_is_named_and_its_checkpoints_kept(
    interrupted, synthetic_data_dir, tmp_path):
  source = str(tmp_path / 'train')
  _copy_train_dir(interrupted['cifar10_train']['train_dir'], source)
  before = _snapshot(source)
  read_only = str(tmp_path / 'read_only')
  with mounted(read_only, '--bind', source) as refused:
    if not refused:
      subprocess.run(['mount', '-o', 'remount,bind,ro', read_only],
                     check=True)
      with pytest.raises(OSError):  # Read-only even for root.
        open(os.path.join(read_only, 'probe'), 'w').close()
      train_dir = read_only
    else:
      # Where mounting is not allowed: root writes through any chmod, but a
      # --train_dir that is a regular file cannot be written either.
      train_dir = str(tmp_path / 'a_file')
      with open(train_dir, 'w') as f:
        f.write('not a directory\n')
    run = Script.module(
        tmp_path, 'read_only', 'cifar10_train',
        '--data_dir=' + synthetic_data_dir, '--train_dir=' + train_dir,
        '--batch_size=%d' % BATCH, '--max_steps=1000000')
    assert run.wait() == 1, run.describe()
    error = _error_line(run)
    assert error.startswith(
        'cifar10_train: error: Cannot write to --train_dir=%s: %s' % (
            train_dir, train_dir)), (refused, run.describe())
    assert ('Read-only file system' if not refused
            else 'is a file, not a directory') in error
  assert _snapshot(source) == before
  checked_checkpoint(source)


def _limit_file_size():
  resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, 4 << 20))


def test_full_train_dir_is_named_and_the_saved_checkpoints_still_load(
    synthetic_data_dir, tmp_path):
  # A checkpoint is ~8.8 MB; the graph and first events ~1.6 MB: 24 MB holds
  # two checkpoints and fills up while writing the third.
  disk = str(tmp_path / 'disk')
  train_dir = os.path.join(disk, 'train')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=24m', 'tmpfs') as refused:
    # Where mounting is not allowed: a 4 MB file size limit fails the write
    # the same way (EFBIG instead of ENOSPC).
    preexec_fn = _limit_file_size if refused else None
    run = Script.module(
        tmp_path, 'full', 'cifar10_train', '--data_dir=' + synthetic_data_dir,
        '--train_dir=' + train_dir, '--batch_size=%d' % BATCH,
        '--max_steps=1000000', '--log_frequency=1', '--verbosity=0',
        '--save_checkpoint_steps=%d' % SAVE_EVERY, preexec_fn=preexec_fn)
    assert run.wait() == 1, run.describe()
    error = _error_line(run)
    assert error.startswith(
        'cifar10_train: error: Cannot write to --train_dir=%s: %s/' % (
            train_dir, train_dir)), (refused, run.describe())
    assert ('No space left on device' if not refused
            else 'File too large') in error
    if not refused:
      # What was saved before the disk filled still loads, is the latest,
      # and the message names it.
      path, step = checked_checkpoint(train_dir)
      assert step == max(int(s) for s in SAVED.findall(run.stderr)) > 0
      assert error.endswith(
          'No space left on device. Free space or choose a writable '
          'directory; the latest checkpoint, %s, is kept: run again to '
          'resume from it.' % path), error
      # The failed save left nothing behind: no '_temp' shards, no files of
      # a checkpoint that does not read. Every file is one of the saved
      # checkpoints', the index, the graph or the event file.
      saved = ['model.ckpt-%s' % s for s in SAVED.findall(run.stderr)]
      for name in os.listdir(train_dir):
        match = re.match(r'(model\.ckpt-\d+)\.(index|meta|data-\d+-of-\d+)$',
                         name)
        assert (match and match.group(1) in saved or
                name in ('checkpoint', 'graph.pbtxt', '.cifar10.lock') or
                name.startswith('events.out.tfevents.')), (
                    name, os.listdir(train_dir))


def _failed_with_one_line(proc):
  """The error line of a finished script that must have failed, untraced."""
  assert proc.returncode == 1, proc.stderr[-3000:]
  assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
  return proc.stderr.rstrip().splitlines()[-1]


def test_a_train_dir_too_small_for_the_graph_is_one_line(synthetic_data_dir,
                                                       tmp_path):
  # graph.pbtxt (~3 MB) fills a 1 MB disk before the first step; closing the
  # event file then fails too (its first records were still buffered), and
  # must not hide the first error behind a traceback.
  disk = str(tmp_path / 'disk')
  train_dir = os.path.join(disk, 'train')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs') as refused:
    assert not refused, refused  # The tests run as root.
    proc = run_module('cifar10_train', '--data_dir=' + synthetic_data_dir,
                      '--train_dir=' + train_dir, '--max_steps=5',
                      '--batch_size=%d' % BATCH, check=False)
  error = _failed_with_one_line(proc)
  assert error.startswith(
      'cifar10_train: error: Cannot write to --train_dir=%s: %s/graph.pbtxt'
      % (train_dir, train_dir)), error
  assert error.endswith('No space left on device. Free space or choose a '
                        'writable directory; no checkpoint had been saved '
                        'there.'), error


def test_a_full_eval_dir_is_one_line(interrupted, synthetic_data_dir,
                                     tmp_path):
  # The disk is full before the evaluator starts: its first event fails.
  disk = str(tmp_path / 'disk')
  eval_dir = os.path.join(disk, 'eval')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs') as refused:
    assert not refused, refused  # The tests run as root.
    with open(os.path.join(disk, 'filler'), 'wb', buffering=0) as f:
      try:
        while True:
          f.write(b'\0' * (1 << 16))
      except OSError:
        pass
    proc = run_module(
        'cifar10_eval', '--data_dir=' + synthetic_data_dir,
        '--checkpoint_dir=' + interrupted['cifar10_train']['train_dir'],
        '--eval_dir=' + eval_dir, '--run_once', '--num_examples=%d' % BATCH,
        '--batch_size=%d' % BATCH, check=False)
  error = _failed_with_one_line(proc)
  assert error.startswith(
      'cifar10_eval: error: Cannot write to --eval_dir=%s: %s/events.out.'
      'tfevents.' % (eval_dir, eval_dir)), error
  assert error.endswith('No space left on device. Free space or choose a '
                        'writable directory.'), error


def test_a_summary_write_that_fails_stops_training_at_once(
    synthetic_data_dir, tmp_path):
  # Once training runs, the test fills the disk. The next write is the
  # summary of step 100 (the next checkpoint is due in 10 minutes). Event
  # files are written by a background thread; the trainer flushes them after
  # every step, so it stops there, in one line.
  disk = str(tmp_path / 'disk')
  train_dir = os.path.join(disk, 'train')
  with mounted(disk, '-t', 'tmpfs', '-o', 'size=64m', 'tmpfs') as refused:
    assert not refused, refused  # The tests run as root.
    run = Script.module(
        tmp_path, 'full', 'cifar10_train', '--data_dir=' + synthetic_data_dir,
        '--train_dir=' + train_dir, '--batch_size=%d' % BATCH,
        '--max_steps=1000000', '--log_frequency=1')
    try:
      run.wait_for(lambda: run.steps() and max(run.steps()) >= 5,
                   'training step 5')
      assert max(run.steps()) < 90, 'too late to fill the disk first'
      # Unbuffered: nothing is left to write (and fail again) at close.
      with open(os.path.join(disk, 'filler'), 'wb', buffering=0) as f:
        try:
          while True:
            f.write(b'\0' * (1 << 16))
        except OSError:
          pass
      assert run.wait() == 1, run.describe()
    finally:
      run.kill()
      os.remove(os.path.join(disk, 'filler'))
    error = _error_line(run)
    assert error.startswith(
        'cifar10_train: error: Cannot write to --train_dir=%s: ' % train_dir)
    assert 'events.out.tfevents' in error and 'No space left' in error, error
    assert error.endswith(('is kept: run again to resume from it.',
                           'no checkpoint had been saved there.')), error
    # It stopped at the summary step that failed, not minutes later (the
    # line of a step is printed before the hooks that write its events).
    assert 99 <= max(run.steps()) <= 100, run.describe()
    # The checkpoint of step 0 is intact.
    assert checked_checkpoint(train_dir)[1] == 0


# --- 6: download faults through cifar10_train -------------------------------


class _Mirror(http.server.BaseHTTPRequestHandler):
  """Serves server.files[path] as server.faults[path] says, counting."""

  def do_GET(self):  # pylint: disable=invalid-name
    with self.server.lock:
      self.server.requests.append(self.path)
    payload = self.server.files.get(self.path)
    if payload is None:
      self.send_error(404)
      return
    fault = self.server.faults[self.path]
    self.send_response(200)
    self.send_header('Content-Length', str(len(payload)))
    self.end_headers()
    if fault == 'drop':  # Claims the whole length, sends a third, hangs up.
      self.wfile.write(payload[:len(payload) // 3])
      self.wfile.flush()
      self.close_connection = True
      return
    self.wfile.write(payload)

  def log_message(self, *args):
    pass


@pytest.fixture
def mirror():
  with local_http_server(_Mirror) as httpd:
    httpd.requests, httpd.files, httpd.faults = [], {}, {}
    yield httpd


def test_download_faults_retry_then_fail_leaving_no_archive(mirror, tmp_path):
  from cifar10 import cifar10_synthetic  # pylint: disable=g-import-not-at-top
  archive = cifar10_synthetic.write_archive(
      str(tmp_path / 'synthetic.tar.gz'), records_per_file=20)
  with open(archive, 'rb') as f:
    whole = f.read()
  corrupt = bytearray(whole)
  corrupt[len(corrupt) // 2:len(corrupt) // 2 + 64] = bytes(64)
  cases = {
      # A server that hangs up part-way, every time.
      'drop': ('cifar-10-binary.tar.gz', whole,
               'connection closed after %d of %d bytes' % (
                   len(whole) // 3, len(whole))),
      # A complete transfer of the wrong file: the release's size is known.
      'short': ('cifar-10-binary.tar.gz', whole,
                'size mismatch: expected 170052171 bytes, got %d'
                % len(whole)),
      # A mirror's archive damaged in the middle: gzip's CRC catches it.
      'corrupt': ('cifar-10-synthetic-binary.tar.gz', bytes(corrupt),
                  'cifar-10-synthetic-binary.tar.gz is not a complete tar '
                  'archive'),
  }
  scripts = {}
  for case, (name, payload, _) in cases.items():
    path = '/%s/%s' % (case, name)
    mirror.files[path], mirror.faults[path] = payload, case
    url = 'http://127.0.0.1:%d%s' % (mirror.server_address[1], path)
    scripts[case] = (path, url, Script.module(
        tmp_path, case, 'cifar10_train', '--data_dir=%s' % (tmp_path / case),
        '--data_url=' + url, '--train_dir=%s' % (tmp_path / (case + '-train'))))
  for case, (path, url, script) in sorted(scripts.items()):
    assert script.wait(180) == 1, script.describe()
    assert _error_line(script).startswith(
        'cifar10_train: error: Downloading %s failed after 3 attempt(s): %s'
        % (url, cases[case][2])), script.describe()
    assert script.stdout.count('Attempt ') == 3, script.describe()
    assert mirror.requests.count(path) == 3, case
    # No archive, partial or whole, is left to be taken for a good one.
    assert os.listdir(str(tmp_path / case)) == [], case


# --- 7: a checkpoint of another model ----------------------------------------


def test_eval_of_a_checkpoint_of_another_shape_is_one_clear_line(
    synthetic_data_dir, tmp_path):
  from cifar10 import cifar10  # pylint: disable=g-import-not-at-top
  with tf.Graph().as_default():
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
  shapes['conv1/weights'] = [5, 5, 3, 32]  # 32 filters instead of 64.
  checkpoint_dir = str(tmp_path / 'other')
  with tf.Graph().as_default():
    global_step = tf.train.get_or_create_global_step()
    for name, shape in shapes.items():
      for variable in (name, name + '/ExponentialMovingAverage'):
        tf.Variable(tf.zeros(shape), name=variable)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      sess.run(global_step.assign(7))
      path = tf.train.Saver().save(
          sess, os.path.join(checkpoint_dir, 'model.ckpt'), global_step=7)
  run = Script.module(
      tmp_path, 'eval', 'cifar10_eval', '--data_dir=' + synthetic_data_dir,
      '--checkpoint_dir=' + checkpoint_dir,
      '--eval_dir=%s' % (tmp_path / 'eval'), '--run_once',
      '--num_examples=100')
  assert run.wait() == 1, run.describe()
  assert _error_line(run) == (
      'cifar10_eval: error: Cannot restore %s into the CIFAR-10 model: '
      'conv1/weights/ExponentialMovingAverage is float32 [5, 5, 3, 32] '
      'there, float32 [5, 5, 3, 64] in the model.' % path), run.describe()
  assert PRECISION_LINE.findall(run.stdout) == []
