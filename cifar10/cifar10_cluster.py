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

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from absl import app
from absl import flags
import numpy as np

from cifar10 import cifar10_dirs

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


def _prctl():
  try:
    return ctypes.CDLL('libc.so.6', use_errno=True).prctl
  except (OSError, AttributeError):
    return None


# Looked up here, not in the forked child: loading a library between fork
# and exec, in a process with TensorFlow's threads, could deadlock.
_PRCTL = _prctl()


def _die_with_parent():
  # Linux: the task gets SIGTERM if this launcher dies, even by SIGKILL, so no
  # task outlives it.
  if _PRCTL is not None:
    pr_set_pdeathsig = 1
    _PRCTL(pr_set_pdeathsig, signal.SIGTERM)


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
    self.process = self._start(
        (command or [sys.executable, '-m', TRAINER]) + list(args),
        environment)
    self._threads = [
        threading.Thread(target=self._copy, args=(self.process.stdout,
                                                  out or sys.stdout),
                         daemon=True),
        threading.Thread(target=self._copy, args=(self.process.stderr,
                                                  err or sys.stderr),
                         daemon=True)]
    for t in self._threads:
      t.start()

  def _start(self, argv, env):
    """Starts the task's process.

    Args:
      argv: list of str, the command.
      env: dict, its environment.

    Returns:
      subprocess.Popen, with text pipes for stdout and stderr; in its own
      session (a Ctrl-C to the launcher's terminal reaches the launcher only,
      which stops the tasks in order), killed if the launcher dies.
    """
    return subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, bufsize=1,
        start_new_session=True, preexec_fn=_die_with_parent)

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
                out=None, err=None, env=None, command=None,
                pass_signal_on=False):
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
    pass_signal_on: after a SIGINT or SIGTERM has stopped the tasks, send
      it again to this process, to the handler that was there before: a
      caller running several clusters (cifar10_benchmark) stops too, rather
      than starting the next.

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
  if received and pass_signal_on:
    signal.raise_signal(received[0])
  status = chief.poll()
  return (1 if status is None or status < 0 else status), tasks


@contextlib.contextmanager
def veth_namespaces():
  """Two network namespaces joined by a veth pair, where the machine allows.

  The tasks in them talk over real addresses and a (virtual) link, not
  loopback, and the link counts the bytes they exchange.

  Yields:
    (prefix_a, prefix_b, address_a, address_b, counters): argv prefixes
    running a command in each namespace, their addresses, and a function
    returning the bytes sent plus received so far on side a. Without root or
    `ip netns`: empty prefixes, 127.0.0.1 and None.
  """
  tag = os.getpid() % 250 + 1
  names = ['c10a%d' % tag, 'c10b%d' % tag]
  veth = ['c10va%d' % tag, 'c10vb%d' % tag]
  subnet = '10.231.%d.' % tag

  def ip(*args):
    return subprocess.run(['ip'] + list(args), capture_output=True,
                          text=True, timeout=30, check=False)

  made = []
  try:
    try:
      usable = ip('netns', 'add', names[0]).returncode == 0
    except OSError:
      usable = False
    if not usable:
      yield [], [], '127.0.0.1', '127.0.0.1', None
      return
    made.append(names[0])
    steps = [('netns', 'add', names[1]),
             ('link', 'add', veth[0], 'type', 'veth', 'peer', 'name',
              veth[1]),
             ('link', 'set', veth[0], 'netns', names[0]),
             ('link', 'set', veth[1], 'netns', names[1])]
    for i, name in enumerate(names):
      steps += [('-n', name, 'addr', 'add', '%s%d/24' % (subnet, i + 1),
                 'dev', veth[i]),
                ('-n', name, 'link', 'set', veth[i], 'up'),
                ('-n', name, 'link', 'set', 'lo', 'up')]
    for step in steps:
      proc = ip(*step)
      if step[:2] == ('netns', 'add') and proc.returncode == 0:
        made.append(step[2])
      if proc.returncode:
        raise RuntimeError('ip %s: %s' % (' '.join(step),
                                          proc.stderr.strip()))

    def counters():
      proc = subprocess.run(
          ['ip', 'netns', 'exec', names[0], 'cat',
           '/sys/class/net/%s/statistics/rx_bytes' % veth[0],
           '/sys/class/net/%s/statistics/tx_bytes' % veth[0]],
          capture_output=True, text=True, timeout=30, check=True)
      return sum(int(v) for v in proc.stdout.split())

    yield (['ip', 'netns', 'exec', names[0]],
           ['ip', 'netns', 'exec', names[1]], subnet + '1', subnet + '2',
           counters)
  finally:
    for name in made:
      ip('netns', 'del', name)


def _rates(text, pattern):
  return [float(m.group(1)) for m in re.finditer(pattern, text, re.M)]


SINGLE_RATE = (r'^\S+ \S+: step \d+, loss = [\d.]+ \(([\d.]+) '
               r'examples/sec')
JOB_RATE = r'^\S+ \S+: job: step \d+, ([\d.]+) examples/sec in all'


def measure(data_dir, work_dir, steps=120, batch_size=128, rounds=2,
            log_frequency=20, out=sys.stdout):
  """Measures the distributed trainer against the single-device one.

  Configurations, run in turn `rounds` times (alternating, so that a noisy
  shared machine disturbs each about equally): cifar10_train; 1 ps + 1
  worker; 2 workers synchronous; 2 workers asynchronous. Each rate is the
  median over a run's log intervals but the first (start-up), in images
  per second of the whole job. Then, with the ps in its own network
  namespace where the machine allows, the bytes on its link per global step
  of 1 ps + 1 worker (TCP/IP included).

  Args:
    data_dir: --data_dir of the runs.
    work_dir: where the runs' train dirs go (made fresh per run).
    steps: --max_steps of each run.
    batch_size: --batch_size (per worker).
    rounds: times each configuration runs.
    log_frequency: --log_frequency.
    out: where to print progress and results.

  Returns:
    dict: 'rates' {config: [images/s per round]}, and 'bytes_per_step'
    (None without network namespaces).
  """
  common = ['--data_dir=' + data_dir, '--batch_size=%d' % batch_size,
            '--max_steps=%d' % steps, '--log_frequency=%d' % log_frequency]
  configs = [('single', None, None, []), ('1ps+1worker', 1, 1, []),
             ('2 workers sync', 1, 2, []),
             ('2 workers async', 1, 2, ['--nosync_replicas'])]
  rates = {name: [] for name, _, _, _ in configs}
  for r in range(rounds):
    for name, num_ps, num_workers, more in configs:
      train_dir = os.path.join(work_dir, 'measure-%d-%s' % (
          r, re.sub(r'\W+', '_', name)))
      args = common + more + ['--train_dir=' + train_dir]
      if num_ps is None:
        proc = subprocess.run(
            [sys.executable, '-m', 'cifar10.cifar10_train'] + args,
            capture_output=True, text=True, timeout=3600, check=False)
        values = _rates(proc.stdout, SINGLE_RATE)
      else:
        sink = _Sink()
        status, tasks = run_cluster(num_ps, num_workers, args, out=sink,
                                    err=_Sink(), pass_signal_on=True)
        values = _rates(''.join(tasks[num_ps].output), JOB_RATE)
      rate = float(np.median(values[1:])) if len(values) > 1 else None
      rates[name].append(rate)
      out.write('round %d, %s: %s images/s\n' % (
          r + 1, name, 'n/a' if rate is None else '%.1f' % rate))
      out.flush()

  bytes_per_step = None
  with veth_namespaces() as (ps_prefix, worker_prefix, ps_host, worker_host,
                             counters):
    if counters is not None:
      cluster = {'ps': ['%s:2222' % ps_host],
                 'worker': ['%s:2222' % worker_host]}
      args = common + ['--train_dir=' + os.path.join(work_dir,
                                                     'measure-bytes')]
      trainer = [sys.executable, '-m', TRAINER]
      tasks = [Task('ps', 0, cluster, args, out=_Sink(), err=_Sink(),
                    command=ps_prefix + trainer),
               Task('worker', 0, cluster, args, out=_Sink(), err=_Sink(),
                    command=worker_prefix + trainer)]
      try:
        first = _wait_for_step(tasks[1], 2 * log_frequency)
        before = counters()
        last = _wait_for_step(tasks[1], steps - log_frequency)
        bytes_per_step = (counters() - before) / float(last - first)
      finally:
        stop_all(tasks, 30)
      out.write('1 ps + 1 worker: %.0f bytes on the ps link per step\n'
                % bytes_per_step)
  return {'rates': rates, 'bytes_per_step': bytes_per_step}


class _Sink(object):

  def write(self, text):
    pass

  def flush(self):
    pass


def _wait_for_step(task, step, timeout=600):
  """The first global step >= `step` the task logs (from its JOB_RATE line
  or log line), waiting for it."""
  deadline = time.time() + timeout
  while time.time() < deadline:
    for line in list(task.output):
      m = re.search(r': (?:job: )?step (\d+),', line)
      if m and int(m.group(1)) >= step:
        return int(m.group(1))
    if task.poll() is not None:
      break
    time.sleep(0.05)
  raise RuntimeError('%s did not reach step %d' % (task.name, step))


def main(argv):
  status, _ = run_cluster(FLAGS.ps, FLAGS.workers, argv[1:], FLAGS.host,
                          FLAGS.grace_secs)
  sys.exit(status)


def run():
  """Entry point of `python -m cifar10.cifar10_cluster` and the console
  script."""
  # --help lists the flags of the module named like sys.argv[0]: a console
  # script's is only a wrapper.
  for flag in FLAGS.flags_by_module_dict().get(__name__, []):
    FLAGS.register_key_flag_for_module(sys.argv[0], flag)
  cifar10_dirs.imports_done()
  app.run(main)


if __name__ == '__main__':
  run()
