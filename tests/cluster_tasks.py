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
"""Clusters of real task processes for the distributed tests.

Each task is a cifar10_cluster.Task (its own process, its output kept and
copied, prefixed, to one Output); tasks_killed_at_exit() kills them all, so
nothing outlives a test.
"""

import contextlib
import os
import re
import signal
import sys
import time

import tensorflow.compat.v1 as tf

from cifar10 import cifar10_cluster
from conftest import script_env
from conftest import start_script


class Output(object):
  """A stream the tasks' prefixed lines go to (kept for the assertions)."""

  def __init__(self):
    self.lines = []

  def write(self, text):
    self.lines.append(text)

  def flush(self):
    pass

  @property
  def text(self):
    return ''.join(self.lines)


@contextlib.contextmanager
def tasks_killed_at_exit():
  """Yields a list to put cifar10_cluster.Task objects in; kills them all."""
  tasks = []
  try:
    yield tasks
  finally:
    for task in tasks:
      task.signal(signal.SIGKILL)
    for task in tasks:
      task.wait(30)


class ForkedTask(cifar10_cluster.Task):
  """A task started as the tests start scripts: a `python -m` or `python -c`
  command is forked from the zygote that has imported TensorFlow
  (conftest.start_script) where it can, so that a cluster of three tasks
  does not import it three times over on two cores. Any other command (a
  network namespace's) is a real process, as cifar10_cluster starts it."""

  def _start(self, argv, env):
    if argv[0] != sys.executable or argv[1] not in ('-m', '-c'):
      return super(ForkedTask, self)._start(argv, env)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    with os.fdopen(out_w, 'wb') as out, os.fdopen(err_w, 'wb') as err:
      process = start_script(argv[1:], out, err, env=env)
    process.stdout = os.fdopen(out_r, 'r', buffering=1)
    process.stderr = os.fdopen(err_r, 'r', buffering=1)
    return process


def start_task(tasks, job, index, cluster, args, out, set_tf_config=True,
               command=None):
  task = ForkedTask(job, index, cluster, args, env=script_env(), out=out,
                    err=out, command=command, set_tf_config=set_tf_config)
  tasks.append(task)
  return task


def start_ps_and_two_workers(tasks, cluster, args, out):
  """Starts ps 0, the chief and worker 1 of `cluster`, all with `args`.

  Returns:
    (ps, chief, worker) cifar10_cluster.Task objects, also added to `tasks`.
  """
  return tuple(start_task(tasks, job, index, cluster, args, out)
               for job, index in (('ps', 0), ('worker', 0), ('worker', 1)))


def wait_for_line(task, pattern, timeout):
  deadline = time.time() + timeout
  while time.time() < deadline:
    lines = [l for l in list(task.output) if re.search(pattern, l)]
    if lines:
      return lines
    if task.poll() is not None:
      break
    time.sleep(0.2)
  raise AssertionError('%s: no line matching %r in %d s:\n%s' % (
      task.name, pattern, timeout, ''.join(task.output)[-5000:]))


def lines_of(name, output):
  """The lines of task `name` ('worker0') in the launcher's output, without
  their prefix."""
  prefix = '[%s] ' % name
  return ''.join(l[len(prefix):] for l in output.splitlines(True)
                 if l.startswith(prefix))


def checkpoint_global_step(train_dir):
  path = tf.train.latest_checkpoint(train_dir)
  return int(tf.train.load_checkpoint(path).get_tensor('global_step'))


def saved_step(train_dir):
  """The step in the name of the newest checkpoint."""
  return int(tf.train.latest_checkpoint(train_dir).rsplit('-', 1)[1])


# Each worker's shuffle queue holds this fraction of an epoch (1,000 images,
# not 20,000): the workers start training sooner.
QUEUE_FRACTION = '--min_fraction_of_examples_in_queue=0.02'


def trainer_args(data_dir, train_dir, *more):
  return ['--data_dir=' + data_dir, '--train_dir=' + train_dir,
          '--batch_size=16', '--log_frequency=20', QUEUE_FRACTION] + list(more)
