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

"""A binary to train CIFAR-10 on several machines: ps tasks and workers.

Between-graph replication on TensorFlow's own cluster runtime (gRPC): every
task runs this script. The `ps` tasks hold the variables; each `worker` task
builds the whole model, reads its own batches and pushes its gradients to the
ps tasks. (cifar10_replica builds that graph; this script runs the
tasks.) Worker 0, the chief, initialises or restores the model and writes
checkpoints and summaries to --train_dir with the variable names of the other
trainers, so cifar10_eval.py evaluates them and cifar10_train.py or
cifar10_multi_gpu_train.py resume them (and the other way round).

Name the cluster either with TensorFlow 1's flags

  --job_name=ps|worker --task_index=N --ps_hosts=h:p,... --worker_hosts=h:p,...

or with the TF_CONFIG environment variable,

  {"cluster": {"ps": ["h:p"], "worker": ["h:p", "h:p"]},
   "task": {"type": "worker", "index": 0}}

where a "chief" job, if present, is worker 0. `python -m cifar10.cifar10_cluster
--ps=1 --workers=2 -- <flags of this script>` starts such a cluster on one
machine.

Synchronous (--sync_replicas, the default): the gradients of
--replicas_to_aggregate workers are averaged and applied once per global
step, and the moving averages of the weights updated once, as the
single-device trainer does on batch_size * replicas_to_aggregate images; the
learning-rate schedule counts that many images per step. Asynchronous
(--nosync_replicas): each worker applies its own gradients as soon as it has
them; a global step is then one worker's batch, so the schedule counts
batch_size images per step and an epoch takes as many global steps as with
cifar10_train.py, shared among the workers.

Tasks started with settings that must agree and do not are refused in one
line before they touch the job (cifar10_job_settings): the cluster, in
every task, and among the workers --batch_size, --dataset, --use_fp16,
--mixed_precision, --top_layers, --sync_replicas, --replicas_to_aggregate
and --max_steps, which the chief publishes once it has joined.

Every task stops promptly: a ps task exits 0 once every worker has finished,
and a task that stops (at --max_steps, on SIGINT/SIGTERM, or on an error)
asks the whole job to stop after the current step, the chief saving a final
checkpoint. A lost task stops the others within --operation_timeout_secs.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import signal
import sys
from datetime import datetime
import time

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_distributed_train.py, or a script beside it that
# imports it). Either way each file loads once, and before TensorFlow, so
# that cifar10_input's environment defaults (oneDNN, log level) apply.
# cifar10_train owns --train_dir, --max_steps, --log_device_placement,
# --log_frequency, --save_checkpoint_steps and --fresh_start, and the
# training loop all trainers share.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_app
  from cifar10 import cifar10_cluster_spec as cluster_spec
  from cifar10 import cifar10_dirs
  from cifar10 import cifar10_hooks
  from cifar10 import cifar10_job_control as job_control
  from cifar10 import cifar10_job_settings as job_settings
  from cifar10 import cifar10_replica as replica
  from cifar10 import cifar10_top_layers
  from cifar10 import cifar10_train
else:
  import cifar10
  import cifar10_app
  import cifar10_cluster_spec as cluster_spec
  import cifar10_dirs
  import cifar10_hooks
  import cifar10_job_control as job_control
  import cifar10_job_settings as job_settings
  import cifar10_replica as replica
  import cifar10_top_layers
  import cifar10_train
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_boolean('sync_replicas', True,
                            """Average the gradients of """
                            """--replicas_to_aggregate workers and apply """
                            """them once per global step; """
                            """--nosync_replicas lets each worker apply its """
                            """own.""")
tf.app.flags.DEFINE_integer('replicas_to_aggregate', 0,
                            """Gradients averaged per synchronous step; 0 """
                            """means all workers. Fewer than the workers """
                            """leaves the others as backups: a step does not """
                            """wait for the slowest.""", lower_bound=0)
tf.app.flags.DEFINE_integer('operation_timeout_secs', 120,
                            """A step (or any other operation) that waits """
                            """longer than this for another task stops this """
                            """task with an error naming the tasks that do """
                            """not answer.""", lower_bound=1)

# How long closing a session waits for its queue threads (TensorFlow's
# default of 120 s would delay the end of every task by that much when a
# thread is blocked on another task).
STOP_GRACE_PERIOD_SECS = 2


# Another task stopped answering (raised here and by job_control).
TaskLostError = job_control.TaskLostError


def _say(task, message):
  print('%s: %s: %s' % (datetime.now(), task, message))
  sys.stdout.flush()


class DistributedLoggerHook(cifar10_hooks.LoggerHook):
  """The trainers' log line with the true global step; the chief adds the job's
  rate.

  The examples/sec and sec/batch of the line are this replica's; the chief
  also prints the rate of the whole job, from the global step's progress.
  """

  def __init__(self, loss, step, log_frequency, batch_size,
               examples_per_global_step, is_chief):
    super(DistributedLoggerHook, self).__init__(loss, log_frequency,
                                                batch_size)
    self._step_tensor = step
    self._examples_per_global_step = examples_per_global_step
    self._is_chief = is_chief
    self._runs = 0

  def after_create_session(self, session, coord):
    super(DistributedLoggerHook, self).after_create_session(session, coord)
    self._next_log = (self._step // self._log_frequency + 1) * (
        self._log_frequency)
    self._last_runs = self._runs

  def before_run(self, run_context):
    return tf.train.SessionRunArgs([self._loss, self._step_tensor])

  def after_run(self, run_context, run_values):
    loss_value, step_after = run_values.results
    self._runs += 1
    # As LoggerHook: the step number is the global step the update started
    # from.
    self._step = int(step_after) - 1
    if self._step < self._next_log:
      return
    now = time.time()
    duration = max(now - self._start_time, 1e-9)
    runs = self._runs - self._last_runs
    steps = self._step - self._last_step
    print(cifar10.LOG_FORMAT % (datetime.now(), self._step, loss_value,
                                runs * self._examples_per_step / duration,
                                duration / max(runs, 1)))
    if self._is_chief:
      print('%s: job: step %d, %.1f examples/sec in all (%d global steps '
            'in %.1f s)' % (datetime.now(), self._step,
                            steps * self._examples_per_global_step / duration,
                            steps, duration))
    sys.stdout.flush()
    self._start_time = now
    self._last_step = self._step
    self._last_runs = self._runs
    self._next_log = (self._step // self._log_frequency + 1) * (
        self._log_frequency)


# ---------------------------------------------------------------------------
# The tasks


def _wait_for(what, ready, task, interval=job_control.POLL_SECS,
              say_every=10.0):
  """Calls ready() until it is true, saying now and then what is awaited."""
  start = last_said = time.time()
  said = False
  while not ready():
    now = time.time()
    if not said or now - last_said >= say_every:
      _say(task, 'waiting for %s%s' % (what, (
          ' (%d s)' % (now - start)) if said else ''))
      said, last_said = True, now
    time.sleep(interval)


def run_ps(server, cluster, task_index):
  """Serves the variables of ps task `task_index` until every worker is done.

  Args:
    server: this task's started tf.train.Server.
    cluster: dict {'ps': [...], 'worker': [...]}.
    task_index: int.

  Returns:
    str, why it stopped (for the last line it prints).
  """
  task = cluster_spec.task_name('ps', task_index)
  num_workers = len(cluster['worker'])
  received = []

  def handle(signum, frame):  # pylint: disable=unused-argument
    received.append(signal.Signals(signum).name)
    for s in (signal.SIGINT, signal.SIGTERM):
      signal.signal(s, signal.SIG_DFL)  # A second signal ends at once.

  for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, handle)
  with tf.Graph().as_default():
    control = job_control.JobControl(len(cluster['ps']), num_workers,
                                     ps_tasks=[task_index])
    done = control.done_queues[task_index]
    size = done.size()
    finished = done.dequeue_many(size)
    request_stop = control.stop_queue.enqueue(-1 - task_index)
    # The workers compare their cluster with this one before they join (ps
    # 0's count of chiefs first: it exists before any worker can join).
    start = [control.ps_start_op(task_index),
             job_settings.publish_cluster_op(cluster, task_index)]
    config = tf.ConfigProto(device_filters=[
        '/job:ps/task:%d' % task_index, '/job:ps/task:0'])
    _say(task, 'serving %s for %d worker%s' % (
        cluster['ps'][task_index], num_workers, '' if num_workers == 1
        else 's'))
    with tf.Session(server.target, config=config) as sess:
      for op in start:
        sess.run(op)
      seen, joined = set(), set()
      stop_at = None

      def read_tokens():
        if sess.run(size):
          for i in sess.run(finished):
            if i >= 0:
              seen.add(int(i))
            else:  # That worker (re)joined the job: it is not done.
              seen.discard(-1 - int(i))
              joined.add(-1 - int(i))

      while len(seen) < num_workers:
        if received and stop_at is None:
          try:
            sess.run(request_stop, options=tf.RunOptions(timeout_in_ms=5000))
          except tf.errors.OpError:
            pass  # ps 0 is gone: the workers are stopping anyway.
          read_tokens()  # A worker may have joined since the last poll.
          running = sorted(joined - seen)
          if len(seen) >= num_workers:
            break
          if not running:
            return 'stopped by %s; no worker was training' % received[0]
          _say(task, '%s received: asked the workers to stop; waiting up to '
               '60 s for worker%s %s to finish (a second %s ends now)' % (
                   received[0], 's' if len(running) > 1 else '',
                   ', '.join(map(str, running)), received[0]))
          stop_at = time.time() + 60
        if stop_at is not None and time.time() > stop_at:
          return 'stopped by %s before every worker finished' % received[0]
        read_tokens()
        time.sleep(job_control.POLL_SECS)
  return 'every worker finished'


def run_worker(server, cluster, task_index, train_dir, max_steps,
               log_frequency, batch_size, sync_replicas=True,
               replicas_to_aggregate=None, operation_timeout_secs=60,
               batch_fn=None, data_dir=None, use_fp16=None,
               mixed_precision=None, save_checkpoint_steps=None,
               log_device_placement=False,
               min_fraction_of_examples_in_queue=None, prepare=None):
  """Trains as worker `task_index` until the job stops.

  Before it touches the job, the worker checks that the ps tasks serve its
  cluster and (but the chief) that its settings agree with the chief's
  (cifar10_job_settings); the chief publishes its own once it has joined.

  Args:
    server: this task's started tf.train.Server.
    cluster: dict {'ps': [...], 'worker': [...]}.
    task_index: int; 0 is the chief.
    train_dir: where the chief writes checkpoints and summaries.
    max_steps: global step to stop at.
    log_frequency: print a line every this many global steps.
    batch_size: images per worker and step.
    sync_replicas: synchronous (True) or asynchronous updates.
    replicas_to_aggregate: int, default all workers.
    operation_timeout_secs: how long an operation may wait for another task.
    batch_fn: function returning (images, labels); default the training
      input pipeline (cifar10.distorted_inputs on data_dir).
    data_dir: directory holding 'cifar-10-batches-bin'; default --data_dir.
    use_fp16: build the model in float16; default --use_fp16.
    mixed_precision: 16-bit compute (float16 on GPUs, bfloat16 on CPUs),
      float32 variables; default --mixed_precision.
    save_checkpoint_steps: the chief saves every this many steps; None every
      10 minutes; always at the end.
    log_device_placement: log where each op runs.
    min_fraction_of_examples_in_queue: fraction of an epoch in each worker's
      shuffle queue; default --min_fraction_of_examples_in_queue.
    prepare: function run once the worker's settings agree, before it builds
      its graph (main: the data check of a worker but the chief); a
      cifar10_dirs.UserError from it stops the job.

  Raises:
    TaskLostError: another task stopped answering.
    cifar10_job_settings.SettingsError: the ps tasks serve another cluster,
      or this worker's settings differ from the chief's.
    cifar10_input.DataError: if a data file is missing or malformed.
    cifar10_train.DivergedError, cifar10_hooks.TrainDirError: as the other
      trainers.
  """
  num_ps, num_workers = len(cluster['ps']), len(cluster['worker'])
  is_chief = task_index == 0
  task = cluster_spec.task_name('worker', task_index)
  replicas_to_aggregate = replicas_to_aggregate or num_workers
  if batch_fn is None:
    min_fraction = cifar10.flag_or(min_fraction_of_examples_in_queue,
                                   'min_fraction_of_examples_in_queue')
    batch_fn = lambda: cifar10.distorted_inputs(data_dir, batch_size,
                                                use_fp16, min_fraction)

  settings = job_settings.worker_settings(
      batch_size, sync_replicas, replicas_to_aggregate, max_steps,
      cifar10.flag_or(use_fp16, 'use_fp16'),
      cifar10.flag_or(mixed_precision, 'mixed_precision'),
      cifar10.flag_or(None, 'top_layers'), cifar10.flag_or(None, 'dataset'))

  # Nothing of the job is touched before the settings agree: a worker
  # refused leaves it as if it had not been started.
  check_the_cluster(cluster, task_index, operation_timeout_secs)
  found = None if is_chief else job_settings.wait_for_the_chief(
      cluster, task_index, settings, operation_timeout_secs,
      lambda what, ready: _wait_for(what, ready, task))
  if found == job_settings.STOPPED:
    _stop_the_job(cluster, task_index, server)
    _say(task, 'stopped before its first step: another task stopped the '
         'job.')
    return
  if found == job_settings.GONE:
    # The ps tasks count it done, so that they can exit; no stop request,
    # which would stop the chief this worker is told to wait for.
    _stop_the_job(cluster, task_index, server, request_stop=False)
    raise TaskLostError(
        '%s: stopped before its first step: the job on these ps tasks was '
        'asked to stop, and no chief (worker 0, %s) came within '
        '--operation_timeout_secs=%d; start this worker again once the '
        'chief runs.' % (task, cluster['worker'][0], operation_timeout_secs))
  if prepare is not None:
    try:
      prepare()
    except cifar10_dirs.UserError:
      # This worker's data is missing or damaged: it stops the job, rather
      # than leave the others waiting for it until they time out.
      _stop_the_job(cluster, task_index, server)
      raise

  config = cifar10_train.session_config(log_device_placement)
  # Only the ps tasks and this worker: workers do not wait for each other.
  config.device_filters.extend(['/job:ps', '/job:worker/task:%d'
                                % task_index])
  with tf.Graph().as_default():
    control = job_control.JobControl(num_ps, num_workers)
    try:
      step, loss, sync_hooks, token_queue, token = replica.replica_train_op(
          batch_fn, num_ps, num_workers, task_index, batch_size,
          sync_replicas, replicas_to_aggregate, mixed_precision)
    except Exception:
      # A worker that cannot start (its data is damaged, say) stops the job
      # too, rather than leave the others waiting for it until they time out.
      _stop_the_job(cluster, task_index, server)
      raise
    global_step = tf.train.get_global_step()
    finish = control.finish_ops(task_index, token_queue, global_step)
    # What the chief initialises (not this worker's local variables).
    not_ready = None if is_chief else tf.report_uninitialized_variables(
        tf.global_variables())

    _join(server, config, control.join_ops(task_index), task, cluster,
          operation_timeout_secs)
    if is_chief:
      # Joined: its stale stop requests are gone, and the workers waiting
      # for its settings may join in turn.
      job_settings.publish_settings(server, settings, operation_timeout_secs)
    if not is_chief and not _wait_for_the_chief(
        server, config, not_ready, control.stop_requested, task, cluster,
        operation_timeout_secs):
      _finish(server, config, finish, task, cluster)
      _say(task, 'stopped before its first step: another task stopped the '
           'job.')
      return
    mode = ('synchronous: %d of %d replicas per step' % (
        replicas_to_aggregate, num_workers)) if sync_replicas else (
            'asynchronous, %d workers' % num_workers)
    _say(task, 'training (%s, %d images per replica and step)' % (
        mode, batch_size))

    logger = DistributedLoggerHook(
        loss, step, log_frequency, batch_size,
        batch_size * (replicas_to_aggregate if sync_replicas else 1),
        is_chief)
    stop_hook = job_control.JobStopHook(
        control.stop_requested, task, cluster, operation_timeout_secs, step,
        max_steps, release=control.release_op(token_queue, global_step)
        if is_chief and token_queue is not None else None,
        global_step=global_step,
        token=token if replicas_to_aggregate == num_workers else None,
        token_queue=token_queue)
    error = None
    try:
      end = cifar10_train.run_training(
          step, loss, train_dir, max_steps, log_frequency,
          examples_per_step=batch_size, config=config,
          save_checkpoint_steps=save_checkpoint_steps,
          master=server.target, is_chief=is_chief,
          hooks=sync_hooks + [stop_hook], logger=logger,
          sharded_saver=False,
          stop_grace_period_secs=STOP_GRACE_PERIOD_SECS,
          max_wait_secs=operation_timeout_secs)
    except (tf.errors.DeadlineExceededError, tf.errors.UnavailableError,
            tf.errors.AbortedError, tf.errors.CancelledError,
            tf.errors.NotFoundError) as e:
      lost = cluster_spec.unreachable(cluster)
      error = TaskLostError(
          '%s: stopped %s: %s (%s)' % (
              task, _when(logger), ('not answering: %s' % ', '.join(lost))
              if lost else 'no answer within --operation_timeout_secs=%d '
              'from a task that is up' % operation_timeout_secs,
              cifar10_app.error_gist(e)))
    except tf.errors.OpError as e:
      error = TaskLostError('%s: stopped %s: %s. %s' % (
          task, _when(logger), cifar10_app.error_gist(e).rstrip('.'),
          job_settings.CLUSTER_FIX))
    finally:
      stop_hook.close()
      _finish(server, config, finish, task, cluster)
    if error:
      raise error
    if end.signal:
      _say(task, '%s received: stopped the job after step %d.' % (
          end.signal, logger.step))
    elif stop_hook.stopped_by_job:
      _say(task, 'stopped after step %d: another task stopped the job.%s' % (
          logger.step, ' Saved the checkpoint at global step %d in %s.' % (
              end.checkpoint_step, train_dir) if is_chief else ''))
    _say(task, 'done at global step %d.' % (logger.step + 1))


def _lost_ps(cluster):
  """The ps tasks that do not accept connections, named."""
  return cluster_spec.unreachable({'ps': cluster['ps'], 'worker': []})


def _join(server, config, join_ops, task, cluster, timeout_secs):
  """Runs a worker's job_control.JobControl.join_ops, bounded.

  Raises:
    TaskLostError: if the ps tasks cannot be reached, do not answer, or
      refuse the job's operations.
  """
  _, errors, hung = job_control.run_bounded(
      server.target, config, join_ops, timeout_secs + 5, timeout_secs)
  if not (errors or hung):
    return
  lost = _lost_ps(cluster)
  if lost:
    why = 'not answering: %s.' % ', '.join(lost)
  elif errors:
    why = '%s. %s' % (errors[0][1].rstrip('.'), job_settings.CLUSTER_FIX)
  else:
    why = ('the ps tasks accept connections but do not answer within '
           '--operation_timeout_secs=%d (stopped, or another program on '
           'their port?).' % timeout_secs)
  raise TaskLostError('%s: could not join the job: %s' % (task, why))


def _wait_for_the_chief(server, config, not_ready, stop_requested, task,
                        cluster, timeout_secs):
  """Waits until the chief has initialised or restored the model.

  (MonitoredTrainingSession would poll the chief every 30 s.)

  Returns:
    True once the model is ready; False if the job was asked to stop first
    (the chief found nothing to train, or stopped).

  Raises:
    TaskLostError: if a ps task stops answering meanwhile.
  """
  options = tf.RunOptions(timeout_in_ms=timeout_secs * 1000)
  try:
    with tf.Session(server.target, config=config) as sess:
      def ready():
        return (not len(sess.run(not_ready, options=options)) or
                sess.run(stop_requested, options=options))
      _wait_for('the chief (worker 0, %s) to initialise or restore the '
                'model' % cluster['worker'][0], ready, task)
      return not sess.run(stop_requested, options=options)
  except tf.errors.OpError as e:
    lost = _lost_ps(cluster)
    raise TaskLostError('%s: stopped before its first step: %s (%s)' % (
        task, 'not answering: %s' % ', '.join(lost) if lost else
        'no answer within --operation_timeout_secs=%d' % timeout_secs,
        cifar10_app.error_gist(e)))


def check_the_cluster(cluster, task_index, timeout_secs):
  """Waits for the ps tasks; refuses a worker given another cluster.

  Raises:
    job_settings.SettingsError: a ps task serves another cluster.
    TaskLostError: a ps task does not answer.
  """
  _wait_for('the ps tasks (%s)' % ', '.join(cluster['ps']),
            lambda: not _lost_ps(cluster),
            cluster_spec.task_name('worker', task_index))
  job_settings.check_cluster(cluster, task_index, timeout_secs)


def _stop_the_job(cluster, task_index, server=None, request_stop=True):
  """Asks the job to stop, from a worker that cannot take part.

  Nothing is sent to ps tasks that serve another cluster (checked first,
  bounded by 10 s). A chief counts as having come (JobControl.chief_came_op),
  so that the workers waiting for it stop at once.

  Args:
    cluster: dict {'ps': [...], 'worker': [...]}.
    task_index: int, the worker's.
    server: its started tf.train.Server; None: started only for this (if its
      address is taken, another process is that worker: nothing is sent).
    request_stop: False: only tell the ps tasks this worker is done.
  """
  if not _lost_ps(cluster):
    try:
      job_settings.check_cluster(cluster, task_index, 10)
    except job_settings.SettingsError:
      return  # Another job's ps tasks: not this worker's job to stop.
    except TaskLostError:
      pass  # _finish says what it could not tell them.
  if server is None:
    try:
      server = start_server(cluster, 'worker', task_index)
    except (tf.errors.OpError, RuntimeError, ValueError):
      return
  config = tf.ConfigProto(device_filters=['/job:ps', '/job:worker/task:%d'
                                          % task_index])
  with tf.Graph().as_default():
    control = job_control.JobControl(len(cluster['ps']),
                                     len(cluster['worker']))
    finish = control.finish_ops(task_index, request_stop=request_stop)
    if task_index == 0 and request_stop:
      finish.insert(1, control.chief_came_op())
    _finish(server, config, finish, cluster_spec.task_name(
        'worker', task_index), cluster)


def _when(logger):
  """'at global step N', or 'before its first step'."""
  return ('before its first step' if logger.step is None else
          'at global step %d' % (logger.step + 1))


def _finish(server, config, finish_ops, task, cluster, timeout_secs=10):
  """Runs a worker's way-out ops, bounded; a lost ps is no error here.

  The token queue is closed once the chief has ended, so releasing tokens
  may fail; only the done tokens matter to the ps tasks.
  """
  _, errors, hung = job_control.run_bounded(server.target, config, finish_ops,
                                            timeout_secs, 5)
  failed = [why for op, why in errors
            if op is None or 'done_queue' in op.name]
  if hung:
    lost = _lost_ps(cluster)
    failed.append('not answering: %s' % ', '.join(lost) if lost else
                  'no answer in %d s' % timeout_secs)
  if failed:
    _say(task, 'could not tell every ps task it stopped (%s)' % failed[0])


def start_server(cluster, job_name, task_index):
  """Starts this task's tf.train.Server (gRPC)."""
  return tf.train.Server(tf.train.ClusterSpec(cluster), job_name=job_name,
                         task_index=task_index, start=True)


def main(argv=None):  # pylint: disable=unused-argument
  cluster, job_name, task_index = cluster_spec.resolve_cluster(
      FLAGS.job_name, FLAGS.task_index, FLAGS.ps_hosts, FLAGS.worker_hosts,
      os.environ.get(cluster_spec.TF_CONFIG), FLAGS['task_index'].present)
  if FLAGS.replicas_to_aggregate > len(cluster['worker']):
    raise cluster_spec.ClusterError(
        '--replicas_to_aggregate=%d: there are only %d workers.'
        % (FLAGS.replicas_to_aggregate, len(cluster['worker'])))
  is_chief = (job_name, task_index) == ('worker', 0)
  lock = None
  if is_chief:
    # Each worker reads its own copy of the data (the others once their
    # settings agree with the chief's: a --dataset of their own could not
    # be fetched); only the chief writes --train_dir, and owns it (one
    # process per training directory).
    cifar10_train.check_dir_flags(FLAGS.train_dir, FLAGS.data_dir)
    try:
      cifar10.maybe_download_and_extract()
    except cifar10_dirs.UserError:
      # The chief's data is missing or damaged: it stops the job, rather
      # than leave the others waiting for it until they time out.
      _stop_the_job(cluster, task_index)
      raise
    lock = cifar10_train.own_train_dir(
        FLAGS.train_dir, FLAGS.data_dir, FLAGS.max_steps, FLAGS.fresh_start,
        stop_if_finished=False)
    # Every worker builds the top of the chief's --top_layers (the others
    # are refused otherwise), so the chief refuses checkpoints of the other
    # top (as given, not as defaulted).
    cifar10_top_layers.top_layers_to_use(FLAGS.train_dir, FLAGS.top_layers)
  try:
    server = start_server(cluster, job_name, task_index)
  except (tf.errors.OpError, RuntimeError, ValueError) as e:
    address = cluster[job_name][task_index]
    reason = str(e).split('\n')[0]
    if 'Could not start' in reason:
      reason += ('; is another program (or task) using port %s? Stop it, '
                 'or give this task another port in every task\'s flags'
                 % address.rpartition(':')[2])
    raise cluster_spec.ClusterError('cannot serve %s at %s: %s.' % (
        cluster_spec.task_name(job_name, task_index), address,
        reason.rstrip('.')))
  if job_name == 'ps':
    why = run_ps(server, cluster, task_index)
    _say(cluster_spec.task_name('ps', task_index), '%s; exiting.' % why)
    return
  try:
    run_worker(server, cluster, task_index, FLAGS.train_dir,
               FLAGS.max_steps, FLAGS.log_frequency, FLAGS.batch_size,
               FLAGS.sync_replicas, FLAGS.replicas_to_aggregate or None,
               FLAGS.operation_timeout_secs,
               save_checkpoint_steps=FLAGS.save_checkpoint_steps or None,
               log_device_placement=FLAGS.log_device_placement,
               prepare=None if is_chief else cifar10.maybe_download_and_extract)
  except cifar10_train.FinishedError as e:
    # The chief found --max_steps reached: it trained nothing, and the job
    # stops.
    print(e)
  if lock is not None:
    lock.release()


def run():
  """Entry point of `python cifar10_distributed_train.py` and the console
  script."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
