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

"""Finds, checks and restores checkpoints: the one place that does.

TensorFlow's own lookup trusts the `checkpoint` index file and treats the
directory's name as a glob pattern. So a deleted, empty or garbled index made
a trainer start again at step 0 on top of the saved checkpoints, a damaged
newest checkpoint stopped both trainer and evaluator, and a directory named
like `runs/exp[1]` could be trained once and never resumed. Here the
checkpoints are found by listing the directory's files, newest first, and the
newest one whose every tensor reads back is used; the index is only a
witness, rewritten when it is wrong.

Summary of available functions:

 # Checkpoints in a directory, newest first, by their files.
 list_checkpoints(directory)

 # For a trainer: the newest complete checkpoint; damaged newer ones moved
 # aside, the index rewritten; None for a fresh directory.
 recover(directory, say)

 # For an evaluator: the same, touching nothing.
 newest_readable(directory)

 # Which variables to restore from a checkpoint, checked against the model.
 restore_plan(path, variables)

 # Restore, or read, without TensorFlow's glob-based lookup.
 restore(session, saver, path)
 with reader(path) as checkpoint_reader: ...
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import collections
import contextlib
import os
import re
import shutil
import tempfile
import time

# pylint: disable=g-import-not-at-top
if __package__:
  from cifar10 import cifar10_app
  from cifar10 import cifar10_dirs
else:
  import cifar10_app
  import cifar10_dirs
from google.protobuf import text_format
import tensorflow.compat.v1 as tf
from tensorflow.python.training import checkpoint_state_pb2

INDEX_NAME = 'checkpoint'

# A checkpoint's files: <prefix>-<step>.index, .meta and .data-NNNNN-of-NNNNN.
_FILE = re.compile(
    r'^(?P<prefix>.+-(?P<step>\d+))\.(?:index|meta|data-\d+-of-\d+)$')

# The moving averages of the loss terms (the tutorial's 'avg' averages) only
# feed TensorBoard. The original scripts of 2018 on build conv1, conv2 and
# softmax_linear without a weight-decay term, so their checkpoints lack those
# terms' averages: a resumed run starts them afresh.
_LOSS_AVERAGE = re.compile(r'(^|/)(weight_loss|cross_entropy|total_loss)/avg$')

# The suffix of the weights' moving averages (tf.train.ExponentialMovingAverage).
_MOVING_AVERAGE = '/ExponentialMovingAverage'

_GLOB_CHARACTERS = re.compile(r'[][*?\\]')

Checkpoint = collections.namedtuple('Checkpoint', ['path', 'step'])


class CheckpointError(cifar10_dirs.UserError, ValueError):
  """No checkpoint can be used: none reads, or none fits the model."""


def list_checkpoints(directory):
  """Lists the checkpoints in `directory` by their files, newest first.

  A checkpoint counts if any of its files is there, so that a damaged one
  (say, its .index lost) is still seen, and never overwritten by a new save
  of the same step.

  Args:
    directory: str.

  Returns:
    list of Checkpoint(path, step): path is '<directory>/<prefix>-<step>',
    sorted by step, newest first.
  """
  try:
    names = os.listdir(directory)
  except OSError:
    return []
  found = {}
  for name in names:
    match = _FILE.match(name)
    if match:
      found[match.group('prefix')] = int(match.group('step'))
  return sorted((Checkpoint(os.path.join(directory, prefix), step)
                 for prefix, step in found.items()),
                key=lambda c: (c.step, c.path), reverse=True)


@contextlib.contextmanager
def _unglobbed(path):
  """`path`, or an equivalent one free of the characters [ ] * ? and \\.

  TensorFlow's checkpoint reader and restore op look for a checkpoint's
  index with a glob pattern, so in a directory named like `runs/exp[1]` they
  find nothing (or a checkpoint of `runs/exp1`). Such a directory is reached
  through a symbolic link, in a new temporary directory, whose name has none
  of them; the link is removed afterwards.

  Args:
    path: str, a checkpoint's prefix.

  Yields:
    str, a path naming the same checkpoint.
  """
  if not _GLOB_CHARACTERS.search(path):
    yield path
    return
  alias = tempfile.mkdtemp(prefix='cifar10-checkpoint-')
  try:
    link = os.path.join(alias, 'checkpoint_dir')
    os.symlink(os.path.abspath(os.path.dirname(path)), link)
    yield os.path.join(link, os.path.basename(path))
  finally:
    shutil.rmtree(alias)


@contextlib.contextmanager
def reader(path):
  """A tf.train.NewCheckpointReader of the checkpoint at `path`, any path.

  Yields:
    the CheckpointReader.
  """
  with _unglobbed(path) as readable:
    yield tf.train.NewCheckpointReader(readable)


def unreadable_reason(path):
  """Says why the checkpoint at `path` cannot be read in full, if it cannot.

  Every tensor is read, so that a truncated or corrupted data shard (the
  tensors carry checksums), a garbage index and a missing shard are all
  found before a session would stumble on them.

  Args:
    path: str, the checkpoint's prefix, '<directory>/model.ckpt-N'.

  Returns:
    str, the reason, or None if it reads.
  """
  if not os.path.isfile(path + '.index'):
    return 'its .index file is missing'
  try:
    with reader(path) as checkpoint_reader:
      for name in checkpoint_reader.get_variable_to_shape_map():
        checkpoint_reader.get_tensor(name)
  except Exception as e:  # pylint: disable=broad-except
    # The reader maps a short read to IndexError, a bad file to OpErrors or
    # RuntimeError: whatever it raises, the checkpoint cannot be used.
    return cifar10_app.error_gist(e).rstrip('.')
  return None


def read_index(directory):
  """Reads the `checkpoint` index of a directory.

  Args:
    directory: str.

  Returns:
    (name, problem): name is the file name (no directory) of the checkpoint
    the index names as the latest, or None; problem says what is wrong with
    the index (missing, empty, garbled), or is None.
  """
  path = os.path.join(directory, INDEX_NAME)
  try:
    with open(path, 'rb') as f:
      text = f.read().decode('utf-8')
  except FileNotFoundError:
    return None, 'the checkpoint index is missing'
  except (OSError, UnicodeDecodeError) as e:
    return None, 'the checkpoint index cannot be read (%s)' % e
  state = checkpoint_state_pb2.CheckpointState()
  try:
    text_format.Merge(text, state)
  except text_format.ParseError:
    return None, 'the checkpoint index is garbled'
  if not state.model_checkpoint_path:
    return None, 'the checkpoint index is empty'
  # The original wrote absolute paths; this package relative ones. Either
  # way, only a file in this directory counts.
  return os.path.basename(state.model_checkpoint_path), None


def write_index(directory, latest, older=()):
  """Points the `checkpoint` index at `latest` (names relative to it).

  Args:
    directory: str.
    latest: str, path or file name of the latest checkpoint.
    older: paths or names of the older checkpoints to list.
  """
  names = [os.path.basename(p) for p in older] + [os.path.basename(latest)]
  state = checkpoint_state_pb2.CheckpointState(
      model_checkpoint_path=names[-1], all_model_checkpoint_paths=names)
  # Written whole, then renamed over the old index, as the saver does: a
  # kill leaves the old index or the new one, never half of one.
  temporary = os.path.join(directory, '.%s.tmp-%d' % (INDEX_NAME, os.getpid()))
  with open(temporary, 'w') as f:
    f.write(text_format.MessageToString(state))
  os.replace(temporary, os.path.join(directory, INDEX_NAME))


def _move_aside(directory, paths, why):
  """Moves every file of the checkpoints `paths` into <directory>/<why>-<time>.

  Returns:
    str, the new directory.
  """
  stamp = time.strftime('%Y%m%d-%H%M%S')
  target = os.path.join(directory, '%s-%s' % (why, stamp))
  n = 1
  while os.path.exists(target):
    n += 1
    target = os.path.join(directory, '%s-%s-%d' % (why, stamp, n))
  os.makedirs(target)
  prefixes = set(os.path.basename(p) for p in paths)
  for name in os.listdir(directory):
    match = _FILE.match(name)
    if match and match.group('prefix') in prefixes:
      os.rename(os.path.join(directory, name), os.path.join(target, name))
  return target


def _names(checkpoints):
  return ', '.join(os.path.basename(c.path) for c in checkpoints)


def newest_readable(directory, checkpoints=None):
  """Finds the newest checkpoint in `directory` that reads in full.

  Args:
    directory: str.
    checkpoints: the directory's list_checkpoints(), if already listed.

  Returns:
    (checkpoint, skipped): the Checkpoint, or None if none reads; skipped is
    a list of (Checkpoint, reason) for the newer ones that do not.
  """
  skipped = []
  for checkpoint in (list_checkpoints(directory) if checkpoints is None
                     else checkpoints):
    reason = unreadable_reason(checkpoint.path)
    if reason is None:
      return checkpoint, skipped
    skipped.append((checkpoint, reason))
  return None, skipped


def latest_checkpoint(directory):
  """The newest checkpoint in `directory` that reads in full.

  Returns:
    str path prefix, or None if the directory holds none that reads.
  """
  checkpoint, _ = newest_readable(directory)
  return checkpoint.path if checkpoint else None


def describe_skipped(skipped):
  """'model.ckpt-500 (reason); model.ckpt-400 (reason)'."""
  return '; '.join('%s (%s)' % (os.path.basename(c.path), reason)
                   for c, reason in skipped)


def none_readable(directory, skipped, fix):
  """The message for a directory none of whose checkpoints reads.

  Args:
    directory: str.
    skipped: newest_readable()'s list: every checkpoint, with its reason.
    fix: str, what the user can do (the trainers, the evaluator and the
      predictor each say their own).

  Returns:
    str.
  """
  return 'None of the %d checkpoint(s) in %s can be read: %s. %s' % (
      len(skipped), directory, describe_skipped(skipped), fix)


def recover(directory, say=print):
  """Finds the checkpoint a trainer resumes from, repairing what it must.

  The newest checkpoint whose every tensor reads back is chosen, whatever
  the index says. Damaged newer checkpoints are moved into
  <directory>/damaged-<time>/ (kept, and out of the way of a later save of
  the same step). A missing, empty, garbled or wrong index is rewritten.
  Each repair is said in one line.

  Args:
    directory: str, the --train_dir (locked by the caller).
    say: function printing one line.

  Returns:
    Checkpoint to resume from, or None if the directory holds none.

  Raises:
    CheckpointError: if there are checkpoints and none reads; nothing has
      been changed then.
  """
  checkpoints = list_checkpoints(directory)
  named, problem = read_index(directory)
  if not checkpoints:
    if named:
      say('The checkpoint index in %s names %s, which is not there, and the '
          'directory holds no checkpoint: starting at step 0.'
          % (directory, named))
    return None
  chosen, skipped = newest_readable(directory, checkpoints)
  if chosen is None:
    raise CheckpointError(none_readable(
        directory, skipped, 'Nothing was changed. Restore the directory from '
        'a backup, or start afresh with --fresh_start (which moves it aside) '
        'or another --train_dir.'))
  notes = []
  if skipped:
    moved = _move_aside(directory, [c.path for c, _ in skipped], 'damaged')
    notes.append('skipped %s, moved to %s' % (describe_skipped(skipped),
                                              moved))
  if problem:
    notes.append(problem)
  elif named != os.path.basename(chosen.path):
    notes.append('the checkpoint index named %s%s' % (
        named, '' if any(os.path.basename(c.path) == named
                         for c in checkpoints) else ', which is not there'))
  if notes:
    older = [c.path for c in checkpoints if c.step < chosen.step][:4][::-1]
    older = [p for p in older if unreadable_reason(p) is None]
    write_index(directory, chosen.path, older)
    say('Repaired %s: %s; the checkpoint index now names %s, the newest '
        'checkpoint that reads.' % (directory, '; '.join(notes),
                                    os.path.basename(chosen.path)))
  return chosen


def delete(path):
  """Deletes the files of the checkpoint at `path`, by their exact names."""
  directory, prefix = os.path.split(path)
  for name in os.listdir(directory):
    match = _FILE.match(name)
    if match and match.group('prefix') == prefix:
      os.remove(os.path.join(directory, name))


def discard_failed_save(path):
  """Deletes what a save to `path` that failed left behind.

  TensorFlow writes each shard into '<path>_temp/' and then gives the
  checkpoint's files their names; a save cut short (a full disk) leaves that
  directory and perhaps some of the files, of no use and taking the space the
  user has to free. Only the caller's own failed save may be discarded: the
  files are deleted by their exact names.
  """
  shutil.rmtree(path + '_temp', ignore_errors=True)
  directory, prefix = os.path.split(path)
  # A saver that is not sharded (the distributed trainer's) writes each file
  # under '<its name>.tempstate<digits>' and renames it when complete.
  temporary = re.compile(r'^%s\.(?:index|data-\d+-of-\d+)\.tempstate\d+$'
                         % re.escape(prefix))
  try:
    for name in os.listdir(directory):
      if temporary.match(name):
        os.remove(os.path.join(directory, name))
    delete(path)
  except OSError:
    pass  # The file system itself fails: there is nothing more to do.


def move_aside_from(directory, step, why):
  """Moves the checkpoints of global step >= `step` into <directory>/<why>-*.

  Used when training diverges: a checkpoint of that step holds the weights
  whose loss was NaN. Its files are kept; the index then names the newest
  checkpoint before it.

  Args:
    directory: str.
    step: int.
    why: str, the name of the directory they go to ('diverged').

  Returns:
    (latest, moved): the Checkpoint now latest (or None), and the directory
    the others went to (or None).
  """
  checkpoints = list_checkpoints(directory)
  bad = [c.path for c in checkpoints if c.step >= step]
  moved = _move_aside(directory, bad, why) if bad else None
  good = [c for c in checkpoints if c.step < step]
  if good:
    write_index(directory, good[0].path, [c.path for c in good[1:5]][::-1])
  return (good[0] if good else None), moved


def restore_plan(path, variables,
                 fix='Choose another --train_dir, or start afresh with '
                 '--fresh_start.'):
  """Checks a checkpoint against the model and says what to restore.

  Args:
    path: str, the checkpoint.
    variables: dict of checkpoint name to the model's tf.Variable (for
      training: every global variable by its name; for evaluation: the moving
      averages' names to the model variables).
    fix: str, what the message of a checkpoint of another model tells the
      user to do (the default is the trainers').

  Returns:
    (restore, fresh): dict name -> Variable to restore, and the sorted names
    of the loss averages the checkpoint lacks (checkpoints of the 2018
    original), which start afresh.

  Raises:
    CheckpointError: naming the first variable the checkpoint lacks or holds
      in another shape or dtype.
    tf.errors.NotFoundError: if the checkpoint can no longer be read.
  """
  try:
    with reader(path) as checkpoint_reader:
      shapes = checkpoint_reader.get_variable_to_shape_map()
      dtypes = checkpoint_reader.get_variable_to_dtype_map()
  except Exception as e:  # pylint: disable=broad-except
    # Checked as readable a moment ago: deleted since (a trainer keeps only
    # its newest few) or damaged since.
    raise tf.errors.NotFoundError(None, None, '%s: %s' % (
        path, cifar10_app.error_gist(e).rstrip('.')))
  restore, fresh = {}, []
  for name, var in sorted(variables.items()):
    if name not in shapes:
      if _LOSS_AVERAGE.search(name):
        fresh.append(name)
        continue
      if (name.endswith(_MOVING_AVERAGE) and
          name[:-len(_MOVING_AVERAGE)] in shapes):
        raise CheckpointError(
            '%s has no %s: it holds the weights but not their moving '
            'averages. Evaluate its weights themselves with '
            '--moving_average=false.' % (path, name))
      raise CheckpointError('%s has no %s: it is not a checkpoint of this '
                            'model. %s' % (path, name, fix))
    model = (var.dtype.base_dtype.name, var.shape.as_list())
    there = (dtypes[name].name, shapes[name])
    if there != model:
      hint = ''
      if there[0] == 'float16' and model[0] == 'float32':
        hint = ' It was trained with --use_fp16: pass --use_fp16.'
      elif there[0] == 'float32' and model[0] == 'float16':
        hint = (' It was trained without --use_fp16: drop --use_fp16 (or use '
                '--mixed_precision, which keeps float32 variables).')
      raise CheckpointError(
          'Cannot restore %s into the CIFAR-10 model: %s is %s %s there, %s '
          '%s in the model.%s' % ((path, name) + there + model + (hint,)))
    restore[name] = var
  return restore, fresh


def restore(session, saver, path):
  """Restores `saver`'s variables from the checkpoint at `path`.

  Saver.restore (and its restore op) look for the checkpoint with a glob
  pattern; this works in a directory named with [ ] * ? too.

  Args:
    session: tf.Session.
    saver: tf.train.Saver over the variables to restore.
    path: str, the checkpoint's prefix.
  """
  with _unglobbed(path) as readable:
    session.run(saver.saver_def.restore_op_name,
                {saver.saver_def.filename_tensor_name: readable})
