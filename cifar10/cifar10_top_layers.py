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

"""Which top layers a model has: the tutorial's, or cuda-convnet's local.

--top_layers chooses the layers after pool2 (cifar10.inference): 'full', the
tutorial's fully connected local3/local4/softmax_linear, or 'local', the
locally connected local3_lc/local4_lc/fc10 of the exercise. The two name
their variables differently, so a checkpoint tells which it holds, and a
run that resumes takes the checkpoint's top.

Summary of available functions:

 # 'full' or 'local' for a directory of checkpoints (or the flag).
 top_layers = top_layers_to_use(FLAGS.train_dir)
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

if __package__:
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
else:
  import cifar10_checkpoint
  import cifar10_dirs
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

# The choices of --top_layers, and the variable that tells them apart in a
# checkpoint: each top names its variables differently, so that a checkpoint
# of one never restores into the other.
TOP_LAYERS = ('full', 'local')
_TOP_LAYERS_VARIABLE = {'full': 'local3/weights', 'local': 'local3_lc/weights'}

tf.app.flags.DEFINE_enum('top_layers', 'full', list(TOP_LAYERS),
                         """The layers after pool2: 'full', the tutorial's """
                         """fully connected local3/local4; 'local', """
                         """cuda-convnet's locally connected local3_lc/"""
                         """local4_lc and fc10 (layers-conv-local-11pct).""")


def checkpoint_top_layers(checkpoint_path):
  """Which top layers a checkpoint holds, read from its variable names.

  Args:
    checkpoint_path: path prefix of a checkpoint.

  Returns:
    'full', 'local', or None if it holds neither model's variables.

  Raises:
    tf.errors.OpError: if the checkpoint cannot be read.
  """
  with cifar10_checkpoint.reader(checkpoint_path) as reader:
    names = reader.get_variable_to_shape_map()
  for top, name in sorted(_TOP_LAYERS_VARIABLE.items()):
    if name in names:
      return top
  return None


class TopLayersError(cifar10_dirs.UserError, ValueError):
  """--top_layers differs from the top of the checkpoints to resume."""


def top_layers_to_use(checkpoint_dir, top_layers=None, path=None):
  """The top layers of the newest checkpoint, or else of the flag.

  Args:
    checkpoint_dir: where the checkpoints are (--train_dir, --checkpoint_dir).
    top_layers: 'full' or 'local' asked for explicitly; None takes
      --top_layers, counted as explicit only if given on the command line.
    path: the newest checkpoint that reads, if the caller found it already
      (finding it reads every tensor of the newer ones); else it is found.

  Returns:
    'full' or 'local'.

  Raises:
    TopLayersError: if a top was asked for explicitly and the newest
      checkpoint has the other one.
  """
  explicit = top_layers is not None or FLAGS['top_layers'].present
  top_layers = FLAGS['top_layers'].value if top_layers is None else top_layers
  if path is None and checkpoint_dir:
    path = cifar10_checkpoint.latest_checkpoint(checkpoint_dir)
  found = checkpoint_top_layers(path) if path else None
  if found and explicit and found != top_layers:
    raise TopLayersError(
        '--top_layers=%s, but %s has the %s top layers; pass '
        '--top_layers=%s or leave the flag out (to train a new model, choose '
        'another directory).' % (top_layers, path, found, found))
  return found or top_layers
