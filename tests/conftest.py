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
"""Shared test set-up: graph mode, generated data and script runners.

Everything runs offline on data the package generates in the CIFAR-10 binary
format.
"""

import atexit
import contextlib
import fcntl
import http.server
import json
import locale
import os
import re
import subprocess
import sys
import tempfile
import threading

import pytest
import tensorflow.compat.v1 as tf

import zygote

# The tests build TF1 graphs, as the scripts do: the one place they say so.
tf.disable_v2_behavior()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.join(REPO, 'cifar10')

# The lines the scripts print: the tutorial's formats, to the character.
LOG_LINE = re.compile(
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}: step (\d+), loss = (\d+\.\d\d) '
    r'\((\d+\.\d) examples/sec; (\d+\.\d{3}) sec/batch\)$', re.M)
PRECISION_LINE = re.compile(
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}: precision @ 1 = (\d\.\d{3})$',
    re.M)

# Small generated sets keep the suite fast; the scripts cycle through them.
RECORDS_PER_FILE = 1000

# The model's trainable variables and their shapes: checkpoints carry exactly
# these names, the contract between the trainers, the evaluator and
# checkpoints users already have.
VARIABLE_SHAPES = {
    'conv1/weights': [5, 5, 3, 64], 'conv1/biases': [64],
    'conv2/weights': [5, 5, 64, 64], 'conv2/biases': [64],
    'local3/weights': [2304, 384], 'local3/biases': [384],
    'local4/weights': [384, 192], 'local4/biases': [192],
    'softmax_linear/weights': [192, 10], 'softmax_linear/biases': [10],
}


def script_env():
  """Environment for the scripts run by the tests."""
  env = dict(os.environ)
  env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
  env['PYTHONUNBUFFERED'] = '1'
  return env


# CIFAR10_TEST_ZYGOTE=0 starts every script as a real `python -m` process.
_USE_ZYGOTE = os.environ.get('CIFAR10_TEST_ZYGOTE', '1') != '0'
_ZYGOTE = []


def start_script(argv, stdout, stderr, cwd=None, env=None, preexec_fn=None):
  """Starts `python argv...` ('-m cifar10.x args' or '-c code args').

  With the tests' own environment the script is forked from a process that
  has imported TensorFlow already (tests/zygote.py); otherwise (another
  environment, a preexec_fn), or with CIFAR10_TEST_ZYGOTE=0, it is a real
  subprocess.

  Args:
    argv: list, ['-m', module, args...] or ['-c', code, args...].
    stdout, stderr: open files; stderr may be subprocess.STDOUT.
    cwd: str, the working directory (the repository by default).
    env: dict, the environment (script_env() by default).
    preexec_fn: callable run in the child before Python starts, or None.

  Returns:
    subprocess.Popen or zygote.ZygoteProcess.
  """
  argv = [str(a) for a in argv]
  cwd = cwd or REPO
  env = script_env() if env is None else env
  err = stdout if stderr is subprocess.STDOUT else stderr
  if _USE_ZYGOTE and preexec_fn is None and argv[0] in ('-m', '-c'):
    if not _ZYGOTE:
      _ZYGOTE.append(zygote.Zygote(script_env(), REPO))
      atexit.register(_ZYGOTE[0].stop)
    if _ZYGOTE[0].usable_for(env):
      with open(os.devnull) as null:
        return _ZYGOTE[0].spawn(argv, cwd, env, null.fileno(),
                                stdout.fileno(), err.fileno())
  return subprocess.Popen([sys.executable] + argv, cwd=cwd, env=env,
                          stdout=stdout, stderr=stderr, preexec_fn=preexec_fn)


def read_output(stream):
  """The text written to a binary file so far, as subprocess decodes it."""
  stream.seek(0)
  return stream.read().decode(locale.getpreferredencoding(False)).replace(
      '\r\n', '\n')


def run_module(module, *args, timeout=300, cwd=None, check=True, env=None):
  """Runs `python -m cifar10.<module> args...` and returns CompletedProcess.

  stdout and stderr are text; on failure (with check) both are shown. env:
  the environment (script_env() by default; another one is a real start).
  """
  cmd = [sys.executable, '-m', 'cifar10.' + module] + [str(a) for a in args]
  with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
    proc = start_script(cmd[1:], out, err, cwd=cwd, env=env)
    try:
      returncode = proc.wait(timeout)
    except subprocess.TimeoutExpired:
      proc.kill()
      proc.wait()
      raise subprocess.TimeoutExpired(cmd, timeout, read_output(out),
                                      read_output(err))
    proc = subprocess.CompletedProcess(cmd, returncode, read_output(out),
                                       read_output(err))
  if check and proc.returncode != 0:
    raise AssertionError('%s exited %d\n--- stdout\n%s\n--- stderr\n%s' % (
        ' '.join(cmd), proc.returncode, proc.stdout, proc.stderr[-5000:]))
  return proc


@contextlib.contextmanager
def local_http_server(handler):
  """Serves `handler` on 127.0.0.1 (a free port) from a thread.

  Yields:
    the ThreadingHTTPServer, with a `lock` for the handler's bookkeeping;
    shut down on exit.
  """
  httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
  httpd.daemon_threads = True
  httpd.lock = threading.Lock()
  thread = threading.Thread(target=httpd.serve_forever, args=(0.05,),
                            daemon=True)
  thread.start()
  try:
    yield httpd
  finally:
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@contextlib.contextmanager
def mounted(target, *options):
  """Mounts with `mount options... target` (root only), unmounting after.

  Yields:
    None once mounted, or why mounting was refused (one line).
  """
  os.makedirs(target, exist_ok=True)
  proc = subprocess.run(['mount'] + list(options) + [target],
                        capture_output=True, text=True)
  if proc.returncode:
    yield proc.stderr.strip() or 'mount failed'
    return
  try:
    yield None
  finally:
    if subprocess.run(['umount', target]).returncode:
      subprocess.run(['umount', '-l', target])


@pytest.fixture(scope='session')
def synthetic_data_dir(tmp_path_factory):
  """A --data_dir holding a generated 'cifar-10-batches-bin' (1000 records
  per file, seed 0)."""
  from cifar10 import cifar10_synthetic  # pylint: disable=g-import-not-at-top
  data_dir = str(tmp_path_factory.mktemp('cifar10_data'))
  cifar10_synthetic.write_data_set(data_dir, RECORDS_PER_FILE, seed=0)
  return data_dir


# The shared trained directory's batch: half the tutorial's 128 halves the
# time the other test worker may wait for it, and 300 such steps still reach
# about 0.98 precision @ 1 on the synthetic set.
TRAINED_DIR_BATCH = 64


def _train_300_steps(train_dir, data_dir):
  proc = run_module('cifar10_train', '--data_dir=' + data_dir,
                    '--train_dir=' + train_dir, '--max_steps=300',
                    '--batch_size=%d' % TRAINED_DIR_BATCH,
                    '--log_frequency=50', timeout=600)
  return {'train_dir': train_dir, 'data_dir': data_dir,
          'stdout': proc.stdout, 'stderr': proc.stderr}


@pytest.fixture(scope='session')
def trained_dir(tmp_path_factory, synthetic_data_dir):
  """A --train_dir after 300 steps of cifar10_train on the synthetic set
  (batch TRAINED_DIR_BATCH).

  Tests only read it (they copy it to train on). Under pytest-xdist the
  workers share one: the first to ask trains it, holding a lock on a file in
  the run's shared temporary directory, and the others wait for it and read
  the same one (a 300-step run on both cores, once instead of per worker).

  Returns:
    dict with 'train_dir', 'data_dir' and the trainer's 'stdout' and
    'stderr'.
  """
  if not os.environ.get('PYTEST_XDIST_WORKER'):
    return _train_300_steps(str(tmp_path_factory.mktemp('cifar10_train')),
                            synthetic_data_dir)
  shared = tmp_path_factory.getbasetemp().parent / 'cifar10_trained_dir'
  shared.mkdir(exist_ok=True)
  record = shared / 'trained.json'
  with open(str(shared / 'lock'), 'w') as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    if record.exists():
      return json.loads(record.read_text())
    train_dir = shared / 'train'
    if train_dir.exists():  # Left by a worker whose run failed: start afresh.
      train_dir.rename(shared / ('failed-%d' % os.getpid()))
    trained = _train_300_steps(str(train_dir), synthetic_data_dir)
    record.write_text(json.dumps(trained))
    return trained
