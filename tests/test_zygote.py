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
"""The tests' forked script starts (tests/zygote.py) are real starts: the
same interpreter state, the same output, exit status and signals."""

import json
import re
import signal
import subprocess
import tempfile
import time

import pytest

import conftest
from conftest import REPO, run_module, start_script

# What the script sees of its interpreter and process.
PROBE = r'''
import gc, json, os, signal, sys, threading
print(json.dumps({
    'argv': sys.argv, 'orig_argv': sys.orig_argv, 'path': sys.path,
    'cwd': os.getcwd(), 'environ': dict(os.environ),
    'fds': sorted(os.listdir('/proc/self/fd')),
    'handlers': [str(signal.getsignal(s)) for s in (
        signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD,
        signal.SIGXFSZ)],
    'blocked': sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])),
    'gc': gc.isenabled(), 'threads': threading.active_count(),
    'main': sorted(vars(sys.modules['__main__'])), 'name': __name__}))
'''


@pytest.fixture()
def both_ways(monkeypatch):
  """Calls f() with scripts forked by the zygote, then started for real."""
  def call(f):
    results = []
    for forked in (True, False):
      monkeypatch.setattr(conftest, '_USE_ZYGOTE', forked)
      results.append(f())
    return results
  return call


def _probe(cwd):
  with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
    proc = start_script(['-c', PROBE, 'an argument'], out, err, cwd=cwd)
    assert proc.wait(120) == 0, conftest.read_output(err)
    return type(proc).__name__, json.loads(conftest.read_output(out))


@pytest.mark.parametrize('cwd', [REPO, '/tmp'])
def test_a_forked_start_sees_the_interpreter_of_a_real_start(both_ways, cwd):
  (forked_kind, forked), (real_kind, real) = both_ways(lambda: _probe(cwd))
  assert (forked_kind, real_kind) == ('ZygoteProcess', 'Popen')
  for key in real:
    if key != 'environ':
      assert forked[key] == real[key], key
  forked['environ'].pop('PYTEST_CURRENT_TEST', None)
  real['environ'].pop('PYTEST_CURRENT_TEST', None)
  assert forked['environ'] == real['environ']


def _c_logged(text):
  """TensorFlow's C++ log lines without their time and thread id."""
  return re.sub(r'^([IWEF])\d{4} \d\d:\d\d:[\d.]+ +\d+ ', r'\1 ', text,
                flags=re.M)


@pytest.mark.parametrize('args', [
    ['--helpshort'], ['--batch_size=0'],
    ['--data_dir=/nonexistent/cifar10_data', '--max_steps=1']])
def test_a_forked_start_prints_what_a_real_start_prints(both_ways, args):
  forked, real = both_ways(
      lambda: run_module('cifar10_train', *args, check=False))
  assert forked.returncode == real.returncode == 1
  assert forked.stdout == real.stdout
  # A real start also prints what importing TensorFlow prints, which the
  # zygote printed once to its own log.
  with open(conftest._ZYGOTE[0].log) as f:
    imported = f.read()
  assert _c_logged(real.stderr) == _c_logged(imported + forked.stderr)


def test_signals_and_exit_statuses_are_those_of_the_script():
  with tempfile.TemporaryFile() as out:
    sleeper = start_script(['-c', 'import time; time.sleep(60)'], out,
                           subprocess.STDOUT)
    assert sleeper.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
      sleeper.wait(0.2)
    sleeper.send_signal(signal.SIGKILL)
    assert sleeper.wait(30) == -signal.SIGKILL
    sleeper.kill()  # Already reaped: a no-op, as with Popen.
  with tempfile.TemporaryFile() as out:
    interrupted = start_script(
        ['-c', 'import time; print("up", flush=True); time.sleep(60)'],
        out, subprocess.STDOUT)
    deadline = time.time() + 60
    while 'up' not in conftest.read_output(out):
      assert time.time() < deadline
      time.sleep(0.05)
    interrupted.send_signal(signal.SIGINT)
    # Python's own ending on an uncaught KeyboardInterrupt: -SIGINT.
    assert interrupted.wait(30) == -signal.SIGINT
    assert 'KeyboardInterrupt' in conftest.read_output(out)
    exits = start_script(['-c', 'import sys; sys.exit(3)'], out,
                         subprocess.STDOUT)
    assert exits.wait(30) == 3


def test_only_variables_read_after_the_import_may_differ_from_the_zygote():
  """A distributed task's TF_CONFIG (read when the trainer starts) is
  forked; any other difference, such as a TF_ variable TensorFlow reads at
  its import, is a real start."""
  import zygote  # pylint: disable=g-import-not-at-top
  own = {'PATH': '/usr/bin', 'PYTHONUNBUFFERED': '1'}
  z = zygote.Zygote(own, REPO)  # Not started: nothing is forked here.
  assert z.usable_for(dict(own, TF_CONFIG='{"cluster": {}}',
                           PYTEST_CURRENT_TEST='a test'))
  assert not z.usable_for(dict(own, TF_CPP_MIN_LOG_LEVEL='3'))
  assert not z.usable_for(dict(own, PATH='/bin'))
  assert not z.usable_for({'PATH': '/usr/bin'})
