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
"""Tests of cifar10_distributed_train's handshake: tasks of one job started
with settings that must agree, and do not, are refused in one line, and the
job goes on without them.

Every cluster is made of real processes talking gRPC on 127.0.0.1; each is
killed in a `finally`, so nothing outlives a test. (A file of its own, so
that pytest-xdist runs it beside the other distributed tests.)
"""

import os
import re
import time

import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10_cluster
from cifar10 import cifar10_job_settings as job_settings
from cluster_tasks import Output, checkpoint_global_step, start_task
from cluster_tasks import tasks_killed_at_exit, trainer_args, wait_for_line

ERROR = 'cifar10_distributed_train: error: '


def _error_line(task):
  lines = [l for l in task.output if l.startswith(ERROR)]
  assert len(lines) == 1, ''.join(task.output)[-5000:]
  return lines[0].rstrip('\n')


def _refused(task, timeout=120):
  """Waits for a task that must be refused; returns its one error line."""
  assert task.wait(timeout) == 1, ''.join(task.output)[-5000:]
  task.join_output()
  text = ''.join(task.output)
  assert 'Traceback' not in text
  # It never joined, read its data or built its graph.
  assert 'Filling queue' not in text and 'training (' not in text
  return _error_line(task)


def test_the_message_names_each_flag_with_both_values():
  chief = job_settings.worker_settings(128, True, 2, 1000, False, False,
                                       'full', 'cifar10')
  assert job_settings.disagreement('worker 1', dict(chief), chief) is None
  worker = job_settings.worker_settings(64, True, 2, 1000, False, True,
                                        'local', 'cifar10')
  assert job_settings.disagreement('worker 1', worker, chief) == (
      'worker 1: --batch_size=64, --mixed_precision and --top_layers=local '
      'but the chief (worker 0) trains with --batch_size=128, '
      '--nomixed_precision and --top_layers=full; start every worker with '
      'the same flags.')
  # Asynchronous has no --replicas_to_aggregate: --sync_replicas says it.
  worker = job_settings.worker_settings(128, False, 2, 1000, False, False,
                                        'full', 'cifar10')
  assert job_settings.disagreement('worker 2', worker, chief) == (
      'worker 2: --nosync_replicas but the chief (worker 0) trains with '
      '--sync_replicas; start every worker with the same flags.')


def test_checking_the_cluster_leaves_the_running_tasks_sessions_alone():
  """The chief of a second job reads the ps task's cluster through a
  session the ps task masters itself: one mastered by its own server, named
  worker 0 like the running chief, would make the ps drop the running
  chief's sessions (TensorFlow takes it for that master restarted)."""
  ports = cifar10_cluster.free_ports(3)
  ps, chief, other = ['127.0.0.1:%d' % p for p in ports]
  running = {'ps': [ps], 'worker': [chief]}
  servers = [tf.train.Server(tf.train.ClusterSpec(c), job_name=job,
                             task_index=0)
             for c, job in ((running, 'ps'), (running, 'worker'),
                            ({'ps': [ps], 'worker': [other]}, 'worker'))]
  with tf.Graph().as_default():
    with tf.Session(servers[0].target) as sess:
      sess.run(job_settings.publish_cluster_op(running, 0))
  with tf.Graph().as_default():
    with tf.device('/job:ps/task:0'):
      counter = tf.Variable(0, name='counter')
      step = counter.assign_add(1)
    with tf.Session(servers[1].target, config=tf.ConfigProto(
        device_filters=['/job:ps', '/job:worker/task:0'])) as sess:
      sess.run(counter.initializer)
      sess.run(step)
      job_settings.check_cluster(running, 0, 20)  # The running chief's.
      with pytest.raises(job_settings.SettingsError) as e:
        job_settings.check_cluster({'ps': [ps], 'worker': [other]}, 0, 20)
      # The running chief's session goes on.
      assert sess.run(step) == 2
  assert str(e.value).startswith(
      'worker 0 (chief): --worker_hosts=%s but ps 0 (%s) serves '
      '--worker_hosts=%s; ' % (other, ps, chief))


def test_tasks_that_disagree_are_refused_and_the_job_trains_on(
    synthetic_data_dir, tmp_path):
  """While the chief waits for worker 1's first gradient: a worker 1 with
  another --batch_size and --top_layers, started twice, a worker of another
  worker list and the chief of a second job on the same ps are each refused
  in one line; none of them stops the job or touches its --train_dir, and
  the right worker 1 then trains the job to its end."""
  train_dir = str(tmp_path / 'train')
  cluster = cifar10_cluster.cluster_spec(1, 4)
  extra, elsewhere = cluster['worker'][2:]
  del cluster['worker'][2:]
  args = trainer_args(synthetic_data_dir, train_dir, '--max_steps=20',
                      '--operation_timeout_secs=90')
  out = Output()
  with tasks_killed_at_exit() as tasks:
    ps = start_task(tasks, 'ps', 0, cluster, args, out)
    chief = start_task(tasks, 'worker', 0, cluster, args, out)
    wait_for_line(chief, r'worker 0 \(chief\): training', 180)
    # Its own --train_dir, to see that it is not even created.
    wrong = args + ['--batch_size=32', '--top_layers=local',
                    '--train_dir=' + str(tmp_path / 'refused')]
    refused = [start_task(tasks, 'worker', 1, cluster, wrong, out)
               for _ in range(2)]
    longer = dict(cluster, worker=cluster['worker'] + [extra])
    other_list = start_task(tasks, 'worker', 2, longer, args, out)
    second_job = {'ps': cluster['ps'], 'worker': [elsewhere]}
    other_chief = start_task(tasks, 'worker', 0, second_job, trainer_args(
        synthetic_data_dir, str(tmp_path / 'other'), '--max_steps=20'), out)
    # The one started second may find the port of the first taken instead.
    lines = [_refused(task) for task in refused]
    assert ('%sworker 1: --batch_size=32 and --top_layers=local but the '
            'chief (worker 0) trains with --batch_size=16 and '
            '--top_layers=full; start every worker with the same flags.'
            % ERROR) in lines
    assert not os.path.exists(str(tmp_path / 'refused'))
    fix = ('start every task, the ps tasks too, with the same --ps_hosts and '
           '--worker_hosts (or TF_CONFIG cluster), and give each job ps '
           'tasks of its own.')
    assert _refused(other_list) == (
        '%sworker 2: --worker_hosts=%s but ps 0 (%s) serves --worker_hosts=%s'
        '; %s' % (ERROR, ','.join(longer['worker']), cluster['ps'][0],
                  ','.join(cluster['worker']), fix))
    assert _refused(other_chief) == (
        '%sworker 0 (chief): --worker_hosts=%s but ps 0 (%s) serves '
        '--worker_hosts=%s; %s' % (ERROR, elsewhere, cluster['ps'][0],
                                   ','.join(cluster['worker']), fix))
    # The chief owns its --train_dir (the lock file) before it reaches the
    # ps tasks; nothing else is written there.
    assert os.listdir(str(tmp_path / 'other')) == ['.cifar10.lock']
    # The job waited for worker 1 all along, and trains with the right one.
    assert chief.poll() is None and ps.poll() is None
    worker = start_task(tasks, 'worker', 1, cluster, args, out)
    for task in (worker, chief, ps):
      assert task.wait(180) == 0, out.text[-5000:]
  assert checkpoint_global_step(train_dir) == 20
  assert 'another task stopped the job' not in out.text
  assert 'ps 0: every worker finished; exiting.' in out.text
  assert 'Traceback' not in out.text


def test_a_worker_started_before_the_chief_waits_and_is_refused_then(
    synthetic_data_dir, tmp_path):
  """Worker 1, asynchronous in a synchronous job, starts before the chief:
  it waits for the chief's settings, then is refused; started again with
  the job's flags, it trains the job to its end."""
  train_dir = str(tmp_path / 'train')
  cluster = cifar10_cluster.cluster_spec(1, 2)
  args = trainer_args(synthetic_data_dir, train_dir, '--max_steps=10',
                      '--operation_timeout_secs=90')
  out = Output()
  with tasks_killed_at_exit() as tasks:
    ps = start_task(tasks, 'ps', 0, cluster, args, out)
    early = start_task(tasks, 'worker', 1, cluster,
                       args + ['--nosync_replicas'], out)
    wait_for_line(early, r'worker 1: waiting for the chief \(worker 0, %s\) '
                  'to publish the flags every worker must share'
                  % re.escape(cluster['worker'][0]), 120)
    chief = start_task(tasks, 'worker', 0, cluster, args, out)
    assert _refused(early) == (
        '%sworker 1: --nosync_replicas but the chief (worker 0) trains with '
        '--sync_replicas; start every worker with the same flags.' % ERROR)
    worker = start_task(tasks, 'worker', 1, cluster, args, out)
    for task in (worker, chief, ps):
      assert task.wait(180) == 0, out.text[-5000:]
  assert checkpoint_global_step(train_dir) == 10
  assert 'ps 0: every worker finished; exiting.' in out.text
  assert 'Traceback' not in out.text


def test_a_chief_whose_data_fails_stops_the_workers_waiting_for_it(
    synthetic_data_dir, tmp_path):
  """Worker 1 waits for the chief longer than --operation_timeout_secs; the
  chief then finds no data and stops the job: worker 1 stops at once, and
  the ps task, told both are done, exits."""
  cluster = cifar10_cluster.cluster_spec(1, 2)
  args = trainer_args(synthetic_data_dir, str(tmp_path / 'train'),
                      '--max_steps=20', '--operation_timeout_secs=10')
  out = Output()
  with tasks_killed_at_exit() as tasks:
    ps = start_task(tasks, 'ps', 0, cluster, args, out)
    worker = start_task(tasks, 'worker', 1, cluster, args, out)
    wait_for_line(worker, 'to publish the flags', 120)
    time.sleep(12)  # Past its --operation_timeout_secs.
    chief = start_task(tasks, 'worker', 0, cluster, args + [
        '--data_dir=' + str(tmp_path / 'empty'),
        '--data_url=file://' + str(tmp_path / 'none.tar.gz')], out)
    assert chief.wait(120) == 1, out.text[-5000:]
    assert worker.wait(60) == 0, out.text[-5000:]
    assert ps.wait(60) == 0, out.text[-5000:]
  assert ('worker 1: stopped before its first step: another task stopped '
          'the job.') in out.text
  assert 'ps 0: every worker finished; exiting.' in out.text
  assert not os.path.exists(str(tmp_path / 'train'))
  assert 'Traceback' not in out.text
