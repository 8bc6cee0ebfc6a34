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

"""cifar10_benchmark's figures: the headline numbers, targets and table.

check_flags() refuses, in one line and before minutes of measuring, the
flags the run could not honour or that would damage files (an --output_json
naming a data file, a file that is not JSON, a place it cannot write);
model_flops() counts the model's FLOPs per image from its layer shapes;
summarize() turns the phases' results into the figures docs/benchmark.md
documents (the JSON 'summary'), each target with its value and whether it is
met; format_table() prints them, one line per figure; write_json() writes
the report whole or not at all.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import collections
import json
import math
import os
import tempfile

from cifar10 import cifar10_dirs
from cifar10 import cifar10_download
from cifar10 import cifar10_input
from cifar10 import cifar10_multi_gpu_train
from cifar10 import cifar10_timing
from cifar10 import cifar10_train

# The targets: name -> (summary key, target, what it compares).
TARGETS = collections.OrderedDict([
    ('queue_fed_vs_compute_only', ('queue_vs_compute', 0.95,
                                   'queue-fed / compute-only images/s')),
    ('pipeline_cpu_vs_tutorial', ('pipeline_cpu_speedup', 2.0,
                                  'images per CPU-second, package / '
                                  'tutorial pipeline')),
    ('mixed_precision_vs_float32', ('mixed_vs_float32', 1.5,
                                    'compute-only images/s')),
    ('shipped_trainer_mixed_vs_float32', ('trainer_mixed_vs_float32', 1.4,
                                          'cifar10_train log lines')),
    ('compute_only_vs_matmul_flops', ('compute_flop_fraction', 0.85,
                                      'FLOP rate / matmul rate')),
    ('faithful_vs_keras', ('faithful_vs_keras', 1.0,
                           'queue-fed / tf.keras images/s')),
])
SYNTHETIC_BANNER = (
    '!' * 78 + '\n!!! SYNTHETIC DATA: this run reads a generated set (%s),\n'
    '!!! not CIFAR-10. Speeds do not depend on the pixels; nothing else\n'
    '!!! measured on it means anything.\n' + '!' * 78)


def positive_ints(values, name, maximum=None):
  """The values of list flag --name as positive ints (at most `maximum`),
  or a UserError."""
  # isascii: '²' is a digit to str.isdigit, and no int.
  if values and all(v.strip().isascii() and v.strip().isdigit() and
                    0 < int(v) <= (maximum or int(v)) for v in values):
    return [int(v) for v in values]
  raise cifar10_dirs.UserError('--%s takes positive integers%s, got %s' % (
      name, ' up to %d' % maximum if maximum else '', ','.join(values)))


def _check_memory(flag, batch_size, num_towers=1):
  """cifar10_train.check_memory, naming --flag: a batch that does not fit
  ended in a numpy MemoryError, or a queue capacity beyond int32, with a
  traceback."""
  try:
    cifar10_train.check_memory(batch_size, num_towers)
  except cifar10_dirs.UserError as e:
    raise cifar10_dirs.UserError(str(e).replace('--batch_size', '--' + flag))


def data_files(data_dir, text_files=True):
  """The paths of the data set's files under --data_dir: the records, and
  (text_files) its class names and synthetic-set marker."""
  batches_dir = os.path.join(data_dir, cifar10_download.EXTRACTED_DIR)
  names = cifar10_input.TRAIN_FILES + cifar10_input.TEST_FILES
  if text_files:
    names += (cifar10_input.META_FILE, cifar10_input.SYNTHETIC_MARKER)
  return [os.path.join(batches_dir, name) for name in names]


def linked_data_dir(work_dir, data_dir):
  """A --data_dir in work_dir whose data set is a link to data_dir's.

  cifar10_train refuses a --train_dir inside its --data_dir, which a
  temporary one is when --data_dir=/tmp holds the data (or TMPDIR is set
  there): a child given this one and a --train_dir beside it in work_dir
  trains. Removing work_dir removes the link, not the data.

  Returns:
    str, the path to pass as --data_dir.
  """
  linked = os.path.join(work_dir, 'data')
  os.mkdir(linked)
  os.symlink(os.path.abspath(os.path.join(
      data_dir, cifar10_download.EXTRACTED_DIR)), os.path.join(
          linked, cifar10_download.EXTRACTED_DIR))
  return linked


def check_output_json(path, data_dir):
  """Refuses an --output_json the report could not, or must not, replace.

  Checked before any measuring, so that minutes of it are not lost at the
  end, and so that no file the user has is replaced but an earlier report.
  The directory is tried by making (and removing) a file there: os.access
  says yes to root on a read-only disk or in /proc.

  Args:
    path: str, the flag's value ('' for none).
    data_dir: str, --data_dir.

  Raises:
    cifar10_dirs.UserError: if path is a directory, one of the data set's
      files, a file that is not JSON, or in a directory it cannot write.
  """
  if not path:
    return
  named = '--output_json=%s' % path
  if os.path.isdir(path):
    raise cifar10_dirs.UserError('%s is a directory; pass a file name.'
                                 % named)
  if any(cifar10_dirs.same_file(path, f) for f in data_files(data_dir)):
    raise cifar10_dirs.UserError(
        '%s is a file of the data set in --data_dir=%s and would be '
        'overwritten; pass a file name outside it.' % (named, data_dir))
  if cifar10_dirs.not_json(path):
    raise cifar10_dirs.UserError(
        '%s is a file that is not JSON, not an earlier report: it is kept; '
        'pass a new file name (with a space instead of "=", the next '
        'argument is taken as the file).' % named)
  try:
    if os.path.isfile(path) and not os.access(path, os.W_OK):
      raise PermissionError('Permission denied')
    fd, trial = tempfile.mkstemp(
        dir=os.path.dirname(os.path.abspath(path)), prefix='.cifar10_bench')
    os.close(fd)
    os.remove(trial)
  except OSError as e:
    raise cifar10_dirs.UserError(
        'cannot write %s (%s): choose a file in a writable directory'
        % (named, e.strerror or e))


# The package's flags the benchmark honours, besides its own.
PACKAGE_FLAGS = ('batch_size', 'data_dir', 'xla', 'records_per_file')


def _foreign_flags(flags):
  """The package's flags given other values than their defaults that the
  benchmark does not honour: the modules it imports define them all."""
  for module, module_flags in flags.flags_by_module_dict().items():
    # A module's name ('cifar10.cifar10_train', as the console scripts
    # import them), or the path of the script run ('.../cifar10_train.py').
    name = os.path.basename(module)
    name = name[:-len('.py')] if name.endswith('.py') else name
    if name.startswith('cifar10') and not name.endswith('cifar10_benchmark'):
      for flag in module_flags:
        if (flag.present and flag.value != flag.default and
            flag.name not in PACKAGE_FLAGS):
          yield flag.name


def check_flags(flags, phases):
  """The phases to run, from the flags; a UserError for flags that cannot be
  honoured (in one line, before anything is measured).

  Args:
    flags: the parsed absl FLAGS.
    phases: all the phases, in the order they run.

  Returns:
    list of str, the phases asked for, in the order they run.
  """
  unknown = sorted(set(flags.phases) - set(phases))
  if unknown or not flags.phases:
    raise cifar10_dirs.UserError('%s; choose from %s' % (
        'unknown phase ' + ', '.join(unknown) if unknown else
        '--phases is empty', ', '.join(phases)))
  # The compute and trainer phases time both precisions side by side; the
  # flags would change only some of the others, under their usual labels.
  for name in ('mixed_precision', 'use_fp16'):
    if flags[name].value:
      raise cifar10_dirs.UserError(
          '--%s is not a benchmark flag: the benchmark times float32 and '
          '--mixed_precision side by side; drop --%s.' % (name, name))
  # --top_layers changed the graphs built here but not the children's,
  # --dataset=svhn failed after minutes, --max_steps did nothing.
  for name in sorted(set(_foreign_flags(flags))):
    raise cifar10_dirs.UserError(
        '--%s is not a benchmark flag: its phases would honour it in part or '
        'not at all; drop --%s.' % (name, name))
  sizes = positive_ints(flags.batch_sizes, 'batch_sizes')
  towers = positive_ints(flags.tower_counts, 'tower_counts',
                         cifar10_multi_gpu_train.MAX_GPUS)
  if 'batch_sizes' in flags.phases:
    _check_memory('batch_sizes', max(sizes))
  _check_memory('batch_size', flags.batch_size,
                max(towers) if 'towers' in flags.phases else 1)
  if not flags.data_dir:
    raise cifar10_dirs.UserError('--data_dir is empty; pass a directory.')
  if os.path.exists(flags.data_dir) and not os.path.isdir(flags.data_dir):
    raise cifar10_dirs.UserError(
        '--data_dir=%s is a file, not a directory; pass the directory that '
        'holds %s/, or one without it for a synthetic set.'
        % (flags.data_dir, cifar10_download.EXTRACTED_DIR))
  check_output_json(flags.output_json, flags.data_dir)
  return [p for p in phases if p in flags.phases]


def write_json(path, report):
  """Writes the report to --output_json=path, whole or not at all
  (cifar10_dirs.write_whole).

  Raises:
    cifar10_dirs.UserError: if it cannot be written.
  """
  try:
    cifar10_dirs.write_whole(path, json.dumps(report, indent=2) + '\n')
  except OSError as e:
    raise cifar10_dirs.UserError(
        'cannot write --output_json=%s: %s (the table above has the '
        'figures)' % (path, e.strerror or e))


# The model's FLOPs from its layer shapes: what the compute-only step is
# measured against the matmul rate with.
Layer = collections.namedtuple('Layer', ['name', 'macs', 'input_macs'])


def model_layers(image_size=cifar10_input.IMAGE_SIZE, depth=3, conv_depth=64,
                 kernel=5, local3=384, local4=192,
                 num_classes=cifar10_input.NUM_CLASSES):
  """Multiply-adds per image of the conv and matmul layers of inference().

  conv1 and conv2 are 5x5 SAME convolutions, each followed by a 3x3 stride-2
  SAME pooling; then local3, local4, softmax_linear. LRN, pooling, bias and
  ReLU are not counted.

  Returns:
    list of Layer(name, macs, input_macs): forward multiply-adds, and those of
    the gradient with respect to the input (none for conv1: images need no
    gradient).
  """
  layers, size, channels = [], image_size, depth
  for name in ('conv1', 'conv2'):
    macs = size * size * conv_depth * kernel * kernel * channels
    layers.append(Layer(name, macs, macs if layers else 0))
    channels, size = conv_depth, int(math.ceil(size / 2.0))
  dim = size * size * channels
  for name, units in (('local3', local3), ('local4', local4),
                      ('softmax_linear', num_classes)):
    layers.append(Layer(name, dim * units, dim * units))
    dim = units
  return layers


def model_flops(**kwargs):
  """FLOPs per image: dict of 'forward_macs', 'forward', 'backward', 'train'
  (forward + backward: weight and input gradients) and 'layers'."""
  layers = model_layers(**kwargs)
  forward = sum(l.macs for l in layers)
  backward = sum(l.macs + l.input_macs for l in layers)
  return {'forward_macs': forward, 'forward': 2 * forward,
          'backward': 2 * backward, 'train': 2 * (forward + backward),
          'layers': collections.OrderedDict((l.name, l.macs) for l in layers)}


def last_line(text):
  """A child's last line of output: its one-line error, or the exception of
  its traceback. (The reason a figure is missing was the last 1,500
  characters of its stderr, cut to their first 200 in the table: TensorFlow's
  start-up lines, not the error.)"""
  return (text.strip().splitlines() or ['no output'])[-1].strip()


def _ratio(a, b):
  return a / b if a and b else None


def summarize(r, flops):
  """The headline figures (docs/benchmark.md lists the keys) and targets."""
  def rate(res):
    return (res or {}).get('images_per_sec')

  s = collections.OrderedDict()
  s['matmul_gflops'] = r.get('matmul', {}).get('gflops')
  s['train_flops_per_image'] = flops['train']
  s['forward_flops_per_image'] = flops['forward']
  pipe = r.get('pipeline', {})
  s['input_pipeline_images_per_sec'] = rate(pipe.get('package'))
  s['input_pipeline_images_per_cpu_sec'] = pipe.get('package', {}).get(
      'images_per_cpu_sec')
  s['tutorial_pipeline_images_per_cpu_sec'] = pipe.get('tutorial', {}).get(
      'images_per_cpu_sec')
  s['pipeline_cpu_speedup'] = _ratio(s['input_pipeline_images_per_cpu_sec'],
                                     s['tutorial_pipeline_images_per_cpu_sec'])
  train = r.get('training', {})
  s['train_compute_only_images_per_sec'] = rate(train.get('compute'))
  s['train_queue_images_per_sec'] = rate(train.get('queue_fed'))
  s['mixed_precision_dtype'] = train.get('mixed_precision', {}).get('dtype')
  s['mixed_precision_compute_only_images_per_sec'] = rate(
      train.get('mixed_precision'))
  s['mixed_vs_float32'] = _ratio(
      s['mixed_precision_compute_only_images_per_sec'],
      s['train_compute_only_images_per_sec'])
  s['queue_vs_compute'] = _ratio(s['train_queue_images_per_sec'],
                                 s['train_compute_only_images_per_sec'])
  compute = s['train_compute_only_images_per_sec']
  s['compute_gflops'] = compute and compute * flops['train'] / 1e9
  s['compute_flop_fraction'] = _ratio(s['compute_gflops'], s['matmul_gflops'])
  s['shipped_trainer_images_per_sec'] = rate(r.get('trainer', {}).get(
      'float32'))
  s['shipped_trainer_mixed_precision_images_per_sec'] = rate(
      r.get('trainer', {}).get('mixed_precision'))
  s['trainer_mixed_vs_float32'] = _ratio(
      s['shipped_trainer_mixed_precision_images_per_sec'],
      s['shipped_trainer_images_per_sec'])
  s['keras_fit_images_per_sec'] = rate(r.get('keras'))
  s['faithful_vs_keras'] = _ratio(s['train_queue_images_per_sec'],
                                  s['keras_fit_images_per_sec'])
  s['eval_images_per_sec'] = rate(r.get('eval'))
  s['peak_rss_mib'] = train.get('peak_rss_mib')
  s['keras_peak_rss_mib'] = r.get('keras', {}).get('peak_rss_mib')
  s['summary_step_ms'] = r.get('summaries')
  s['batch_size_images_per_sec'] = collections.OrderedDict(
      (k, rate(v)) for k, v in r.get('batch_sizes', {}).items())
  s['towers_images_per_sec'] = collections.OrderedDict(
      (k, rate(v)) for k, v in r.get('towers', {}).items())
  s['targets'] = collections.OrderedDict(
      (name, {'target': target, 'value': s[key], 'compares': what,
              'met': None if s[key] is None else s[key] >= target})
      for name, (key, target, what) in TARGETS.items())
  return s


def _fmt(value, fmt='%.0f'):
  return '-' if value is None else fmt % value


def _note(res):
  if not isinstance(res, dict) or res.get('other_cores') is None:
    return ''
  # This process's cores too: on a busy machine it gets less than all.
  own = 'this %.2f, ' % res['own_cores'] if res.get('own_cores') else ''
  return '%sothers %.2f cores%s' % (own, res['other_cores'], ' DISTURBED'
                                    if res.get('disturbed') else '')


def format_table(report):
  """One line per figure, then the targets."""
  s, r = report['summary'], report['results']
  row = '%-52s %13s  %s'
  lines = [SYNTHETIC_BANNER % report['data_dir']] if report[
      'synthetic_data'] else []
  lines.append('CIFAR-10 benchmark, %s: batch %d, %d preprocessing threads, '
               '%d cores, TensorFlow %s; median of %d window(s) of %d '
               'steps.' % (report['cpu'], report['batch_size'],
                           report['num_threads'], report['cpu_count'],
                           report['tensorflow'], report['repeats'],
                           report['steps']))
  if report['min_fraction_in_queue'] != (
      cifar10_input.MIN_FRACTION_OF_EXAMPLES_IN_QUEUE):
    lines.append("NOTE: the shuffle queue holds %.3g of an epoch, not the "
                 "tutorial's 0.4." % report['min_fraction_in_queue'])
  lines += [row % ('measurement', 'images/s', 'notes'), '-' * 100]
  def add(label, value, note=''):
    lines.append(row % (label, value, note))

  if 'matmul' in r:
    add('dense matmul 1024x1024 float32 (GFLOP/s)',
        _fmt(s['matmul_gflops'], '%.1f'), 'best of %d; %s' % (
            len(r['matmul']['trials']), _note(r['matmul'])))
  for name, res in r.get('pipeline', {}).items():
    add('input pipeline alone, %s' % name, _fmt(res['images_per_sec']),
        '%s images per CPU-second; %s' % (_fmt(res['images_per_cpu_sec']),
                                          _note(res)))
  train = r.get('training', {})
  if train:
    add('train step, batch in memory (compute only)',
        _fmt(s['train_compute_only_images_per_sec']),
        '%s GFLOP/s = %s of matmul; %s' % (
            _fmt(s['compute_gflops'], '%.1f'),
            _fmt(s['compute_flop_fraction'], '%.2f'),
            _note(train['compute'])))
    add('  the same, --mixed_precision (%s)' % s['mixed_precision_dtype'],
        _fmt(s['mixed_precision_compute_only_images_per_sec']),
        '%s x float32; %s' % (_fmt(s['mixed_vs_float32'], '%.2f'),
                              _note(train['mixed_precision'])))
    add('train step fed by the queues',
        _fmt(s['train_queue_images_per_sec']),
        '%s of compute only; %s' % (_fmt(s['queue_vs_compute'], '%.2f'),
                                    _note(train['queue_fed'])))
  for name, res in r.get('trainer', {}).items():
    add('cifar10_train as shipped, %s' % name,
        _fmt(res.get('images_per_sec')),
        'median of %d log lines; %s' % (len(res['windows']), _note(res))
        if res.get('available') else res['reason'][:200])
  if 'keras' in r:
    k = r['keras']
    add('tf.keras model.fit on tf.data', _fmt(k.get('images_per_sec')),
        'Keras %s; %s' % (k['keras_version'], _note(k))
        if k.get('available') else k['reason'][:200])
  if 'eval' in r:
    add('eval: inputs + inference + in_top_k', _fmt(s['eval_images_per_sec']),
        _note(r['eval']))
  if s['peak_rss_mib']:
    add('peak resident memory, training (MiB)', _fmt(s['peak_rss_mib']),
        'Keras child %s MiB' % _fmt(s['keras_peak_rss_mib']))
  for name, res in (s['summary_step_ms'] or {}).items():
    add('summary / plain step (ms), %s' % name,
        '%s / %s' % (_fmt(res['summary_ms']), _fmt(res['plain_ms'])),
        'every summary, written' + (' DISTURBED' if res['disturbed'] else ''))
  for bs, res in r.get('batch_sizes', {}).items():
    add('compute only, batch %s' % bs, _fmt(res['images_per_sec']),
        _note(res))
  for n, res in r.get('towers', {}).items():
    add('multi-GPU trainer step, --num_gpus %s (%s)' % (
        n, 'GPUs' if res['gpus_found'] else 'CPU'),
        _fmt(res['images_per_sec']), _note(res))
  lines.append('-' * 100)
  for name, t in s['targets'].items():
    lines.append('target %-34s >= %.2f: %s  %s  (%s)' % (
        name, t['target'], _fmt(t['value'], '%.2f'),
        {True: 'met', False: 'NOT met', None: 'not measured'}[t['met']],
        t['compares']))
  if any(isinstance(v, dict) and v.get('disturbed') for v in _results(r)):
    lines.append('WARNING: other processes used more than %.1f core during '
                 'windows marked DISTURBED: those figures are low.'
                 % cifar10_timing.DISTURBED_CORES)
  return '\n'.join(lines)


def _results(r):
  for value in r.values():
    if isinstance(value, dict) and 'images_per_sec' not in value:
      for inner in _results(value):
        yield inner
    yield value
