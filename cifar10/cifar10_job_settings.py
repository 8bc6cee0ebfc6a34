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

"""What the tasks of one cifar10_distributed_train job must agree on.

Every task of a job is started separately, often on another machine, with
its own flags. Some of them must be the same in every task, or the job
hangs, fails with a TensorFlow error, or trains something else than asked:

 * the cluster (--ps_hosts and --worker_hosts, or TF_CONFIG's cluster), in
   every task, ps tasks included: a ps task reaches the workers at the
   addresses it was given, and counts the workers that must finish;
 * among the workers, the flags that shape the graph, its variables, the
   learning-rate schedule or the end of the job (MUST_AGREE): --batch_size,
   --dataset, --use_fp16, --mixed_precision, --top_layers, --sync_replicas,
   --replicas_to_aggregate (when synchronous) and --max_steps (a worker stops
   the whole job at its own).

The others may differ per task: where a task finds its data and how long it
waits for it (--data_dir, --data_url, --svhn_url, --download_timeout_secs),
its shuffle queue (--min_fraction_of_examples_in_queue), logging
(--log_frequency, --log_device_placement), --xla, --operation_timeout_secs,
and the flags only the chief reads (--train_dir, --save_checkpoint_steps,
--fresh_start).

How they are compared, before a worker touches the job:

 * each ps task, as it starts, keeps the cluster it was given in a variable
   on itself (CLUSTER_VARIABLE); every worker, the chief too, reads it from
   every ps task and is refused if its own differs. This also refuses the
   chief (or any worker) of a second job pointed at a running job's ps
   tasks, before it can stop, reset or restore that job's model;
 * the chief, once it has joined the job, keeps its MUST_AGREE flags in a
   variable on its own server (SETTINGS_VARIABLE); every other worker waits
   for them and is refused if its own differ.

Both live in the process that wrote them and end with it: a ps task or chief
started again publishes anew, and nothing an earlier task published can be
read for a later one's. A refused worker has not joined the job: it sends
nothing to the ps tasks (no stop request, no done token), so the job goes on
as if that worker were not there. Only a chief writes --train_dir, and a
refused one has only locked its own (and, with --fresh_start, moved an
earlier run aside, kept beside it): it checks that directory before it
waits for the ps tasks.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import time

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_app
  from cifar10 import cifar10_cluster_spec as cluster_spec
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_job_control as job_control
else:
  import cifar10_app
  import cifar10_cluster_spec as cluster_spec
  import cifar10_dirs
  import cifar10_job_control as job_control
import tensorflow.compat.v1 as tf

# Shared names of the variables: the cluster on each ps task, the settings
# on the chief's own server.
CLUSTER_VARIABLE = 'cifar10_job_cluster'
SETTINGS_VARIABLE = 'cifar10_job_settings'

# The flags the workers of one job must agree on, in the order a message
# names them.
MUST_AGREE = ('batch_size', 'dataset', 'use_fp16', 'mixed_precision',
              'top_layers', 'sync_replicas', 'replicas_to_aggregate',
              'max_steps')

# The fix for a cluster TensorFlow cannot run as given: e.g. one task's
# address written two ways (localhost, 127.0.0.1), or another job's ps.
CLUSTER_FIX = ('Check that every task is given the same --ps_hosts and '
               '--worker_hosts, each address once, and that no other job '
               'uses these ps tasks.')

# The fix for tasks given different clusters (the ps tasks' or another
# job's).
_REFUSED_CLUSTER_FIX = ('start every task, the ps tasks too, with the '
                        'same --ps_hosts and --worker_hosts (or TF_CONFIG '
                        'cluster), and give each job ps tasks of its own')


class SettingsError(cifar10_dirs.UserError, ValueError):
  """This task's settings differ from those of the job it would join."""


def _flag(name, value):
  """How the command line writes the flag `name` with `value`."""
  if isinstance(value, bool):
    return '--%s%s' % ('' if value else 'no', name)
  return '--%s=%s' % (name, value)


def worker_settings(batch_size, sync_replicas, replicas_to_aggregate,
                    max_steps, use_fp16, mixed_precision, top_layers,
                    dataset):
  """The MUST_AGREE flags of a worker, as the command line writes them.

  Args:
    batch_size: int, images per worker and step.
    sync_replicas: bool.
    replicas_to_aggregate: int, the number in effect (the number of
      workers for --replicas_to_aggregate=0), so that 0 and that number
      agree.
    max_steps: int.
    use_fp16: bool.
    mixed_precision: bool, or the compute dtype a caller forces.
    top_layers: str, 'full' or 'local'.
    dataset: str, 'cifar10' or 'svhn'.

  Returns:
    dict flag name -> '--name=value' (or '--name' / '--noname').
  """
  if isinstance(mixed_precision, tf.DType):
    mixed_precision = mixed_precision.name
  values = {'batch_size': batch_size, 'dataset': dataset,
            'use_fp16': bool(use_fp16), 'mixed_precision': mixed_precision,
            'top_layers': top_layers, 'sync_replicas': bool(sync_replicas),
            'max_steps': max_steps}
  # Without synchronous steps nothing is aggregated.
  if sync_replicas:
    values['replicas_to_aggregate'] = replicas_to_aggregate
  return {name: _flag(name, value) for name, value in values.items()}


def _and(items):
  items = list(items)
  return items[0] if len(items) == 1 else '%s and %s' % (
      ', '.join(items[:-1]), items[-1])


def disagreement(task, mine, chiefs):
  """The line refusing worker `task`, or None if it agrees with the chief.

  Args:
    task: str, how messages name this worker ('worker 1').
    mine: dict, this worker's worker_settings().
    chiefs: dict, the chief's.

  Returns:
    str or None.
  """
  differ = [name for name in MUST_AGREE
            if (name in mine or name in chiefs) and
            mine.get(name) != chiefs.get(name)]
  if not differ:
    return None
  # When one side is asynchronous (it has no --replicas_to_aggregate),
  # --sync_replicas says it all.
  if 'sync_replicas' in differ and 'replicas_to_aggregate' in differ:
    differ.remove('replicas_to_aggregate')
  return ('%s: %s but the chief (worker 0) trains with %s; start every '
          'worker with the same flags.' % (
              task, _and(mine[n] for n in differ if n in mine),
              _and(chiefs[n] for n in differ if n in chiefs)))


def _cluster_flags(cluster, names):
  return ' '.join('--%s_hosts=%s' % (job, ','.join(cluster[job]))
                  for job in names)


# ---------------------------------------------------------------------------
# The ps tasks' cluster


def _variable(device, name, dtype):
  with tf.device(device):
    return tf.raw_ops.VarHandleOp(dtype=dtype, shape=[], shared_name=name,
                                  name=name)


def publish_cluster_op(cluster, ps_index):
  """Op a ps task runs as it starts: keeps its cluster on itself."""
  device = '/job:ps/task:%d/cpu:0' % ps_index
  handle = _variable(device, CLUSTER_VARIABLE, tf.string)
  with tf.device(device):
    return tf.raw_ops.AssignVariableOp(
        resource=handle, value=tf.constant(json.dumps(cluster, sort_keys=True)))


def _grpc(address):
  """The target of a session mastered by the task at `address`.

  The tasks' own sessions are mastered there too. A session mastered by
  this worker's server would be named for this worker's task; a task that
  gets one from a process of that name other than the one it knows drops
  the sessions of the one it knows (TensorFlow takes it for a restarted
  master), and that could be a running job's worker or chief.
  """
  return 'grpc://' + address


def _read_op(device, name):
  """The string variable `name` on `device`, or '' if it holds none yet."""
  handle = _variable(device, name, tf.string)
  with tf.device(device):
    return tf.cond(tf.raw_ops.VarIsInitializedOp(resource=handle),
                   lambda: tf.raw_ops.ReadVariableOp(resource=handle,
                                                     dtype=tf.string),
                   lambda: tf.constant(''))


def check_cluster(cluster, task_index, timeout_secs):
  """Refuses this worker if a ps task was given another cluster.

  Polls until every ps task has published its cluster (they do as they
  start), each poll bounded by timeout_secs.

  Args:
    cluster: dict {'ps': [...], 'worker': [...]}, this worker's.
    task_index: int, this worker's index.
    timeout_secs: --operation_timeout_secs.

  Raises:
    SettingsError: a ps task serves another cluster (another job's ps, or
      one of the tasks was given other --ps_hosts or --worker_hosts).
    job_control.TaskLostError: a ps task does not answer, or answers for
      timeout_secs without publishing its cluster.
  """
  task = cluster_spec.task_name('worker', task_index)
  reads = []
  for i in range(len(cluster['ps'])):
    with tf.Graph().as_default():
      reads.append(_read_op('/job:ps/task:%d/cpu:0' % i, CLUSTER_VARIABLE))
  deadline = time.time() + timeout_secs
  while True:
    values = []
    for i, read in enumerate(reads):
      value, errors, hung = job_control.run_bounded(
          _grpc(cluster['ps'][i]),
          tf.ConfigProto(device_filters=['/job:ps/task:%d' % i]), [read],
          timeout_secs + 5, timeout_secs)
      if errors or hung:
        lost = cluster_spec.unreachable({'ps': cluster['ps'], 'worker': []})
        raise job_control.TaskLostError('%s: could not join the job: %s' % (
            task, 'not answering: %s.' % ', '.join(lost) if lost else
            '%s. %s' % (errors[0][1].rstrip('.'), CLUSTER_FIX) if errors
            else 'the ps tasks accept connections but do not answer within '
            '--operation_timeout_secs=%d.' % timeout_secs))
      values.append(value[0])
      if not value[0]:
        continue
      theirs = json.loads(value[0].decode('utf-8'))
      differ = [job for job in ('ps', 'worker') if theirs[job] != cluster[job]]
      if differ:
        raise SettingsError('%s: %s but ps %d (%s) serves %s; %s.' % (
            task, _cluster_flags(cluster, differ), i, cluster['ps'][i],
            _cluster_flags(theirs, differ), _REFUSED_CLUSTER_FIX))
    if all(values):
      return
    if time.time() > deadline:
      silent = ['ps %d (%s)' % (i, cluster['ps'][i])
                for i, v in enumerate(values) if not v]
      raise job_control.TaskLostError(
          '%s: could not join the job: %s %s connections but %s not say '
          'which cluster %s (not a task of this trainer?).' % (
              task, _and(silent), 'accepts' if len(silent) == 1 else 'accept',
              'does' if len(silent) == 1 else 'do',
              'it serves' if len(silent) == 1 else 'they serve'))
    time.sleep(job_control.POLL_SECS)


# ---------------------------------------------------------------------------
# The chief's settings


def publish_settings(server, settings, timeout_secs):
  """The chief keeps its settings on its own server, for the other workers.

  Args:
    server: the chief's started tf.train.Server.
    settings: dict, its worker_settings().
    timeout_secs: bound of the (local) operation.

  Raises:
    job_control.TaskLostError: the chief's own server did not take them.
  """
  with tf.Graph().as_default():
    handle = _variable('/job:worker/task:0/cpu:0', SETTINGS_VARIABLE,
                       tf.string)
    with tf.device('/job:worker/task:0/cpu:0'):
      publish = tf.raw_ops.AssignVariableOp(
          resource=handle,
          value=tf.constant(json.dumps(settings, sort_keys=True)))
  _, errors, hung = job_control.run_bounded(
      server.target, tf.ConfigProto(device_filters=['/job:worker/task:0']),
      [publish], timeout_secs, timeout_secs)
  if errors or hung:
    raise job_control.TaskLostError(
        'worker 0 (chief): could not publish its settings on its own server: '
        '%s' % (errors[0][1] if errors else 'no answer'))


# What wait_for_the_chief found.
AGREED, STOPPED, GONE = 'agreed', 'stopped', 'gone'


def wait_for_the_chief(cluster, task_index, settings, timeout_secs, wait_for):
  """Waits for the chief's settings and compares this worker's with them.

  The chief publishes them once it has joined the job, so a worker started
  before the chief (or while a restarted chief starts) waits, as it waits
  for the chief's model, each operation bounded by timeout_secs. It stops
  waiting when the job is asked to stop: at once if a chief came during its
  wait (it stopped the job, say because there was nothing to train or its
  data was damaged); timeout_secs after it first sees a request no chief of
  its wait made (perhaps the last run's, on ps tasks that served on, and
  the chief on its way).

  Args:
    cluster: dict {'ps': [...], 'worker': [...]}.
    task_index: int, this worker's index (not 0).
    settings: dict, this worker's worker_settings().
    timeout_secs: --operation_timeout_secs.
    wait_for: function(what, ready) calling ready() until it is true,
      saying now and then what the task waits for.

  Returns:
    AGREED; STOPPED if a chief that came meanwhile asked the job to stop;
    GONE if the job was asked to stop and no chief came within
    timeout_secs.

  Raises:
    SettingsError: this worker's settings differ from the chief's.
    job_control.TaskLostError: ps 0 or the chief stops answering.
  """
  task = cluster_spec.task_name('worker', task_index)
  chief = cluster['worker'][0]
  options = tf.RunOptions(timeout_in_ms=timeout_secs * 1000)
  ps_graph = tf.Graph()
  with ps_graph.as_default():
    control = job_control.JobControl(len(cluster['ps']),
                                     len(cluster['worker']), ps_tasks=[0])
  with tf.Graph().as_default():
    read = _read_op('/job:worker/task:0/cpu:0', SETTINGS_VARIABLE)
  chief_config = tf.ConfigProto(device_filters=['/job:worker/task:0'])
  state = {'found': None, 'outcome': None, 'failing': None}

  def ready():
    # The chief's server answers only while it runs; its port is tried
    # first, as a session would wait for an absent task without a bound.
    reachable = not cluster_spec.unreachable({'ps': [], 'worker': [chief]})
    if reachable:
      values, errors, hung = job_control.run_bounded(
          _grpc(chief), chief_config, [read], timeout_secs + 5, timeout_secs)
      if hung:
        raise job_control.TaskLostError(
            '%s: stopped before its first step: the chief (worker 0, %s) '
            'accepts connections but does not answer within '
            '--operation_timeout_secs=%d (stopped, or another program on '
            'its port?).' % (task, chief, timeout_secs))
      if values[0]:
        state['found'] = json.loads(values[0].decode('utf-8'))
        return True
      # An error: the chief went away meanwhile, and is waited for again;
      # one that answers with errors only is not the chief.
      if not errors:
        state['failing'] = None
      elif state['failing'] is None:
        state['failing'] = time.time()
      elif time.time() - state['failing'] > timeout_secs:
        raise job_control.TaskLostError(
            '%s: stopped before its first step: the chief (worker 0, %s) '
            'does not answer: %s' % (task, chief, errors[0][1]))
    stop, joins = ps_sess.run([control.stop_requested, control.chief_joins],
                              options=options)
    if not stop:
      return False
    # A chief joined during the wait and has gone, asking the job to stop
    # (while it runs, its settings are read instead).
    if not reachable and joins > state['joins']:
      state['outcome'] = STOPPED
      return True
    # A request no chief of this wait made: the last run's, perhaps, with
    # the chief on its way. It gets timeout_secs from when it is seen.
    if state['since'] is None:
      state['since'] = time.time()
    elif time.time() - state['since'] > timeout_secs:
      state['outcome'] = GONE
      return True
    return False

  # Creating the session is bounded too.
  ps_config = tf.ConfigProto(device_filters=['/job:ps/task:0'],
                             operation_timeout_in_ms=timeout_secs * 1000)
  try:
    with tf.Session(_grpc(cluster['ps'][0]), graph=ps_graph,
                    config=ps_config) as ps_sess:
      state['joins'] = ps_sess.run(control.chief_joins, options=options)
      state['since'] = None
      wait_for('the chief (worker 0, %s) to publish the flags every worker '
               'must share' % chief, ready)
  except tf.errors.OpError as e:
    lost = cluster_spec.unreachable({'ps': cluster['ps'][:1], 'worker': []})
    raise job_control.TaskLostError(
        '%s: stopped before its first step: %s' % (
            task, 'not answering: %s.' % ', '.join(lost) if lost else
            'no answer from ps 0 within --operation_timeout_secs=%d.'
            % timeout_secs if isinstance(e, tf.errors.DeadlineExceededError)
            else cifar10_app.error_gist(e)))
  if state['outcome'] in (STOPPED, GONE):
    return state['outcome']
  why = disagreement(task, settings, state['found'])
  if why:
    raise SettingsError(why)
  return AGREED
