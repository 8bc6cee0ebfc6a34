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

"""Runs a whole cifar10_distributed_train cluster on this machine.

  python -m cifar10.cifar10_cluster --ps=1 --workers=2 -- --max_steps=1000

starts --ps parameter-server tasks and --workers worker tasks of
cifar10_distributed_train, each a separate process with its TF_CONFIG and a
free 127.0.0.1 port, and passes them the flags after `--`. Each line a task
prints comes out prefixed with its name ([ps0], [worker0], ...). Ctrl-C (or
SIGTERM) asks every task to stop cleanly (the chief saves a checkpoint); when
a task fails, the others are stopped too. The exit status is the chief's
(worker 0's).

The tasks talk to each other only through TensorFlow's gRPC servers, as they
would on several machines: this script only starts them and watches them.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from absl import app
from absl import flags

FLAGS = flags.FLAGS

flags.DEFINE_integer('ps', 1, 'Parameter-server tasks to start.',
                     lower_bound=1)
flags.DEFINE_integer('workers', 2, 'Worker tasks to start; worker0 is the '
                     'chief.', lower_bound=1)
flags.DEFINE_string('host', '127.0.0.1', 'Address the tasks listen on.')
flags.DEFINE_integer('grace_secs', 30, 'After a stop, how long the tasks get '
                     'to end before they are killed.', lower_bound=1)

TRAINER = 'cifar10.cifar10_distributed_train'

# How long the ps tasks get to exit by themselves once the workers are done.
PS_EXIT_SECS = 15


def free_ports(count, host='127.0.0.1'):
  """`count` distinct TCP ports that are free on `host` right now."""
  sockets = []
  try:
    for _ in range(count):
      s = socket.socket()
      s.bind((host, 0))
      sockets.append(s)
    return [s.getsockname()[1] for s in sockets]
  finally:
    for s in sockets:
      s.close()


def cluster_spec(num_ps, num_workers, host='127.0.0.1', ports=None):
  """{'ps': ['host:port', ...], 'worker': [...]} on free ports."""
  ports = ports or free_ports(num_ps + num_workers, host)
  addresses = ['%s:%d' % (host, p) for p in ports]
  return {'ps': addresses[:num_ps], 'worker': addresses[num_ps:]}


def tf_config(cluster, job, index):
  """The TF_CONFIG value of task (job, index)."""
  return json.dumps({'cluster': cluster,
                     'task': {'type': job, 'index': index}})


def _die_with_parent():
  # Linux: the task gets SIGTERM if this launcher dies, even by SIGKILL, so no
  # task outlives it.
  try:
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
  except (OSError, AttributeError):
    pass


class Task(object):
  """One task's process, its output copied line by line with a prefix."""

  def __init__(self, job, index, cluster, args, env=None, out=None,
               err=None, lock=None, command=None, set_tf_config=True):
    self.name = '%s%d' % (job, index)
    self.job, self.index = job, index
    environment = dict(os.environ if env is None else env)
    if set_tf_config:
      environment['TF_CONFIG'] = tf_config(cluster, job, index)
    environment['PYTHONUNBUFFERED'] = '1'
    self._lock = lock or threading.Lock()
    self.output = []
    self.process = subprocess.Popen(
        (command or [sys.executable, '-m', TRAINER]) + list(args),
        env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, bufsize=1,
        start_new_session=True, preexec_fn=_die_with_parent)
    self._threads = [
        threading.Thread(target=self._copy, args=(self.process.stdout,
                                                  out or sys.stdout),
                         daemon=True),
        threading.Thread(target=self._copy, args=(self.process.stderr,
                                                  err or sys.stderr),
                         daemon=True)]
    for t in self._threads:
      t.start()

  def _copy(self, stream, out):
    for line in stream:
      with self._lock:
        self.output.append(line)
        out.write('[%s] %s' % (self.name, line))
        out.flush()

  def poll(self):
    return self.process.poll()

  def signal(self, signum):
    if self.process.poll() is None:
      try:
        self.process.send_signal(signum)
      except ProcessLookupError:
        pass

  def wait(self, timeout=None):
    try:
      return self.process.wait(timeout)
    except subprocess.TimeoutExpired:
      return None

  def join_output(self, timeout=5):
    for t in self._threads:
      t.join(timeout)


def stop_all(tasks, grace_secs, signum=signal.SIGTERM):
  """Sends `signum` to the running tasks; kills those still running after
  `grace_secs`."""
  for task in tasks:
    task.signal(signum)
  deadline = time.time() + grace_secs
  for task in tasks:
    if task.wait(max(0.0, deadline - time.time())) is None:
      task.signal(signal.SIGKILL)
      task.wait()


def run_cluster(num_ps, num_workers, args, host='127.0.0.1', grace_secs=30,
                out=None, err=None, env=None, command=None):
  """Starts the cluster's tasks and waits for the job to end.

  Args:
    num_ps: int, ps tasks.
    num_workers: int, workers.
    args: list of str, flags for every task.
    host: address to listen on.
    grace_secs: how long tasks get to stop before they are killed.
    out, err: streams for the tasks' prefixed stdout and stderr; default
      sys.stdout and sys.stderr.
    env: environment of the tasks; default os.environ.
    command: argv prefix of a task; default this Python running the trainer.

  Returns:
    (status, tasks): the chief's exit status (1 if it was killed) and the
    Task objects.
  """
  out, err = out or sys.stdout, err or sys.stderr
  cluster = cluster_spec(num_ps, num_workers, host)
  lock = threading.Lock()
  tasks = []
  received = []

  def handle(signum, frame):  # pylint: disable=unused-argument
    received.append(signum)

  previous = {}
  if threading.current_thread() is threading.main_thread():
    previous = {s: signal.signal(s, handle)
                for s in (signal.SIGINT, signal.SIGTERM)}
  try:
    for job, count in (('ps', num_ps), ('worker', num_workers)):
      for i in range(count):
        tasks.append(Task(job, i, cluster, args, env, out, err, lock,
                          command))
    chief = tasks[num_ps]
    workers = tasks[num_ps:]
    ps_tasks = tasks[:num_ps]
    workers_done_at = None
    while True:
      if received:
        with lock:
          err.write('cifar10_cluster: %s: stopping every task\n'
                    % signal.Signals(received[0]).name)
        stop_all(tasks, grace_secs)
        break
      failed = [t for t in tasks if t.poll() not in (None, 0)]
      if failed:
        with lock:
          err.write('cifar10_cluster: %s exited with status %d: stopping '
                    'the others\n' % (failed[0].name, failed[0].poll()))
        stop_all(tasks, grace_secs)
        break
      if all(t.poll() is not None for t in workers):
        # The ps tasks exit by themselves once every worker has finished.
        workers_done_at = workers_done_at or time.time()
        if all(t.poll() is not None for t in ps_tasks):
          break
        if time.time() - workers_done_at > PS_EXIT_SECS:
          with lock:
            err.write('cifar10_cluster: the ps tasks did not exit %d s after '
                      'the workers: stopping them\n' % PS_EXIT_SECS)
          stop_all(ps_tasks, grace_secs)
          break
      time.sleep(0.1)
  except BaseException:
    stop_all(tasks, grace_secs, signal.SIGKILL)
    raise
  finally:
    for signum, handler in previous.items():
      signal.signal(signum, handler)
  for t in tasks:
    t.join_output()
  status = chief.poll()
  return (1 if status is None or status < 0 else status), tasks


def main(argv):
  status, _ = run_cluster(FLAGS.ps, FLAGS.workers, argv[1:], FLAGS.host,
                          FLAGS.grace_secs)
  sys.exit(status)


def run():
  """Entry point of `python -m cifar10.cifar10_cluster` and the console
  script."""
  app.run(main)


if __name__ == '__main__':
  run()
