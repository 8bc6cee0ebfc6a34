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

"""Timing on a shared machine, for cifar10_benchmark.

Windows of steps timed in turn, and how much CPU this process and the other
processes took meanwhile (from getrusage and /proc/stat): a window where
others took more than DISTURBED_CORES is marked, and can be waited for and
timed again. Also what the report records of the machine: its CPU model and
this process's peak memory; and how a run stops on SIGTERM or SIGHUP (as on
Ctrl-C: its child processes and temporary directories go with it).
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import collections
import contextlib
import os
import re
import resource
import signal
import sys
import time

import numpy as np
import tensorflow.compat.v1 as tf

DISTURBED_CORES = 0.1  # Other processes' cores that mark a window.
RESETTLE_STEPS = 3     # Untimed steps before a window: the queues refill.


def _own_cpu_seconds():
  """CPU seconds of this process and of the children it has waited for (the
  trainer and Keras children are the benchmark's own work, not others')."""
  return sum(usage.ru_utime + usage.ru_stime for usage in (
      resource.getrusage(resource.RUSAGE_SELF),
      resource.getrusage(resource.RUSAGE_CHILDREN)))


def _machine_busy_seconds():
  """CPU seconds all processes have used (/proc/stat), or None."""
  try:
    with open('/proc/stat') as f:
      fields = f.readline().split()
  except (IOError, OSError):
    return None
  ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait ...
  busy = sum(ticks) - ticks[3] - ticks[4]
  return busy / float(os.sysconf('SC_CLK_TCK'))


class CpuMeter(object):
  """Wall time, this process's cores and other processes' cores."""

  def __init__(self):
    self._start = (time.perf_counter(), _own_cpu_seconds(),
                   _machine_busy_seconds())

  def read(self):
    wall = max(time.perf_counter() - self._start[0], 1e-9)
    own = _own_cpu_seconds() - self._start[1]
    busy, other = _machine_busy_seconds(), None
    if busy is not None and self._start[2] is not None:
      other = max(0.0, (busy - self._start[2] - own) / wall)
    return {'wall_s': wall, 'own_cores': own / wall, 'other_cores': other}


def cpu_model():
  """The CPU's model name from /proc/cpuinfo, else the machine type."""
  try:
    with open('/proc/cpuinfo') as f:
      return re.search(r'model name\s*:\s*(.*)', f.read()).group(1).strip()
  except (IOError, OSError, AttributeError):
    return os.uname().machine


def peak_rss_mib():
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def wait_for_quiet(max_secs):
  """Waits up to max_secs until others use under DISTURBED_CORES."""
  start = time.perf_counter()
  while time.perf_counter() - start < max_secs:
    meter = CpuMeter()
    time.sleep(1.0)
    other = meter.read()['other_cores']
    if other is None or other < DISTURBED_CORES:
      break
  return time.perf_counter() - start


def _median(values):
  return float(np.median(values)) if values else None


def time_interleaved(steppers, steps, warmup_steps, repeats, wait):
  """Times steps in alternating windows, so that drift hits all alike.

  Args:
    steppers: OrderedDict name -> (function running one step, images/step).
    steps: timed steps per window.
    warmup_steps: untimed steps first.
    repeats: windows per stepper.
    wait: before each window wait up to this many seconds for others to
      leave the cores, and time windows they disturbed again (up to 3x).

  Returns:
    OrderedDict name -> dict: images_per_sec (median of the windows, the
    undisturbed ones when waiting), windows, own_cores
    (this process, median), other_cores, disturbed, first_step_s.
  """
  windows = collections.OrderedDict((name, []) for name in steppers)
  first = {}
  for name, (run_step, _) in steppers.items():
    start = time.perf_counter()
    for _ in range(warmup_steps):
      run_step()
      first.setdefault(name, time.perf_counter() - start)

  def clean(name):
    return [w for w in windows[name] if (w[2] or 0) <= DISTURBED_CORES]

  def done(name):
    if not wait:
      return len(windows[name]) >= repeats
    return len(clean(name)) >= repeats or len(windows[name]) >= 3 * repeats

  while not all(done(name) for name in steppers):
    for name, (run_step, images) in steppers.items():
      if done(name):
        continue
      settle = RESETTLE_STEPS if wait and wait_for_quiet(wait) else 0
      for _ in range(settle if len(steppers) == 1 else RESETTLE_STEPS):
        run_step()
      meter = CpuMeter()
      for _ in range(steps):
        run_step()
      load = meter.read()
      windows[name].append((images * steps / load['wall_s'],
                            load['own_cores'], load['other_cores']))
  out = collections.OrderedDict()
  for name in steppers:
    used = (clean(name) if wait else []) or windows[name]
    other = [w[2] for w in used if w[2] is not None]
    out[name] = {'images_per_sec': _median([w[0] for w in used]),
                 'windows': [w[0] for w in used],
                 'own_cores': _median([w[1] for w in used]),
                 'other_cores': _median(other),
                 'disturbed': bool(other) and max(other) > DISTURBED_CORES,
                 'first_step_s': first[name]}
  return out


class Stopped(BaseException):
  """SIGTERM or SIGHUP arrived: unwinds the run, as KeyboardInterrupt does.

  A BaseException, so that no `except Exception` on the way stops it; every
  `finally` removes its temporary directory, and subprocess.run kills the
  child it waits for.
  """

  def __init__(self, signum):
    super(Stopped, self).__init__(signum)
    self.signum = signum


@contextlib.contextmanager
def stop_on_signals(prog, signals=(signal.SIGTERM, signal.SIGHUP)):
  """Within it, `signals` end the run cleanly, in one line on stderr.

  Their default action ends the process at once: the trainer or Keras child
  it waits for trained on for up to half an hour, and the temporary
  directories (the synthetic set, the children's --train_dir) stayed. Here
  they unwind the run instead (a second one is ignored, so that the cleanup
  finishes), and the process exits with status 128 + the signal's number.

  Args:
    prog: the script's name, for the line.
    signals: the signals to handle.

  Yields:
    None.
  """
  def stop(signum, frame):  # pylint: disable=unused-argument
    for s in signals:
      signal.signal(s, signal.SIG_IGN)
    raise Stopped(signum)

  previous = {s: signal.signal(s, stop) for s in signals}
  try:
    yield
  except Stopped as e:
    name = signal.Signals(e.signum).name
    sys.stderr.write('%s: stopped by %s; its child processes and temporary '
                     'files are gone, nothing was written.\n' % (prog, name))
    sys.exit(128 + e.signum)
  finally:
    for s, handler in previous.items():
      signal.signal(s, handler)


class Sessions(object):
  """Sessions on several graphs with their queue runners; closes them all."""

  def __init__(self, config):
    self._config, self._open = config, []

  def open(self, graph):
    sess = tf.Session(graph=graph, config=self._config)
    with graph.as_default():
      sess.run([tf.global_variables_initializer(),
                tf.local_variables_initializer()])
      coord = tf.train.Coordinator()
      # A batch held in memory has none (TensorFlow warns of that).
      threads = tf.train.start_queue_runners(sess, coord=coord) if (
          tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)) else []
    self._open.append((sess, coord, threads))
    return sess

  def __enter__(self):
    return self

  def __exit__(self, *unused):
    for sess, coord, threads in reversed(self._open):
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10, ignore_live_threads=True)
      sess.close()
    return False
