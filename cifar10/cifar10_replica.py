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

"""One worker's replica of the model in cifar10_distributed_train's graph.

Between-graph replication: every worker builds the same graph, whose
variables (and the global step, moving averages and optimizer state) are
placed on the ps tasks, and whose input pipeline and model run on the
worker itself. Synchronous training averages the gradients of several
workers per global step with tf.train.SyncReplicasOptimizer.

Summary of available functions:

 # The training step of worker 1 of 2, with 1 ps task, in the default graph.
 step, loss, hooks, token_queue, token = replica_train_op(
     batch_fn, num_ps=1, num_workers=2, task_index=1, batch_size=128)
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10
else:
  import cifar10
import numpy as np
import tensorflow.compat.v1 as tf


class ByteSizeLoadBalancer(object):
  """Puts each variable on the ps task holding the fewest bytes so far.

  A ps_strategy for tf.train.replica_device_setter (tf.contrib's
  GreedyLoadBalancingStrategy with its byte-size load function is gone from
  TensorFlow 2). Round-robin would put local3/weights, 83 % of the
  parameters, on a task that also gets its share of the others; greedy by
  size gives it a task of its own as soon as there are two. Every worker
  builds the same graph in the same order, so all choose the same tasks.
  """

  def __init__(self, num_tasks):
    self._loads = [0] * num_tasks

  def __call__(self, op):
    """Returns the ps task index for the variable op `op`."""
    task = int(np.argmin(self._loads))
    self._loads[task] += self.byte_size(op)
    return task

  @staticmethod
  def byte_size(op):
    """Bytes of a variable op's value (0 if its shape is not known)."""
    node = op.node_def if hasattr(op, 'node_def') else op
    if 'shape' not in node.attr or 'dtype' not in node.attr:
      return 0
    shape = tf.TensorShape(node.attr['shape'].shape)
    if not shape.is_fully_defined():
      return 0
    return shape.num_elements() * tf.as_dtype(node.attr['dtype'].type).size

  @property
  def loads(self):
    """Bytes assigned to each ps task so far."""
    return list(self._loads)


def worker_devices(task_index):
  """Where a worker's input pipeline and model replica run.

  Returns:
    (input_device, model_device): its CPU, and its GPU 0 if it sees one
    (one worker process per GPU, e.g. with CUDA_VISIBLE_DEVICES), else its
    CPU.
  """
  worker = '/job:worker/task:%d' % task_index
  gpu = bool(tf.config.list_physical_devices('GPU'))
  return worker + '/cpu:0', worker + ('/gpu:0' if gpu else '/cpu:0')


def replica_train_op(batch_fn, num_ps, num_workers, task_index, batch_size,
                     sync_replicas=True, replicas_to_aggregate=None,
                     mixed_precision=None):
  """Builds one worker's replica of the training step in the default graph.

  Args:
    batch_fn: function returning this worker's (images, labels), a
      [batch_size, 24, 24, 3] float32 (or float16) and a [batch_size] int32
      Tensor; called on the worker's CPU (the input queues, or constants in a
      test).
    num_ps: int, ps tasks.
    num_workers: int, worker tasks.
    task_index: int, this worker's index.
    batch_size: int, images per worker and step.
    sync_replicas: average replicas_to_aggregate workers' gradients per step.
    replicas_to_aggregate: int, default num_workers.
    mixed_precision: compute in float16 with float32 variables; default
      --mixed_precision.

  Returns:
    step: int64 scalar Tensor, the global step after this worker's update
      (running it runs the update).
    loss: scalar Tensor, this replica's total loss.
    hooks: list of SessionRunHooks the session needs (SyncReplicasOptimizer's
      for the chief or a worker), empty when asynchronous.
    sync_token_queue: the synchronous step's token queue (None when
      asynchronous).
    token: int64 scalar Tensor, the synchronous token this worker holds after
      the step (the local step of its next gradient); None when asynchronous.
  """
  replicas_to_aggregate = replicas_to_aggregate or num_workers
  input_device, model_device = worker_devices(task_index)
  # Variables (created under _variable_on_cpu's '/cpu:0', which the setter
  # merges into '/job:ps/task:k/cpu:0'), the global step, the moving averages
  # and the optimizer's state go to the ps tasks; everything else to this
  # worker.
  with tf.device(tf.train.replica_device_setter(
      ps_tasks=num_ps, worker_device=model_device,
      ps_strategy=ByteSizeLoadBalancer(num_ps))):
    global_step = tf.train.get_or_create_global_step()
    with tf.device(input_device):
      images, labels = batch_fn()
    logits = cifar10.inference(images, mixed_precision)
    loss = cifar10.loss(logits, labels)

    # One synchronous step trains on every aggregated replica's batch.
    examples_per_step = batch_size * (replicas_to_aggregate if sync_replicas
                                      else 1)
    lr = cifar10.learning_rate(global_step, examples_per_step)
    loss_averages_op = cifar10._add_loss_summaries(loss)  # pylint: disable=protected-access
    with tf.control_dependencies([loss_averages_op]):
      opt = cifar10.optimizer(lr, mixed_precision)
      grads = opt.compute_gradients(loss)

    hooks = []
    token_queue = token = None
    if sync_replicas:
      # The chief updates the moving averages once per global step, after
      # the averaged update, as cifar10.apply_gradients does on one device.
      opt = _SyncReplicasOptimizer(
          opt, replicas_to_aggregate=replicas_to_aggregate,
          total_num_replicas=num_workers,
          variable_averages=cifar10.moving_averages(global_step),
          variables_to_average=tf.trainable_variables())
      train_op = cifar10.apply_gradients(opt, grads, global_step,
                                         update_averages=False)
      # No initial tokens: the default (replicas_to_aggregate of them) lets
      # the chief alone take the first step with its own gradient twice.
      # Without them, the first step waits for replicas_to_aggregate
      # workers' gradients. (With backup workers a step averages the first
      # replicas_to_aggregate gradients to arrive, which a fast worker can
      # send twice while a slow one computes; without, JobStopHook keeps
      # each worker to one gradient per step.)
      hooks.append(opt.make_session_run_hook(task_index == 0, num_tokens=0))
      with tf.control_dependencies([train_op]):
        token = tf.identity(opt.local_step.read_value(), name='sync_token')
      # The queue from which each replica takes a token to start its next
      # step (the same resource, by shared name, as the optimizer's).
      with tf.device(global_step.device):
        token_queue = tf.FIFOQueue(-1, global_step.dtype.base_dtype,
                                   shapes=(), name='sync_token_q_release',
                                   shared_name='sync_token_q')
    else:
      train_op = cifar10.apply_gradients(opt, grads, global_step)
    with tf.control_dependencies([train_op]):
      step = tf.identity(global_step.read_value(), name='step_after_update')
  return step, loss, hooks, token_queue, token


class _SyncReplicasOptimizer(tf.train.SyncReplicasOptimizer):
  """tf.train.SyncReplicasOptimizer whose chief thread leaves the queue open.

  The stock chief thread closes the token queue (on the ps) when the chief's
  session closes. A closed queue cannot be reopened, so a chief that
  recreates its session (TensorFlow does so after an aborted step) or is
  restarted could never run a synchronous step again in this job. Here the
  queue stays open; the workers waiting on it are woken by JobControl's
  tokens instead. And the thread, still waiting for the next step's
  gradients when the session closes, ends quietly when that wait is
  cancelled, instead of printing a traceback.
  """

  @property
  def local_step(self):
    """The local variable holding the token of this worker's next gradient."""
    return self._local_step

  def get_chief_queue_runner(self):
    runner = super(_SyncReplicasOptimizer, self).get_chief_queue_runner()
    return tf.train.QueueRunner(
        runner.queue, runner.enqueue_ops, close_op=tf.no_op(),
        cancel_op=tf.no_op(),
        queue_closed_exception_types=(tf.errors.OutOfRangeError,
                                      tf.errors.CancelledError))
