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
"""Tests of cifar10_distributed_train under faults: tasks killed, stopped
and restarted, and a cluster across network namespaces.

Every cluster is made of real processes talking gRPC on 127.0.0.1 (or across
network namespaces); each is killed in a `finally`, so nothing outlives a
test. (A file of its own, so that pytest-xdist runs it beside the other
distributed tests.)
"""

import contextlib
import shutil
import re
import signal
import sys
import time
import types

import pytest

from cifar10 import cifar10_cluster
from cluster_tasks import QUEUE_FRACTION, Output, checkpoint_global_step
from cluster_tasks import saved_step, start_ps_and_two_workers
from cluster_tasks import start_task, tasks_killed_at_exit, trainer_args
from cluster_tasks import wait_for_line
from conftest import LOG_LINE


# ---------------------------------------------------------------------------
# Faults, each with real processes


def _fault_args(data_dir, train_dir, *more):
  return ['--data_dir=' + data_dir, '--train_dir=' + train_dir,
          '--batch_size=16', '--log_frequency=10', '--max_steps=100000',
          '--save_checkpoint_steps=20', QUEUE_FRACTION] + list(more)


@contextlib.contextmanager
def _fault_job(data_dir, train_dir, *more):
  """Starts ps 0, the chief and worker 1 of a 1 + 2 cluster on 127.0.0.1 with
  the fault tests' flags and `more`; kills whatever still runs at exit.

  Yields:
    a namespace: cluster, out (their Output), ps, chief, worker, and
    start(index), which starts worker `index` again with the same flags.
  """
  cluster = cifar10_cluster.cluster_spec(1, 2)
  args = _fault_args(data_dir, train_dir, *more)
  out = Output()
  with tasks_killed_at_exit() as tasks:
    ps, chief, worker = start_ps_and_two_workers(tasks, cluster, args, out)
    yield types.SimpleNamespace(
        cluster=cluster, out=out, ps=ps, chief=chief, worker=worker,
        start=lambda index: start_task(tasks, 'worker', index, cluster, args,
                                       out))


def _last_step(task):
  steps = [int(m.group(1)) for m in LOG_LINE.finditer(''.join(task.output))]
  return max(steps) if steps else -1


def _wait_for_step(task, step, timeout):
  deadline = time.time() + timeout
  while _last_step(task) < step:
    if time.time() > deadline or task.poll() is not None:
      raise AssertionError('%s: no step %d in %d s:\n%s' % (
          task.name, step, timeout, ''.join(task.output)[-5000:]))
    time.sleep(0.2)
  return _last_step(task)


def _error_line(task):
  lines = [l for l in task.output if 'cifar10_distributed_train: error:' in l]
  assert len(lines) == 1, ''.join(task.output)[-5000:]
  return lines[0].rstrip('\n')


def test_worker_killed_waiting_for_its_token_stops_the_chief_naming_it(
    synthetic_data_dir, tmp_path):
  """Without backup workers, a lost worker stops the job.

  Killed while it waits for its next token, the worker leaves that token in
  the shared queue (the ps cancels the dead worker's wait): the chief must
  not take it too and train on alone, its gradient counted twice a step.
  """
  # The timeout also bounds how long worker 1 waits for the chief's first
  # step (its shuffle queue filling): up to 9 s seen with another test file
  # running beside this one on 2 cores.
  with _fault_job(synthetic_data_dir, str(tmp_path / 'train'),
                  '--operation_timeout_secs=15') as job:
    chief, worker = job.chief, job.worker
    _wait_for_step(chief, 20, 120)
    # The chief stopped sends no gradient: worker 1 sends its own and waits
    # for the token of the next step.
    chief.signal(signal.SIGSTOP)
    time.sleep(3)
    worker.signal(signal.SIGKILL)
    assert worker.wait(10) == -signal.SIGKILL
    time.sleep(1)
    chief.signal(signal.SIGCONT)
    killed = time.time()
    assert chief.wait(60) == 1, job.out.text[-5000:]
    # The step timeout (15 s), and the time to name what is missing.
    assert time.time() - killed < 40
  assert re.match(
      r'^cifar10_distributed_train: error: worker 0 \(chief\): stopped at '
      r'global step \d+: not answering: worker 1 \(%s\) \((Operation timed '
      r"out\.|waited 15 s for the other workers' gradients of global step "
      r'\d+)\)$' % re.escape(job.cluster['worker'][1]),
      _error_line(chief)), _error_line(chief)
  assert 'Traceback' not in ''.join(chief.output)


def test_backup_worker_lost_and_rejoining_then_sigterm_to_the_chief(
    synthetic_data_dir, tmp_path):
  """--replicas_to_aggregate=1 of 2: losing worker 1 does not stop the job;
  restarted, it rejoins; SIGTERM to the chief stops every task cleanly."""
  train_dir = str(tmp_path / 'train')
  with _fault_job(synthetic_data_dir, train_dir, '--operation_timeout_secs=10',
                  '--replicas_to_aggregate=1') as job:
    ps, chief, worker = job.ps, job.chief, job.worker
    _wait_for_step(worker, 10, 120)
    worker.signal(signal.SIGKILL)
    worker.wait(10)
    step = _wait_for_step(chief, _last_step(chief) + 20, 60)
    again = job.start(1)
    wait_for_line(again, 'worker 1: training', 90)
    _wait_for_step(again, step + 10, 90)
    chief.signal(signal.SIGTERM)
    for task in (chief, again, ps):
      assert task.wait(60) == 0, job.out.text[-5000:]
  chief_out = ''.join(chief.output)
  # The chief names the checkpoint it saved last. The backup worker's last
  # gradient may still be applied while it saves, so that checkpoint's
  # global step can be one past its name, never before it.
  saved = saved_step(train_dir)
  assert saved > step
  assert checkpoint_global_step(train_dir) in (saved, saved + 1)
  stopped = re.search(r'SIGTERM received: stopped after step (\d+) and saved '
                      r'the checkpoint at global step (\d+) in ', chief_out)
  assert stopped, chief_out[-3000:]
  assert int(stopped.group(2)) == saved
  # Its own last step came before the save; the other worker's steps (any
  # number, with one of two replicas to aggregate) may lie between them.
  assert step <= int(stopped.group(1)) < saved
  assert 'worker 1: stopped after step' in ''.join(again.output)
  assert 'ps 0: every worker finished; exiting.' in ''.join(ps.output)


def test_killed_ps_stops_the_workers_naming_it(
    synthetic_data_dir, tmp_path):
  train_dir = str(tmp_path / 'train')
  # As above: longer than the chief's first step on a loaded machine.
  with _fault_job(synthetic_data_dir, train_dir,
                  '--operation_timeout_secs=15') as job:
    ps, chief, worker = job.ps, job.chief, job.worker
    _wait_for_step(chief, 25, 120)
    ps.signal(signal.SIGKILL)
    killed = time.time()
    for task in (chief, worker):
      assert task.wait(60) == 1, job.out.text[-5000:]
    assert time.time() - killed < 50
  for task in (chief, worker):
    assert ('not answering: ps 0 (%s)' % job.cluster['ps'][0]) in (
        _error_line(task))
  # The chief's checkpoints stay; starting the job again resumes from them
  # as the restarted chief below does.
  assert checkpoint_global_step(train_dir) >= 20


def test_killed_chief_restarts_from_its_checkpoint_then_sigterm_to_a_worker(
    synthetic_data_dir, tmp_path):
  """The restarted chief restores its checkpoint; the synchronous worker that
  waited carries on; SIGTERM to that worker stops the job with a final
  checkpoint from the chief."""
  train_dir = str(tmp_path / 'train')
  with _fault_job(synthetic_data_dir, train_dir,
                  '--operation_timeout_secs=60') as job:
    ps, chief, worker = job.ps, job.chief, job.worker
    _wait_for_step(chief, 30, 120)
    chief.signal(signal.SIGKILL)
    chief.wait(10)
    saved = checkpoint_global_step(train_dir)
    before = _last_step(worker)
    chief = job.start(0)
    _wait_for_step(chief, saved + 10, 90)
    assert min(int(m.group(1)) for m in LOG_LINE.finditer(
        ''.join(chief.output))) >= saved
    # The worker carries on in the restarted job.
    _wait_for_step(worker, before + 10, 60)
    worker.signal(signal.SIGTERM)
    for task in (worker, chief, ps):
      assert task.wait(60) == 0, job.out.text[-5000:]
  assert 'worker 1: SIGTERM received: stopped the job after step' in ''.join(
      worker.output)
  assert 'worker 0 (chief): stopped after step' in ''.join(chief.output)
  assert checkpoint_global_step(train_dir) > saved + 10


# ---------------------------------------------------------------------------
# Across network namespaces


def test_ps_and_workers_in_separate_network_namespaces_then_sigterm_to_ps(
    synthetic_data_dir, tmp_path):
  """Real addresses over a virtual link; SIGTERM to the ps task stops the
  job cleanly, with a final checkpoint from the chief."""
  train_dir = str(tmp_path / 'train')
  args = trainer_args(synthetic_data_dir, train_dir, '--max_steps=100000')
  out = Output()
  with cifar10_cluster.veth_namespaces() as (ps_prefix, worker_prefix,
                                              ps_host, worker_host, _):
    if ps_prefix:
      cluster = {'ps': ['%s:2222' % ps_host],
                 'worker': ['%s:2222' % worker_host,
                            '%s:2223' % worker_host]}
    else:
      cluster = cifar10_cluster.cluster_spec(1, 2)
    trainer = [sys.executable, '-m', cifar10_cluster.TRAINER]
    with tasks_killed_at_exit() as tasks:
      ps = start_task(tasks, 'ps', 0, cluster, args, out,
                  command=ps_prefix + trainer)
      for i in range(2):
        start_task(tasks, 'worker', i, cluster, args, out,
               command=worker_prefix + trainer)
      _wait_for_step(tasks[1], 20, 120)
      ps.signal(signal.SIGTERM)
      for task in tasks:
        assert task.wait(60) == 0, out.text[-5000:]
  assert 'ps 0: serving %s for 2 workers' % cluster['ps'][0] in out.text
  assert ('ps 0: SIGTERM received: asked the workers to stop; waiting up to '
          '60 s for workers 0, 1 to finish (a second SIGTERM ends now)'
          in out.text), out.text[-3000:]
  # No backup workers: nothing moves the global step while the chief saves.
  final = saved_step(train_dir)
  assert final > 20 and checkpoint_global_step(train_dir) == final
  assert ('worker 0 (chief): stopped after step %d: another task stopped the '
          'job. Saved the checkpoint at global step %d in %s.' % (
              final - 1, final, train_dir)) in out.text, out.text[-3000:]
  assert 'ps 0: every worker finished; exiting.' in out.text


def test_sigterm_to_a_ps_no_worker_joined_ends_it_at_once(
    synthetic_data_dir, tmp_path):
  """No worker is training: nothing to wait for, so it does not wait."""
  cluster = cifar10_cluster.cluster_spec(1, 2)
  out = Output()
  args = trainer_args(synthetic_data_dir, str(tmp_path / 'train'))
  with tasks_killed_at_exit() as tasks:
    ps = start_task(tasks, 'ps', 0, cluster, args, out)
    wait_for_line(ps, 'serving', 120)
    time.sleep(1)  # Past its start ops, into the loop.
    signalled = time.time()
    ps.signal(signal.SIGTERM)
    assert ps.wait(30) == 0, out.text[-3000:]
    assert time.time() - signalled < 15
  assert out.text.rstrip().endswith(
      'ps 0: stopped by SIGTERM; no worker was training; exiting.'), (
          out.text[-3000:])
  assert 'Traceback' not in out.text


@pytest.mark.parametrize('damage', ['cut short', 'label above 9'])
def test_a_worker_that_cannot_start_stops_the_job(synthetic_data_dir,
                                                  tmp_path, damage):
  """Worker 1's data is damaged (a file cut short, found before it joins;
  a label byte above 9, found as it builds its input): it says so in one
  line and asks the job to stop, so the chief and the ps end too instead of
  waiting for it. (Asynchronous: a synchronous chief's step waits for the
  lost worker's gradient until --operation_timeout_secs.)"""
  bad = tmp_path / 'bad'
  shutil.copytree(synthetic_data_dir, str(bad))
  data_file = bad / 'cifar-10-batches-bin' / 'data_batch_3.bin'
  if damage == 'cut short':
    data_file.write_bytes(data_file.read_bytes()[:5000])
  else:
    with open(str(data_file), 'r+b') as f:
      f.seek(3073 * 7)
      f.write(bytes([200]))
  cluster = cifar10_cluster.cluster_spec(1, 2)
  train_dir = str(tmp_path / 'train')
  out = Output()
  with tasks_killed_at_exit() as tasks:
    ps = start_task(tasks, 'ps', 0, cluster, _fault_args(
        synthetic_data_dir, train_dir, '--nosync_replicas'), out)
    chief = start_task(tasks, 'worker', 0, cluster, _fault_args(
        synthetic_data_dir, train_dir, '--nosync_replicas'), out)
    worker = start_task(tasks, 'worker', 1, cluster, _fault_args(
        str(bad), train_dir, '--nosync_replicas'), out)
    assert worker.wait(120) == 1, out.text[-5000:]
    assert chief.wait(120) == 0, out.text[-5000:]
    assert ps.wait(60) == 0, out.text[-5000:]
  assert 'data_batch_3.bin' in _error_line(worker)
  assert re.search(r'worker 0 \(chief\): stopped (after step \d+|before its '
                   r'first step): another task stopped the job', out.text), (
                       out.text[-5000:])
  assert 'ps 0: every worker finished; exiting.' in out.text
  assert 'Traceback' not in out.text


def test_workers_of_a_job_already_finished_all_end(synthetic_data_dir,
                                                   tmp_path):
  """The checkpoint is at --max_steps: the chief says there is nothing to
  train, worker 1 stops without waiting for a model that will not come, and
  the ps exits."""
  cluster = cifar10_cluster.cluster_spec(1, 2)
  train_dir = str(tmp_path / 'train')
  out = Output()
  with tasks_killed_at_exit() as tasks:
    first = [start_task(tasks, job, index, cluster, trainer_args(
        synthetic_data_dir, train_dir, '--max_steps=4'), out)
             for job, index in (('ps', 0), ('worker', 0), ('worker', 1))]
    for task in first:
      assert task.wait(180) == 0, out.text[-5000:]
    assert checkpoint_global_step(train_dir) == 4
    again = Output()
    cluster = cifar10_cluster.cluster_spec(1, 2)
    ps, chief, worker = [start_task(tasks, job, index, cluster, trainer_args(
        synthetic_data_dir, train_dir, '--max_steps=4'), again)
                         for job, index in (('ps', 0), ('worker', 1),
                                            ('worker', 0))]
    for task in (ps, chief, worker):
      assert task.wait(120) == 0, again.text[-5000:]
  assert 'nothing to train' in again.text
  assert ('worker 1: stopped before its first step: another task stopped '
          'the job.') in again.text
  assert 'ps 0: every worker finished; exiting.' in again.text
  assert 'Traceback' not in again.text
  assert 'Object was never used' not in again.text


def test_one_address_written_two_ways_is_one_line(synthetic_data_dir,
                                                  tmp_path):
  port = cifar10_cluster.cluster_spec(1, 1)['ps'][0].split(':')[1]
  cluster = {'ps': ['localhost:' + port], 'worker': ['127.0.0.1:' + port]}
  out = Output()
  with tasks_killed_at_exit() as tasks:
    worker = start_task(tasks, 'worker', 0, cluster, trainer_args(
        synthetic_data_dir, str(tmp_path / 'train'), '--max_steps=4',
        '--operation_timeout_secs=20'), out)
    assert worker.wait(180) == 1, out.text[-5000:]
  assert 'Traceback' not in out.text
  assert 'AttributeError' not in out.text
  assert _error_line(worker).endswith(
      'Check that every task is given the same --ps_hosts and '
      '--worker_hosts, each address once, and that no other job uses these '
      'ps tasks.')


def test_a_job_started_again_on_the_ps_it_left_running(synthetic_data_dir,
                                                       tmp_path):
  """Worker 1 is killed and the chief stops the job; the ps serves on. The
  two workers started again, worker 1 first and both with another
  --batch_size, train to --max_steps: the last run's stop request, done
  token and chief's settings do not stop or refuse the new run, and the ps
  exits once both new workers are done."""
  train_dir = str(tmp_path / 'train')
  cluster = cifar10_cluster.cluster_spec(1, 2)
  first, again = Output(), Output()
  with tasks_killed_at_exit() as tasks:
    args = trainer_args(synthetic_data_dir, train_dir, '--max_steps=100000',
                        '--save_checkpoint_steps=10',
                        '--operation_timeout_secs=10')
    ps = start_task(tasks, 'ps', 0, cluster, args, first)
    chief = start_task(tasks, 'worker', 0, cluster, args, first)
    worker = start_task(tasks, 'worker', 1, cluster, args, first)
    wait_for_line(chief, r'step 20, loss', 180)
    worker.signal(signal.SIGKILL)
    assert chief.wait(60) == 1, first.text[-5000:]
    assert 'not answering: worker 1' in first.text
    assert ps.poll() is None  # Serving on.
    resumed = saved_step(train_dir)
    # A long timeout: the chief's first step waits for its queue to fill,
    # slow on a loaded machine, and worker 1 waits for it.
    args = trainer_args(synthetic_data_dir, train_dir,
                        '--max_steps=%d' % (resumed + 20),
                        '--operation_timeout_secs=90', '--batch_size=32')
    workers = [start_task(tasks, 'worker', index, cluster, args, again)
               for index in (1, 0)]
    for task in workers:
      assert task.wait(180) == 0, again.text[-5000:]
    assert ps.wait(60) == 0, first.text[-3000:]
  assert 'another task stopped the job' not in again.text
  assert 'cifar10_distributed_train: error:' not in again.text
  assert ('worker 0 (chief): training (synchronous: 2 of 2 replicas per '
          'step, 32 images per replica and step)') in again.text
  assert checkpoint_global_step(train_dir) == resumed + 20
  assert first.text.count('every worker finished') == 1
  assert 'Traceback' not in first.text + again.text
