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

"""Which cluster a distributed task belongs to, and which task it is.

A task of cifar10_distributed_train.py learns the cluster either from
TensorFlow 1's flags (--job_name, --task_index, --ps_hosts, --worker_hosts)
or from the TF_CONFIG environment variable of tf.distribute, in which a
"chief" job is worker 0. Both are read into the same form, checked, and
compared when both are given; every mistake is one line naming what to fix.

Summary of available functions:

 # ({'ps': [host:port, ...], 'worker': [...]}, 'ps' or 'worker', index)
 cluster, job_name, task_index = resolve_cluster(
     FLAGS.job_name, FLAGS.task_index, FLAGS.ps_hosts, FLAGS.worker_hosts,
     os.environ.get(TF_CONFIG))

 # The tasks whose address does not accept a connection.
 lost = unreachable(cluster)
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import os
import re
import socket

if __package__:
  from cifar10 import cifar10_dirs
else:
  import cifar10_dirs
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_string('job_name', '',
                           """'ps' or 'worker' (or set TF_CONFIG).""")
tf.app.flags.DEFINE_integer('task_index', 0,
                            """Index of this task within its job; worker 0 """
                            """is the chief.""", lower_bound=0)
tf.app.flags.DEFINE_string('ps_hosts', '',
                           """Comma-separated host:port of the ps tasks.""")
tf.app.flags.DEFINE_string('worker_hosts', '',
                           """Comma-separated host:port of the workers.""")

# Environment variable of the tf.distribute convention.
TF_CONFIG = 'TF_CONFIG'


class ClusterError(cifar10_dirs.UserError, ValueError):
  """The cluster is not named, or named inconsistently."""


def _hosts(value, flag):
  hosts = [h.strip() for h in value.split(',') if h.strip()]
  for host in hosts:
    name, _, port = host.rpartition(':')
    if not name or not re.fullmatch('[0-9]+', port) or not (
        0 < int(port) < 65536):
      raise ClusterError('%s: %r is not host:port.' % (flag, host))
  return hosts


def cluster_from_flags(job_name, task_index, ps_hosts, worker_hosts):
  """The cluster named by TensorFlow 1's flags.

  Args:
    job_name: str, 'ps' or 'worker'.
    task_index: int, this task's index in its job.
    ps_hosts: str, comma-separated host:port of the ps tasks.
    worker_hosts: str, comma-separated host:port of the workers.

  Returns:
    (cluster, job_name, task_index): cluster a dict {'ps': [host:port, ...],
    'worker': [...]}.

  Raises:
    ClusterError: naming the flag to fix.
  """
  if job_name not in ('ps', 'worker'):
    raise ClusterError("--job_name=%r: pass --job_name=ps or "
                       "--job_name=worker." % job_name)
  cluster = {'ps': _hosts(ps_hosts, '--ps_hosts'),
             'worker': _hosts(worker_hosts, '--worker_hosts')}
  return _checked(cluster, job_name, task_index, '--')


def cluster_from_tf_config(tf_config):
  """The cluster named by a TF_CONFIG value, read by TensorFlow's resolver.

  A 'chief' job, as tf.distribute and the Kubernetes operators write it, is
  worker 0: its task is ('worker', 0) and the workers' indices move up by one.

  Args:
    tf_config: str, the JSON value of TF_CONFIG.

  Returns:
    (cluster, job_name, task_index) as cluster_from_flags.

  Raises:
    ClusterError: naming what to fix in TF_CONFIG.
  """
  try:
    parsed = json.loads(tf_config)
  except ValueError as e:
    raise ClusterError('TF_CONFIG is not JSON (%s).' % e)
  if not isinstance(parsed, dict) or not isinstance(
      parsed.get('cluster'), dict) or not isinstance(parsed.get('task'), dict):
    raise ClusterError('TF_CONFIG needs a "cluster" and a "task" object: '
                       '{"cluster": {"ps": [...], "worker": [...]}, "task": '
                       '{"type": "worker", "index": 0}}.')
  index = parsed['task'].get('index', 0)
  if isinstance(index, bool) or not isinstance(index, int) or index < 0:
    raise ClusterError('TF_CONFIG: "task": {"index": %s} is not a task '
                       'number: give 0, 1, ...' % json.dumps(index))
  # TensorFlow's own reading of the variable (it parses the environment).
  saved = os.environ.get(TF_CONFIG)
  os.environ[TF_CONFIG] = tf_config
  try:
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    spec = resolver.cluster_spec().as_dict()
    task_type, task_id = resolver.task_type, resolver.task_id
  except (ValueError, TypeError, KeyError) as e:
    raise ClusterError('TF_CONFIG: %s' % e)
  finally:
    if saved is None:
      del os.environ[TF_CONFIG]
    else:
      os.environ[TF_CONFIG] = saved
  unknown = sorted(set(spec) - {'ps', 'worker', 'chief'})
  if unknown:
    raise ClusterError('TF_CONFIG: jobs %s are not used by this trainer; '
                       'name only "ps", "worker" and "chief".' % unknown)

  def listed(job):
    hosts = spec.get(job, [])
    # ClusterSpec.as_dict() gives a dict for sparse task indices.
    if isinstance(hosts, dict):
      hosts = [hosts[i] for i in sorted(hosts)]
    return list(hosts)

  chief = listed('chief')
  if len(chief) > 1:
    raise ClusterError('TF_CONFIG: a "chief" job has one task, not %d.'
                       % len(chief))
  cluster = {'ps': _hosts(','.join(listed('ps')), 'TF_CONFIG "ps"'),
             'worker': _hosts(','.join(chief + listed('worker')),
                              'TF_CONFIG "worker"')}
  if task_type == 'chief':
    task_type, task_id = 'worker', int(task_id or 0)
    if task_id != 0:
      raise ClusterError('TF_CONFIG: the chief task has index 0, not %d.'
                         % task_id)
  elif task_type == 'worker':
    task_id = int(task_id or 0) + len(chief)
  elif task_type != 'ps':
    raise ClusterError('TF_CONFIG: task type %r: use "ps", "worker" or '
                       '"chief".' % task_type)
  return _checked(cluster, task_type, int(task_id or 0), 'TF_CONFIG ')


def _checked(cluster, job_name, task_index, where):
  prefix = '--' if where == '--' else 'TF_CONFIG: '
  for job in ('ps', 'worker'):
    if not cluster[job]:
      raise ClusterError(
          '%s: no %s task; name at least one.' % (
              ('--%s_hosts' % job) if where == '--' else 'TF_CONFIG', job))
  if task_index >= len(cluster[job_name]):
    raise ClusterError('%stask index %d of job %s is out of range: it has %d '
                       'task%s (0 to %d).' % (
                           prefix if where != '--' else '--task_index: ',
                           task_index, job_name, len(cluster[job_name]),
                           '' if len(cluster[job_name]) == 1 else 's',
                           len(cluster[job_name]) - 1))
  all_hosts = cluster['ps'] + cluster['worker']
  if len(set(all_hosts)) != len(all_hosts):
    raise ClusterError('%s: two tasks share an address: %s.' % (
        'TF_CONFIG' if where != '--' else '--ps_hosts/--worker_hosts',
        ', '.join(sorted({h for h in all_hosts if all_hosts.count(h) > 1}))))
  return cluster, job_name, task_index


def resolve_cluster(job_name, task_index, ps_hosts, worker_hosts, tf_config,
                    task_index_given=False):
  """This task's cluster, from the flags or TF_CONFIG (equal if both given).

  Args:
    job_name, task_index, ps_hosts, worker_hosts: the flags' values ('' when
      not given).
    tf_config: str, the TF_CONFIG variable, or None/'' when unset.
    task_index_given: whether --task_index was on the command line: alone
      beside TF_CONFIG it must name TF_CONFIG's task.

  Returns:
    (cluster, job_name, task_index) as cluster_from_flags.

  Raises:
    ClusterError: neither given, either malformed, or both given and
      different.
  """
  flags_given = bool(job_name or ps_hosts or worker_hosts)
  if not flags_given and not tf_config:
    raise ClusterError('no cluster: pass --job_name, --task_index, --ps_hosts '
                       'and --worker_hosts, or set TF_CONFIG (see --help).')
  if not flags_given:
    from_env = cluster_from_tf_config(tf_config)
    if task_index_given and from_env[2] != task_index:
      raise ClusterError(
          '--task_index=%d, but TF_CONFIG names %s: give one of them.'
          % (task_index, _describe(*from_env)))
    return from_env
  from_flags = cluster_from_flags(job_name, task_index, ps_hosts,
                                  worker_hosts)
  if tf_config:
    from_env = cluster_from_tf_config(tf_config)
    if from_env != from_flags:
      raise ClusterError(
          'the flags and TF_CONFIG name different clusters or tasks (flags: '
          '%s; TF_CONFIG: %s): give one of them.' % (
              _describe(*from_flags), _describe(*from_env)))
  return from_flags


def _describe(cluster, job_name, task_index):
  return '%s %d of ps=%s worker=%s' % (job_name, task_index,
                                       ','.join(cluster['ps']),
                                       ','.join(cluster['worker']))


def task_name(job_name, task_index):
  """'ps 0', 'worker 1 (chief)': how the messages name a task."""
  return '%s %d%s' % (job_name, task_index,
                      ' (chief)' if (job_name, task_index) == ('worker', 0)
                      else '')


def unreachable(cluster, timeout=2.0):
  """The tasks whose address does not accept a connection.

  Args:
    cluster: dict {'ps': [host:port], 'worker': [...]}.
    timeout: seconds to wait for each.

  Returns:
    list of 'job index (host:port)' strings.
  """
  lost = []
  for job in ('ps', 'worker'):
    for i, address in enumerate(cluster[job]):
      host, _, port = address.rpartition(':')
      try:
        socket.create_connection((host.strip('[]'), int(port)),
                                 timeout).close()
      except OSError:
        lost.append('%s (%s)' % (task_name(job, i), address))
  return lost
