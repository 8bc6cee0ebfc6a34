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
"""Starts the package's scripts for the tests without importing TensorFlow
each time.

Importing TensorFlow takes about 4 CPU-seconds, and the suite starts a
script more than a hundred times: a third of its time. A "zygote" process
imports TensorFlow once, exactly as a script's start does (the package's
environment defaults first), and then forks: each child sets up what
`python -m cifar10.<script> args...` would (argv, sys.orig_argv, sys.path,
the environment, the working directory, standard streams), imports the
package afresh and runs the script as __main__. Everything after the import
of TensorFlow is the script's own code in its own process: its exit status,
signals (kill -9, SIGINT, SIGTERM, SIGSTOP), output, locks and files are
those of a script started by hand. Uncaught exceptions, SystemExit and the
interpreter's shutdown are handled by the interpreter itself, as in a real
start.

Only requests whose environment is the zygote's own are forked (but for
variables nothing reads at import: RUN_TIME_VARIABLES); any other (a test
that sets TF_ variables, a file-size limit, ...) runs as a real subprocess,
so what is read at import time always comes from a real start.
tests/test_zygote.py checks that both ways print the same lines.

The zygote is the children's parent: it reaps them and sends each exit
status over the connection the request came on. ZygoteProcess offers the
part of subprocess.Popen the tests use.
"""

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def serve(listen_fd):
  """The zygote's main loop (runs in the zygote process; never returns in
  the zygote, returns the request in each forked child).

  Args:
    listen_fd: int, a listening Unix socket.
  """
  parent = os.getppid()
  listener = socket.socket(fileno=listen_fd)
  # sys.path is '' (-c) or the working directory (-m), then PYTHONPATH's
  # entries (an empty one is the working directory at start), then the
  # installation's.
  python_path = os.environ.get('PYTHONPATH', '')
  python_path = python_path.split(os.pathsep) if python_path else []
  from_python_path = {os.path.abspath(p or os.getcwd()) for p in python_path}
  base_path = (python_path, [p for p in sys.path[1:]
                             if os.path.abspath(p) not in from_python_path])
  # What a script's start does before it imports TensorFlow: the package's
  # environment defaults (cifar10/__init__.py). The package itself is imported
  # again by each child, under the child's argv.
  import cifar10  # pylint: disable=g-import-not-at-top,unused-import
  import tensorflow.compat.v1  # pylint: disable=g-import-not-at-top,unused-import
  for name in [m for m in sys.modules if m == 'cifar10' or
               m.startswith('cifar10.')]:
    del sys.modules[name]

  wake_r, wake_w = os.pipe()
  os.set_blocking(wake_w, False)
  signal.set_wakeup_fd(wake_w)
  signal.signal(signal.SIGCHLD, lambda *_: None)
  waiting = {}  # pid -> the connection to report its exit status on
  while True:
    try:
      ready, _, _ = select.select([listener, wake_r], [], [], 1.0)
    except InterruptedError:
      continue
    if os.getppid() != parent:  # The tests' process has ended.
      os._exit(0)  # pylint: disable=protected-access
    if wake_r in ready:
      os.read(wake_r, 4096)
      while True:
        try:
          pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
          break
        if not pid:
          break
        conn = waiting.pop(pid, None)
        if conn is not None:
          try:
            conn.sendall(b'%d\n' % status)
          except OSError:
            pass
          conn.close()
    if listener in ready:
      conn, _ = listener.accept()
      try:
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        request = json.loads(message.decode('utf-8'))
      except (OSError, ValueError):
        conn.close()
        continue
      pid = os.fork()
      if pid == 0:
        # The child: drop the zygote's machinery, become the script.
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in [listener.fileno(), wake_r, wake_w, conn.fileno()] + [
            c.fileno() for c in waiting.values()]:
          os.close(fd)
        _become(request, fds, base_path)
        return request
      for fd in fds:
        os.close(fd)
      conn.sendall(b'%d\n' % pid)
      waiting[pid] = conn


def _become(request, fds, base_path):
  """Sets up the child as `python -m module args` (or `python -c code`)."""
  for target, fd in enumerate(fds):
    os.dup2(fd, target)
    os.close(fd)
  os.chdir(request['cwd'])
  os.environ.clear()
  os.environ.update(request['env'])
  python_path, installed = base_path
  path = []
  for entry in [p or os.getcwd() for p in python_path] + installed:
    if os.path.abspath(entry) not in map(os.path.abspath, path):
      path.append(entry)  # Duplicates go, as site.py removes them.
  flag = '-m' if request['kind'] == 'module' else '-c'
  sys.orig_argv = [sys.executable, flag, request['target']] + request['args']
  sys.argv = [flag] + request['args']
  sys.path[:] = [os.getcwd() if flag == '-m' else ''] + path
  import random  # pylint: disable=g-import-not-at-top
  import numpy  # pylint: disable=g-import-not-at-top
  random.seed()  # Each process of its own, as after a real start.
  numpy.random.seed()


def run_request(request):
  """In a forked child: runs the script in __main__, as the interpreter
  does for -m or -c. Exceptions propagate to the interpreter."""
  import runpy  # pylint: disable=g-import-not-at-top
  main = vars(sys.modules['__main__'])
  for name in [n for n in main if n not in ('__builtins__', '__loader__')]:
    del main[name]
  main.update(__name__='__main__', __doc__=None, __package__=None,
              __spec__=None, __annotations__={})
  if request['kind'] == 'module':
    runpy._run_module_as_main(request['target'])  # pylint: disable=protected-access
  else:
    exec(compile(request['target'], '<string>', 'exec'), main)  # pylint: disable=exec-used


# The zygote's -c program: this file is loaded by path, so that sys.path is
# that of a real start.
ZYGOTE_MAIN = '''
import importlib.util, sys
spec = importlib.util.spec_from_file_location('cifar10_test_zygote', %r)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
module.run_request(module.serve(int(sys.argv[1])))
'''


class ZygoteProcess(object):
  """A script forked by the zygote: the subprocess.Popen calls the tests use.

  The zygote reaps it and sends its wait status on `conn`.
  """

  def __init__(self, conn, pid, args):
    self._conn = conn
    self.pid = pid
    self.args = args
    self.returncode = None
    self._buffer = b''

  def _read_status(self, timeout):
    deadline = None if timeout is None else time.monotonic() + timeout
    while b'\n' not in self._buffer:
      left = None if deadline is None else max(0, deadline - time.monotonic())
      ready, _, _ = select.select([self._conn], [], [], left)
      if not ready:
        return False
      data = self._conn.recv(64)
      if not data:
        raise OSError('the test zygote exited while %s ran' % (self.args,))
      self._buffer += data
    self.returncode = os.waitstatus_to_exitcode(int(self._buffer))
    self._conn.close()
    return True

  def poll(self):
    if self.returncode is None:
      self._read_status(0)
    return self.returncode

  def wait(self, timeout=None):
    if self.returncode is None and not self._read_status(timeout):
      raise subprocess.TimeoutExpired(self.args, timeout)
    return self.returncode

  def send_signal(self, sig):
    if self.poll() is None:
      os.kill(self.pid, sig)

  def terminate(self):
    self.send_signal(signal.SIGTERM)

  def kill(self):
    self.send_signal(signal.SIGKILL)


# Variables no import reads: a request may differ from the zygote in them.
RUN_TIME_VARIABLES = ('PYTEST_CURRENT_TEST', 'TF_CONFIG')


class Zygote(object):
  """Starts scripts by forking one process that imported TensorFlow.

  Args:
    env: dict, the environment of the zygote; requests with another
      environment run as real subprocesses.
    cwd: str, the zygote's working directory.
  """

  def __init__(self, env, cwd):
    self._env = dict(env)
    self._cwd = cwd
    self._lock = threading.Lock()
    self._proc = None
    self._directory = None
    self._path = None

  def _start(self):
    directory = tempfile.mkdtemp(prefix='cifar10-zygote-')
    self._path = os.path.join(directory, 'socket')
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(self._path)
    listener.listen(64)
    self._directory = directory
    self.log = os.path.join(directory, 'zygote.err')
    with open(self.log, 'w') as err:
      self._proc = subprocess.Popen(
          [sys.executable, '-c',
           ZYGOTE_MAIN % os.path.abspath(__file__),
           str(listener.fileno())],
          env=self._env, cwd=self._cwd, stdin=subprocess.DEVNULL,
          stdout=subprocess.DEVNULL, stderr=err, pass_fds=[listener.fileno()])
    listener.close()  # Connections queue until the zygote has imported.

  def usable_for(self, env):
    """Whether `env` is the zygote's, but for variables read only after the
    import: pytest's per-test one and a distributed task's TF_CONFIG (which
    the package reads when the trainer starts)."""
    def settled(e):
      return {k: v for k, v in e.items() if k not in RUN_TIME_VARIABLES}
    return settled(env) == settled(self._env)

  def spawn(self, argv, cwd, env, stdin, stdout, stderr):
    """Forks `python argv...`.

    Args:
      argv: list of str, ['-m', module, args...] or ['-c', code, args...].
      cwd: str, the child's working directory.
      env: dict, the child's environment (one usable_for accepts).
      stdin, stdout, stderr: file descriptors (int) for the child.

    Returns:
      ZygoteProcess.
    """
    with self._lock:
      if self._proc is None or self._proc.poll() is not None:
        if self._proc is not None:
          with open(self.log) as f:
            raise OSError('the test zygote exited %d: %s' % (
                self._proc.returncode, f.read()[-3000:]))
        self._start()
    request = {'kind': 'module' if argv[0] == '-m' else 'code',
               'target': argv[1], 'args': argv[2:], 'env': env, 'cwd': cwd}
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(self._path)
    socket.send_fds(conn, [json.dumps(request).encode('utf-8')],
                    [stdin, stdout, stderr])
    line = b''
    while not line.endswith(b'\n'):
      data = conn.recv(64)
      if not data:
        conn.close()
        raise OSError('the test zygote did not start %s' % argv[1])
      line += data
    return ZygoteProcess(conn, int(line), [sys.executable] + argv)

  def stop(self):
    if self._proc is not None and self._proc.poll() is None:
      self._proc.kill()
      self._proc.wait()
    if self._directory:
      shutil.rmtree(self._directory, ignore_errors=True)
