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

"""Classifies your own images with a trained CIFAR-10 model.

Usage:
  python -m cifar10.cifar10_predict --checkpoint_dir=/tmp/cifar10_train \\
      cat.jpg plane.png /tmp/cifar10_data/cifar-10-batches-bin/test_batch.bin

Each argument is an image file (PNG, JPEG, GIF or BMP, any size: resized to
32x32, then cropped and standardized as cifar10_eval.py does) or a CIFAR-10
binary file (every record is classified, its true label shown). The newest
checkpoint in --checkpoint_dir that reads in full is restored (newer ones
that do not are named on stderr), with the moving averages of the weights
(--moving_average=false: the raw weights), and one line per image gives the
--top_k classes with their probabilities, named as in the data set's
batches.meta.txt:

  cat.jpg: cat 0.712, dog 0.201, frog 0.034

A file that cannot be read or decoded is one line on stderr and the others
are still classified; the exit status is then 1. So is anything but a regular
file (a FIFO, a device, a directory: not opened), a file of more than 1 GiB
(not read) and an image of more than 100 megapixels (refused from its
header, not decoded). --output_json=FILE also writes every probability as
JSON ('-': to stdout, instead of the lines); it must not be one of the files
to classify nor a file that is not JSON, and is written whole or not at
all.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import os
import stat
import struct
import sys

# As a package (python -m, the console script) or in the tutorial's flat
# layout (python cifar10_predict.py). Either way each file loads once, and
# before TensorFlow, so that cifar10_input's environment defaults (oneDNN,
# log level) apply.
if __package__:
  from cifar10 import cifar10
  from cifar10 import cifar10_app
  from cifar10 import cifar10_checkpoint
  from cifar10 import cifar10_dirs
  # Owns --checkpoint_dir and --moving_average, and the choice of weights.
  from cifar10 import cifar10_eval
  from cifar10 import cifar10_input
  from cifar10 import cifar10_top_layers
else:
  import cifar10
  import cifar10_app
  import cifar10_checkpoint
  import cifar10_dirs
  import cifar10_eval
  import cifar10_input
  import cifar10_top_layers
import numpy as np
import tensorflow.compat.v1 as tf

FLAGS = tf.app.flags.FLAGS

tf.app.flags.DEFINE_integer('top_k', 3,
                            """How many of the most probable classes to """
                            """print per image.""", lower_bound=1,
                            upper_bound=cifar10.NUM_CLASSES)
# cifar10_benchmark has an --output_json of its own; a process runs one
# script (the tests import both), so each may define it.
tf.app.flags.DEFINE_string('output_json', '',
                           """Also write the results as JSON to this file; """
                           """'-' writes them to stdout instead of the """
                           """lines.""", allow_override=True)

# The largest input read, in bytes: well above the largest image the decoder
# accepts (MAX_PIXELS) in any of its formats, and above the largest CIFAR-10
# or SVHN binary file (SVHN's test set: 80 MB). A larger file is refused
# before it is read, rather than read into memory whole.
MAX_FILE_BYTES = 1 << 30

# The largest image decoded, in pixels (width x height): 100 megapixels, as
# 10000x10000, more than most cameras take. Decoding one this large takes
# about 2 GB of memory; a larger image is refused from its header, before any
# pixel is decoded.
MAX_PIXELS = 100 * 1000 * 1000

# The first bytes of the image formats tf.io.decode_image reads.
_IMAGE_MAGIC = (b'\x89PNG', b'\xff\xd8\xff', b'GIF8', b'BM')
_SIZE = cifar10_input.ORIGINAL_HEIGHT  # 32: the images are square.


class PredictError(cifar10_dirs.UserError, ValueError):
  """The predictor cannot run (no checkpoint, no files)."""


def printable(text, stream=None):
  """`text` as `stream` can print it, whatever the file names in it.

  A file name that is not valid in the file system's encoding (say, a Latin-1
  name on a UTF-8 system) reaches Python with its bytes as surrogates, which
  no strict encoder prints: they are shown as '\\xff'. Characters the
  stream's encoding lacks are shown as '\\u00e9' and the like.

  Args:
    text: str.
    stream: the text stream it is for; default sys.stdout.

  Returns:
    str.
  """
  encoding = sys.getfilesystemencoding()
  try:
    text = text.encode(encoding, 'surrogateescape').decode(
        encoding, 'backslashreplace')
  except UnicodeError:
    text = text.encode(encoding, 'backslashreplace').decode(encoding)
  encoding = getattr(stream or sys.stdout, 'encoding', None) or 'utf-8'
  return text.encode(encoding, 'backslashreplace').decode(encoding)


def _named(path):
  """A path for an error message (on stderr)."""
  return printable(path, sys.stderr)


class _Decoder(object):
  """Decodes image files to [32, 32, 3] float32 arrays with TensorFlow.

  An image that cannot be decoded is the ValueError of its file alone:
  TensorFlow's own refusals (a damaged file, a PNG whose pixels overflow an
  int, as 30000x30000 does), an image above MAX_PIXELS (refused from its
  header, before any pixel is decoded), and running out of memory while
  decoding.
  """

  def __init__(self):
    self._graph = tf.Graph()
    with self._graph.as_default():
      self._contents = tf.placeholder(tf.string, [])
      # [height, width, channels], from the header alone.
      self._jpeg_shape = tf.io.extract_jpeg_shape(self._contents)
      image = tf.cast(tf.io.decode_image(self._contents, channels=3,
                                         expand_animations=False), tf.float32)
      same = tf.reduce_all(tf.equal(tf.shape(image)[:2], [_SIZE, _SIZE]))
      # An image already 32x32 (as CIFAR's) is used as is; any other size
      # is resized, antialiased so that a large photo is averaged down
      # rather than sampled.
      self._image = tf.cond(
          same, lambda: image,
          lambda: tf.compat.v2.image.resize(image, [_SIZE, _SIZE],
                                            antialias=True))
    self._sess = tf.Session(graph=self._graph)

  def decode(self, contents):
    """Returns the [32, 32, 3] float32 image, 0-255; raises ValueError."""
    try:
      size = self._dimensions(contents)
      # Entropy-coded JPEG data cannot hold 0xFFD9, the end-of-image marker;
      # without one the file is cut short, and TensorFlow's decoder would
      # log a line of its own before refusing it.
      if contents.startswith(b'\xff\xd8\xff') and b'\xff\xd9' not in contents:
        raise ValueError('not a decodable image (a truncated JPEG: it has no '
                         'end-of-image marker)')
      if size and size[0] * size[1] > MAX_PIXELS:
        raise ValueError(
            'too large to decode: %dx%d pixels, more than the %d megapixels '
            'the predictor decodes; scale it down first'
            % (size + (MAX_PIXELS // 1000000,)))
      return self._sess.run(self._image, {self._contents: contents})
    except tf.errors.InvalidArgumentError as e:
      raise ValueError('not a decodable image (%s)' %
                       cifar10_app.error_gist(e))
    except tf.errors.ResourceExhaustedError as e:
      raise ValueError('too large to decode in the memory available (%s); '
                       'scale it down first' % cifar10_app.error_gist(e))

  def _dimensions(self, contents):
    """The image's (width, height) from its header, or None if unknown.

    Raises:
      tf.errors.InvalidArgumentError: if a JPEG header is damaged.
    """
    if contents.startswith(b'\xff\xd8\xff'):
      height, width, _ = self._sess.run(self._jpeg_shape,
                                        {self._contents: contents})
      return int(width), int(height)
    if contents.startswith(b'\x89PNG') and contents[12:16] == b'IHDR':
      return struct.unpack('>II', contents[16:24].ljust(8, b'\0'))
    if contents.startswith(b'GIF8'):  # The logical screen: what is decoded.
      return struct.unpack('<HH', contents[6:10].ljust(4, b'\0'))
    if contents.startswith(b'BM') and len(contents) >= 26:
      if struct.unpack('<I', contents[14:18])[0] == 12:  # OS/2 1.x header.
        return struct.unpack('<HH', contents[18:22])
      width, height = struct.unpack('<ii', contents[18:26])
      return abs(width), abs(height)  # Negative height: stored top-down.
    return None

  def close(self):
    self._sess.close()


def read_inputs(paths):
  """Reads image and CIFAR-10 binary files.

  Args:
    paths: list of file paths.

  Returns:
    list of dicts in input order, one per image: 'file' (the path, or
    '<path>:<record index>' for a CIFAR-10 binary file) and either 'image'
    ([32, 32, 3] float32, 0-255) and 'label' (int or None), or 'error' (str,
    what is wrong with the file).
  """
  items = []
  decoder = _Decoder()
  try:
    for path in paths:
      try:
        contents = _read(path)
      except ValueError as e:
        items.append({'file': path, 'error': str(e)})
        continue
      if contents.startswith(_IMAGE_MAGIC):
        try:
          items.append({'file': path, 'image': decoder.decode(contents),
                        'label': None})
        except ValueError as e:
          items.append({'file': path, 'error': str(e)})
      else:
        items.extend(_records(path, contents))
  finally:
    decoder.close()
  return items


def _kind(mode):
  """What a file that is not a regular file is, from its st_mode."""
  for test, kind in ((stat.S_ISDIR, 'a directory'),
                     (stat.S_ISFIFO, 'a FIFO (named pipe)'),
                     (stat.S_ISCHR, 'a character device'),
                     (stat.S_ISBLK, 'a block device'),
                     (stat.S_ISSOCK, 'a socket')):
    if test(mode):
      return kind
  return 'a special file'


def _read(path):
  """The contents of a regular file of at most MAX_FILE_BYTES.

  Anything else (a FIFO, a device, a directory) is refused without reading
  it, and without opening it: opening a FIFO waits for a writer, and opening
  some devices does something.

  Args:
    path: str.

  Returns:
    bytes.

  Raises:
    ValueError: saying why the file is not read.
  """
  def refuse(mode):
    return ValueError('%s, not a file; pass image or CIFAR-10 binary files'
                      % _kind(mode))

  def too_large(size):
    return ValueError(
        'too large (%s bytes); files of more than %d MiB are not read, as no '
        'image the predictor decodes, nor any CIFAR-10 or SVHN binary file, '
        'is that large' % (size, MAX_FILE_BYTES >> 20))
  try:
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
      raise refuse(info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
      raise too_large(info.st_size)
    # Non-blocking: if it was replaced by a FIFO since, opening does not
    # wait; the check below refuses it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK |
                 getattr(os, 'O_NOCTTY', 0))
    with os.fdopen(fd, 'rb') as f:
      mode = os.fstat(f.fileno()).st_mode
      if not stat.S_ISREG(mode):
        raise refuse(mode)
      contents = f.read(MAX_FILE_BYTES + 1)
  except (IOError, OSError) as e:
    raise ValueError('cannot read it (%s)' % (e.strerror or e))
  if len(contents) > MAX_FILE_BYTES:  # It grew while being read.
    raise too_large('over %d' % MAX_FILE_BYTES)
  return contents


def _records(path, contents):
  """The images of a CIFAR-10 binary file, or one item saying what it is."""
  size = len(contents)
  if size == 0 or size % cifar10_input.RECORD_BYTES:
    return [{'file': path, 'error':
             'neither an image (PNG, JPEG, GIF, BMP) nor a CIFAR-10 binary '
             'file (it has %d bytes, not a whole number of %d-byte records)'
             % (size, cifar10_input.RECORD_BYTES)}]
  records = np.frombuffer(contents, np.uint8).reshape(
      -1, cifar10_input.RECORD_BYTES)
  labels = records[:, 0]
  if labels.max() >= cifar10.NUM_CLASSES:
    return [{'file': path, 'error':
             'not a CIFAR-10 binary file: record %d has label %d (labels '
             'are 0-%d)' % (int(np.argmax(labels >= cifar10.NUM_CLASSES)),
                            labels.max(), cifar10.NUM_CLASSES - 1)}]
  # Depth-major records to [n, 32, 32, 3], as cifar10_input.read_cifar10.
  images = records[:, cifar10_input.LABEL_BYTES:].reshape(
      -1, cifar10_input.ORIGINAL_DEPTH, _SIZE, _SIZE).transpose(0, 2, 3, 1)
  return [{'file': '%s:%d' % (path, i), 'image': images[i].astype(np.float32),
           'label': int(labels[i])} for i in range(len(labels))]


def newest_checkpoint(checkpoint_dir):
  """The newest checkpoint in checkpoint_dir that reads in full.

  Newer checkpoints that do not read are skipped, and named on stderr with
  the reason, as cifar10_eval does.

  Args:
    checkpoint_dir: str.

  Returns:
    str, the checkpoint's path prefix.

  Raises:
    PredictError: if the directory holds no checkpoint, or none that reads.
  """
  checkpoint, skipped = cifar10_checkpoint.newest_readable(checkpoint_dir)
  if checkpoint is None and skipped:
    raise PredictError(_named(cifar10_checkpoint.none_readable(
        checkpoint_dir, skipped, 'Restore the directory from a backup, or '
        'pass another --checkpoint_dir.')))
  if checkpoint is None:
    raise PredictError('No checkpoint file found in %s; train a model there '
                       'first (cifar10_train.py --train_dir=%s) or pass '
                       '--checkpoint_dir.' % ((_named(checkpoint_dir),) * 2))
  if skipped:
    sys.stderr.write(_named(
        'Skipping the checkpoints that cannot be read in %s: %s.\n'
        % (checkpoint_dir, cifar10_checkpoint.describe_skipped(skipped))))
  return checkpoint.path


def classify(paths, checkpoint_dir, data_dir=None, batch_size=None,
             moving_average=True, top_layers=None, use_fp16=None,
             dataset=None, mixed_precision=None):
  """Classifies image and CIFAR-10 binary files with a trained model.

  Args:
    paths: list of file paths (see read_inputs()).
    checkpoint_dir: directory of the checkpoints (the newest that reads is
      restored; see newest_checkpoint()).
    data_dir: for the class names in the data set's batches.meta.txt there;
      default --data_dir (the data set's own names if there is none).
    batch_size: images per forward pass; default --batch_size.
    moving_average: restore the moving averages of the weights (True) or the
      raw weights.
    top_layers: the model's top; default the checkpoint's.
    use_fp16: the model's variables are float16; default --use_fp16.
    dataset: 'cifar10' or 'svhn', for the class names; default --dataset.
    mixed_precision: compute as cifar10_precision.compute_dtype says (the
      variables stay float32); default --mixed_precision.

  Returns:
    dict: 'checkpoint' (path), 'global_step' (int), 'moving_average' (bool),
    'class_names' (list of str) and 'images': read_inputs()'s items, where
    each image's 'image' is replaced by 'probabilities' ([NUM_CLASSES]
    float32 array, summing to 1).

  Raises:
    PredictError: if checkpoint_dir holds no checkpoint, or none that reads.
    cifar10_checkpoint.CheckpointError: if the checkpoint does not fit the
      model.
    cifar10_top_layers.TopLayersError: if top_layers differs from the
      checkpoint's.
    cifar10_input.DataError: if batches.meta.txt is malformed.
  """
  checkpoint_path = newest_checkpoint(checkpoint_dir)
  top_layers = cifar10_top_layers.top_layers_to_use(checkpoint_dir, top_layers,
                                                    checkpoint_path)
  class_names = cifar10_input.read_class_names(
      cifar10.data_batches_dir(data_dir, dataset),
      cifar10.data_set(dataset).class_names)
  batch_size = cifar10.flag_or(batch_size, 'batch_size')
  items = read_inputs(paths)
  images = [item for item in items if 'image' in item]

  with tf.Graph().as_default():
    pixels = tf.placeholder(tf.float32, [None, _SIZE, _SIZE, 3])
    model_input = cifar10_input.eval_image(pixels)
    if cifar10.flag_or(use_fp16, 'use_fp16'):
      model_input = tf.cast(model_input, tf.float16)
    # The variables are float32 under --mixed_precision, so its checkpoints
    # restore either way; the flag only chooses the dtype computed in.
    logits = cifar10.inference(model_input, mixed_precision=mixed_precision,
                               top_layers=top_layers)
    probabilities = cifar10.predictions(logits)
    global_step = tf.train.get_or_create_global_step()
    var_list = cifar10_eval.weights_to_restore(moving_average)
    saver = tf.train.Saver(var_list)
    with tf.Session() as sess:
      try:
        # A checkpoint of another model is one line naming the variable.
        cifar10_checkpoint.restore_plan(checkpoint_path, var_list)
        cifar10_checkpoint.restore(sess, saver, checkpoint_path)
      except (tf.errors.NotFoundError, tf.errors.DataLossError) as e:
        # It read in full a moment ago: deleted (a trainer keeps only its
        # newest few) or damaged since.
        raise PredictError('%s could no longer be read (%s); run again to '
                           'use the newest checkpoint that reads.'
                           % (_named(checkpoint_path),
                              cifar10_app.error_gist(e)))
      step = int(sess.run(global_step))
      for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        values = sess.run(probabilities, {
            pixels: np.stack([item.pop('image') for item in batch])})
        for item, p in zip(batch, values):
          item['probabilities'] = p
  return {'checkpoint': checkpoint_path, 'global_step': step,
          'moving_average': moving_average, 'class_names': list(class_names),
          'images': items}


def top_classes(probabilities, k):
  """Indices of the k most probable classes, most probable first."""
  return [int(i) for i in np.argsort(-probabilities, kind='stable')[:k]]


def format_line(item, class_names, k):
  """One image's line: '<file>: <class> <p>, ...' (and its true label)."""
  p = item['probabilities']
  line = '%s: %s' % (item['file'], ', '.join(
      '%s %.3f' % (class_names[i], p[i]) for i in top_classes(p, k)))
  if item['label'] is not None:
    line += ' (label: %s)' % class_names[item['label']]
  return line


def to_json(result, k):
  """The results as a JSON-serializable dict (see --output_json)."""
  names = result['class_names']
  images = []
  for item in result['images']:
    if 'error' in item:
      images.append({'file': item['file'], 'error': item['error']})
      continue
    p = item['probabilities']
    entry = {'file': item['file'],
             'top': [{'class': names[i], 'index': i,
                      'probability': float(p[i])} for i in top_classes(p, k)],
             'probabilities': [float(x) for x in p]}
    if item['label'] is not None:
      entry['label'] = names[item['label']]
    images.append(entry)
  return {'checkpoint': result['checkpoint'],
          'global_step': result['global_step'],
          'moving_average': result['moving_average'],
          'class_names': names, 'images': images}


def check_output_json(output_json, paths):
  """Refuses an --output_json that would overwrite an input, before any work.

  Args:
    output_json: str, the flag's value ('' or '-': no file is written).
    paths: the files to classify.

  Raises:
    PredictError: if it names one of `paths` (the same file by any name), a
      file that is there and is not JSON (an earlier output is replaced,
      anything else kept: `--output_json photos/*` would otherwise replace
      the first photo), a directory, or a file in a directory that does not
      exist.
  """
  if output_json in ('', '-'):
    return
  for path in paths:
    if cifar10_dirs.same_file(output_json, path):
      raise PredictError(
          '--output_json=%s is one of the files to classify, and would be '
          'overwritten; pass --output_json=FILE with a new file name (with a '
          'space instead of "=", the next argument is taken as the file).'
          % _named(output_json))
  if os.path.isdir(output_json):
    raise PredictError('--output_json=%s is a directory; pass a file name.'
                       % _named(output_json))
  if cifar10_dirs.not_json(output_json):
    raise PredictError(
        '--output_json=%s is a file that is not JSON, not an earlier '
        'output: it is kept; pass --output_json=FILE with a new file name '
        '(with a space instead of "=", the next argument is taken as the '
        'file).' % _named(output_json))
  directory = os.path.dirname(os.path.abspath(output_json))
  if not os.path.isdir(directory):
    raise PredictError('--output_json=%s: there is no directory %s; create '
                       'it first or pass another file name.'
                       % (_named(output_json), _named(directory)))


def write_output(output_json, text):
  """Writes `text` to the file --output_json names, whole or not at all.

  Through cifar10_dirs.write_whole: a failed write (a full disk, say) leaves
  an old file as it was and no partial file.

  Args:
    output_json: str, the path.
    text: str, the JSON.

  Raises:
    PredictError: if it cannot be written.
  """
  try:
    cifar10_dirs.write_whole(output_json, text)
  except (IOError, OSError) as e:
    raise PredictError('cannot write --output_json=%s (%s); an old file of '
                       'that name is left as it was.'
                       % (_named(output_json), e.strerror or e))


def main(argv):
  paths = argv[1:]
  if not paths:
    sys.exit('cifar10_predict: error: no files to classify; pass image or '
             'CIFAR-10 binary files after the flags.')
  cifar10_dirs.check_directory_flag('checkpoint_dir',
                                    FLAGS.checkpoint_dir, created=False)
  check_output_json(FLAGS.output_json, paths)
  result = classify(paths, FLAGS.checkpoint_dir,
                    moving_average=FLAGS.moving_average)
  to_stdout = FLAGS.output_json == '-'
  failed = 0
  for item in result['images']:
    if 'error' in item:
      failed += 1
      sys.stderr.write(printable('cifar10_predict: error: %s: %s\n' % (
          item['file'], item['error']), sys.stderr))
    elif not to_stdout:
      print(printable(format_line(item, result['class_names'], FLAGS.top_k)))
  if FLAGS.output_json:
    text = json.dumps(to_json(result, FLAGS.top_k), indent=1) + '\n'
    if to_stdout:
      sys.stdout.write(text)
    else:
      write_output(FLAGS.output_json, text)
  if failed:
    sys.exit(1)


def run():
  """Entry point of `python -m cifar10.cifar10_predict` and the command."""
  cifar10_app.run_main(main)


if __name__ == '__main__':
  run()
