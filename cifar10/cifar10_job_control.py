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

"""Job control of cifar10_distributed_train: queues on the ps tasks.

The tasks of a job tell each other only through small queues that live on
the ps tasks, found by shared name: a worker that stops asks the others to
stop (ps 0's stop queue) and tells each ps task it is done (its done queue),
so that the ps tasks can exit; ps 0 also counts the chiefs that joined (a
worker waiting for the chief's settings, cifar10_job_settings, tells a
stop request of this run from an earlier one by it). JobStopHook, in each
worker's session, reads the stop request after every step, bounds how long
a step may wait for another task, and keeps a synchronous worker to one
gradient per step. run_bounded runs a few such operations with a bound on
the session's creation too.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import sys
import threading
import time

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_app
  from cifar10 import cifar10_cluster_spec as cluster_spec
  from cifar10 import cifar10_dirs
else:
  import cifar10_app
  import cifar10_cluster_spec as cluster_spec
  import cifar10_dirs
import tensorflow.compat.v1 as tf

# How often a task polls for what it waits for (a ps task for the workers'
# end, a worker for the ps tasks, the chief or a step's update).
POLL_SECS = 0.2

# Shared names of the job's control queues on the ps tasks, and of ps 0's
# count of the chiefs that joined.
STOP_QUEUE = 'cifar10_job_stop'
DONE_QUEUE = 'cifar10_job_done'
CHIEF_JOINS = 'cifar10_job_chief_joins'


class TaskLostError(cifar10_dirs.UserError, RuntimeError):
  """Another task stopped answering."""


def run_bounded(target, config, ops, wait_secs, op_timeout_secs):
  """Runs ops, each bounded, in a session of their graph, for wait_secs.

  Creating a session waits for every task it sees without a bound, hence
  the thread; the ops' graph is given explicitly, as another thread has its
  own default graph.

  Args:
    target: the session's master: this task's server.target, or
      'grpc://host:port' of another task.
    config: tf.ConfigProto of the session (its device filters).
    ops: list of ops or Tensors of one graph, run in this order.
    wait_secs: how long to wait for the session and all the ops.
    op_timeout_secs: how long each op may take.

  Returns:
    (values, errors, hung): the ops' values (None for those that failed or
    did not run); a list of (op, or None for the session, the error's gist)
    for the ops that failed, in order; and whether wait_secs passed before
    the session and the ops were done.
  """
  values = [None] * len(ops)
  errors = []

  def run():
    try:
      with tf.Session(target, graph=ops[0].graph,
                      config=config) as sess:
        for i, op in enumerate(ops):
          try:
            values[i] = sess.run(op, options=tf.RunOptions(
                timeout_in_ms=int(op_timeout_secs * 1000)))
          except tf.errors.OpError as e:
            errors.append((op, cifar10_app.error_gist(e)))
    except tf.errors.OpError as e:
      errors.append((None, cifar10_app.error_gist(e)))

  thread = threading.Thread(target=run, daemon=True)
  thread.start()
  thread.join(wait_secs)
  return list(values), list(errors), thread.is_alive()



class JobControl(object):
  """The job's stop request and the workers' end, in queues on the ps tasks.

  A worker that stops for any reason (last step, signal, error) asks the
  others to stop after their current step, wakes those waiting for a
  synchronous token, and tells each ps task it has finished; a ps task
  exits once every worker has.
  """

  def __init__(self, num_ps, num_workers, ps_tasks=None):
    """Builds the queues.

    Args:
      num_ps: int, the job's ps tasks.
      num_workers: int, its workers.
      ps_tasks: the ps tasks whose done queues to build; default all (a
        worker's graph). A ps task's own session sees only itself and ps 0,
        and a graph holding ops of another ps could not be placed.
    """
    self.num_workers = num_workers
    with tf.name_scope('job_control'):
      with tf.device('/job:ps/task:0/cpu:0'):
        self.stop_queue = tf.FIFOQueue(-1, tf.int32, shapes=[[]],
                                       shared_name=STOP_QUEUE,
                                       name='stop_queue')
        self.stop_requested = self.stop_queue.size() > 0
      self.done_queues = {}
      for i in range(num_ps) if ps_tasks is None else ps_tasks:
        with tf.device('/job:ps/task:%d/cpu:0' % i):
          self.done_queues[i] = tf.FIFOQueue(
              -1, tf.int32, shapes=[[]], shared_name=DONE_QUEUE,
              name='done_queue_%d' % i)
      # How many times a chief joined: a worker waiting for the chief tells
      # the stop request of a chief that joined meanwhile from one that was
      # there before (perhaps the last run's). ps 0 sets it to 0 as it
      # starts; only the chief adds to it.
      with tf.device('/job:ps/task:0/cpu:0'):
        self._chief_joins = tf.raw_ops.VarHandleOp(
            dtype=tf.int64, shape=[], shared_name=CHIEF_JOINS,
            name='chief_joins')
        self.chief_joins = tf.raw_ops.ReadVariableOp(
            resource=self._chief_joins, dtype=tf.int64)

  def ps_start_op(self, ps_index):
    """Op a ps task runs as it starts (ps 0 counts no chief yet)."""
    if ps_index != 0:
      return tf.no_op()
    with tf.device('/job:ps/task:0/cpu:0'):
      return tf.raw_ops.AssignVariableOp(
          resource=self._chief_joins, value=tf.constant(0, tf.int64))

  def join_ops(self, task_index):
    """Ops a worker runs as it joins the job, before its first step.

    The queues outlive a run: the ps tasks keep serving after a worker is
    lost, and a job started again on them would find the last run's stop
    request and its workers' done tokens. A joining worker removes the stop
    requests it made itself (in an earlier life: it has made none in this
    one), keeping the others', and tells each ps task it is not done (a
    negative token).

    The chief then counts itself in ps 0's chief_joins: its stale stop
    requests are gone from then on.

    Returns:
      list of ops, to run in this order.
    """
    with tf.device('/job:ps/task:0/cpu:0'):
      taken = self.stop_queue.dequeue_many(self.stop_queue.size())
      others = tf.boolean_mask(taken, tf.not_equal(taken, task_index))
      put_back = self.stop_queue.enqueue_many([others])
    counted = [self.chief_came_op()] if task_index == 0 else []
    return [put_back] + counted + [q.enqueue(-1 - task_index)
                                   for _, q in sorted(self.done_queues.items())]

  def chief_came_op(self):
    """Op counting a chief in ps 0's chief_joins: one that joins, or one
    that stops the job before it could (its data is damaged, say), so that
    the workers waiting for it stop at once."""
    with tf.device('/job:ps/task:0/cpu:0'):
      return tf.raw_ops.AssignAddVariableOp(
          resource=self._chief_joins, value=tf.constant(1, tf.int64))

  def finish_ops(self, task_index, token_queue=None, global_step=None,
                 request_stop=True):
    """Ops a worker runs on its way out, in this order.

    Args:
      task_index: int, the worker's.
      token_queue, global_step: the synchronous token queue and the global
        step, or None.
      request_stop: ask the others to stop; False for a worker that leaves
        without having taken part (only the ps tasks are told).

    Returns:
      list of ops: request the stop (if request_stop); release num_workers
      synchronous tokens (if token_queue); tell each ps task this worker is
      done.
    """
    ops = [self.stop_queue.enqueue(task_index)] if request_stop else []
    if token_queue is not None:
      ops.append(self.release_op(token_queue, global_step))
    return ops + [q.enqueue(task_index) for _, q in
                  sorted(self.done_queues.items())]

  def release_op(self, token_queue, global_step):
    """Op giving every worker a synchronous token for the current step."""
    return token_queue.enqueue_many(
        [tf.fill([self.num_workers], global_step.read_value())])


class JobStopHook(tf.train.SessionRunHook):
  """Stops this worker after a step once another task asked the job to stop.

  It also bounds what a step may wait for: each training step runs with a
  timeout of `timeout_secs` (only the step: the input threads may wait on a
  full queue as long as they like), and when no step has ended for longer
  (a session being recreated after a lost ps task waits without a bound in
  TensorFlow), it names the tasks that do not answer and ends the process.

  Given the `token` a synchronous worker holds after its step and the
  `token_queue` (training without backup workers), it keeps the worker to
  one gradient per global step. The token queue is shared: a token can be
  left over (by a worker killed while waiting for its own, whose wait the
  ps then cancels, or among those the chief hands out when it recovers its
  session), and a worker taking one before its step is updated would send
  a second gradient into that step and train on without the worker it
  stands for. Here it puts a token back for whoever lacks one and waits for
  the update instead, up to `timeout_secs`: if a worker is lost, none comes
  and the job stops naming it.
  """

  def __init__(self, stop_requested, task, cluster, timeout_secs, step=None,
               max_steps=None, release=None, global_step=None, token=None,
               token_queue=None):
    self._stop_requested = stop_requested
    self._release = release
    self._global_step = global_step
    self._token = token
    self._token_queue = token_queue
    self._give_back = self._given_step = None
    # The token and global step this worker's next gradient goes in with.
    self._next = None
    self._sessions = 0
    self._step = step
    self._max_steps = max_steps
    self._task = task
    self._cluster = cluster
    self._timeout = timeout_secs
    self.stopped_by_job = False
    self._last = None
    self._done = threading.Event()
    self._watchdog = None

  def begin(self):
    # The watch starts before the session: a task that accepts connections
    # but does not answer (stopped, or another program on its port) would
    # keep the session from being created, without a bound.
    self._last = time.time()
    if self._watchdog is None:
      self._watchdog = threading.Thread(target=self._watch, daemon=True)
      self._watchdog.start()
    if self._token is not None:
      self._given_step = tf.placeholder(self._token.dtype, [])
      self._give_back = self._token_queue.enqueue(self._given_step)

  def after_create_session(self, session, coord):
    self._last = time.time()
    # A chief restarted in a running synchronous job, or recreating its
    # session (after an aborted step), restores an earlier step: workers
    # may be waiting for a token of a step that will not be finished, with
    # their gradients dropped or taken. Tokens for the restored step set
    # them going again. (Not at a job's first start: then every worker's
    # first gradient counts.)
    self._sessions += 1
    if self._release is not None and (
        self._sessions > 1 or session.run(self._global_step) > 0):
      session.run(self._release)
    if self._token is not None:
      # SyncReplicasOptimizer's hook has just set the local step (the token)
      # to the global step.
      now = session.run(self._global_step)
      self._next = (now, now)

  def before_run(self, run_context):
    fetches = {}
    if self._step is not None:
      fetches['step'] = self._step
    if self._token is not None:
      fetches['token'] = self._token
    return tf.train.SessionRunArgs(
        fetches, options=tf.RunOptions(timeout_in_ms=self._timeout * 1000))

  def after_run(self, run_context, run_values):
    self._last = time.time()
    step = run_values.results.get('step')
    if self._token is not None:
      step = self._one_gradient_per_step(run_context.session, step,
                                         run_values.results['token'])
    # The global step after this worker's update: StopAtStepHook's estimate
    # (the step read at some point of the run, plus one) lags behind when
    # other workers update meanwhile, which asynchronous training would
    # overshoot --max_steps by.
    if self._max_steps is not None and step >= self._max_steps:
      run_context.request_stop()
      return
    # A run of its own: the value read by the step itself could predate a
    # stop requested while that step waited.
    if run_context.session.run(self._stop_requested):
      self.stopped_by_job = True
      run_context.request_stop()

  def _one_gradient_per_step(self, session, step, token):
    """Waits if this worker's next gradient would go into its last one's step.

    Args:
      session: the raw session.
      step: int, the global step after this worker's run (read after it
        took its next token).
      token: int, that token.

    Returns:
      int, the global step the next gradient goes into.

    Raises:
      tf.errors.DeadlineExceededError: no update of that step in
        `timeout_secs`.
    """
    sent_token, sent_into = self._next
    # A token older than the step makes a gradient that the accumulators
    # drop; one that counted leaves the worker waiting for its step's update
    # (normally the token is only handed out after it). A step that went
    # back was restored by the chief: the gradient went into a step undone.
    if sent_token >= sent_into and step == sent_into:
      self._last = time.time()  # Waiting here is not a hung step.
      deadline = self._last + self._timeout
      # The token taken is another worker's (one whose last gradient came
      # too late to count may need it to send the one this step waits for).
      # This worker's next gradient, with the token's value, is then
      # dropped as stale, and it takes a token of the next step.
      session.run(self._give_back, {self._given_step: sent_into},
                  options=tf.RunOptions(timeout_in_ms=self._timeout * 1000))
      while step == sent_into:
        if session.run(self._stop_requested):
          break
        if time.time() > deadline:
          raise tf.errors.DeadlineExceededError(
              None, None, "waited %d s for the other workers' gradients of "
              'global step %d' % (self._timeout, sent_into))
        time.sleep(POLL_SECS)
        step = session.run(self._global_step)
    self._next = (token, step)
    return step

  def end(self, session):
    self._done.set()

  def close(self):
    self._done.set()

  def _watch(self):
    # A step waiting that long would have raised DeadlineExceeded by now.
    limit = self._timeout + 5
    while not self._done.wait(1.0):
      if time.time() - self._last > limit:
        lost = cluster_spec.unreachable(self._cluster)
        sys.stderr.write('cifar10_distributed_train: error: %s: %s for %d s; '
                         '%s\n' % (
                             self._task, 'no step' if self._sessions else
                             'no session', limit,
                             ('not answering: %s.' % ', '.join(lost)) if lost
                             else 'every task accepts connections, but one '
                             'does not answer (stopped, or another program '
                             'on its port?).'))
        sys.stderr.flush()
        os._exit(1)  # pylint: disable=protected-access
