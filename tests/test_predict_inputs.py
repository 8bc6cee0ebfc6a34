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
"""cifar10_predict with awkward inputs: its own --output_json among the
files, damaged checkpoints, file names that are not UTF-8, devices, FIFOs,
and images too large to decode.

The model here is untrained: a checkpoint of freshly initialized weights
(and their moving averages) is enough to classify, and takes a second to
write.
"""

import errno
import json
import os
import shutil
import struct
import zlib

import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from cifar10 import cifar10
from cifar10 import cifar10_predict
from conftest import run_module, script_env


def _save_checkpoints(train_dir, steps):
  """Writes model.ckpt-<step> of an untrained model for each step."""
  with tf.Graph().as_default():
    global_step = tf.train.get_or_create_global_step()
    logits = cifar10.inference(tf.zeros([1, 24, 24, 3]))
    del logits
    tf.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY, global_step).apply(
            tf.trainable_variables())
    saver = tf.train.Saver()
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      for step in steps:
        sess.run(global_step.assign(step))
        saver.save(sess, os.path.join(train_dir, 'model.ckpt'),
                   global_step=step)


@pytest.fixture(scope='module')
def untrained_dir(tmp_path_factory):
  """A checkpoint directory with model.ckpt-10 and model.ckpt-20."""
  train_dir = str(tmp_path_factory.mktemp('untrained'))
  _save_checkpoints(train_dir, [10, 20])
  return train_dir


def _png(width, height, rgb=None):
  """A PNG file's bytes; rgb ([height, width, 3] uint8) or, if None, an
  IDAT that is not compressed data (the header alone is right)."""
  def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
  if rgb is None:
    idat = b'\0' * 16
  else:
    idat = zlib.compress(b''.join(b'\0' + row.tobytes() for row in rgb))
  return (b'\x89PNG\r\n\x1a\n' +
          chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
          + chunk(b'IDAT', idat) + chunk(b'IEND', b''))


def _image(tmp_path, name='ship.png'):
  path = tmp_path / name
  path.write_bytes(_png(32, 32, np.full([32, 32, 3], 90, np.uint8)))
  return path


def _refusal(proc):
  """The error lines of a predictor that refused to run: status 1, nothing
  on stdout, no traceback."""
  assert proc.returncode == 1
  assert proc.stdout == ''
  assert 'Traceback' not in proc.stderr
  return _errors(proc.stderr)


def _refused_write(path):
  """The PredictError message of writing an output to path."""
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.write_output(str(path), '{"new": true}\n')
  return str(error.value)


def _errors(stderr):
  return [l for l in stderr.splitlines()
          if l.startswith('cifar10_predict: error:')]


# --output_json.


def test_output_json_naming_an_input_is_refused_before_any_work(
    untrained_dir, tmp_path):
  victim = _image(tmp_path, 'victim.png')
  other = _image(tmp_path, 'other.png')
  before = victim.read_bytes()
  alias = tmp_path / 'alias.png'
  alias.symlink_to(victim)
  # absl takes the argument after '--output_json' as its value.
  for output, named in ((['--output_json', str(victim)], victim),
                        (['--output_json=%s' % alias], alias)):
    proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                      *(output + [str(victim), str(other)]), check=False)
    assert _refusal(proc) == [
        'cifar10_predict: error: --output_json=%s is one of the files to '
        'classify, and '
        'would be overwritten; pass --output_json=FILE with a new file name '
        '(with a space instead of "=", the next argument is taken as the '
        'file).' % named]
    assert victim.read_bytes() == before


def test_output_json_never_replaces_a_file_that_is_not_json(untrained_dir,
                                                            tmp_path):
  """`--output_json photos/*`: absl takes the first photo as the flag's
  value; a file there that is not JSON (an earlier output) is kept."""
  first = _image(tmp_path, 'first.png')
  second = _image(tmp_path, 'second.png')
  before = first.read_bytes()
  proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                    '--output_json', str(first), str(second), check=False)
  assert _refusal(proc) == [
      'cifar10_predict: error: --output_json=%s is a file that is not JSON, '
      'not an earlier output: it is kept; pass --output_json=FILE with a new '
      'file name (with a space instead of "=", the next argument is taken as '
      'the file).' % first]
  assert first.read_bytes() == before


def test_output_json_to_stdout_and_through_a_link(untrained_dir, tmp_path):
  image = _image(tmp_path)
  proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                    '--output_json=-', image)
  data = json.loads(proc.stdout)
  assert [e['file'] for e in data['images']] == [str(image)]
  assert data['global_step'] == 20
  # A link is followed: its target gets the JSON, the link stays a link.
  target = tmp_path / 'results.json'
  target.write_text('{"old": true}\n')  # An earlier output.
  os.chmod(str(target), 0o640)
  link = tmp_path / 'latest.json'
  link.symlink_to(target)
  run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
             '--output_json=%s' % link, image)
  assert os.path.islink(str(link))
  assert json.loads(target.read_text())['images'][0][
      'file'] == str(image)
  assert os.stat(str(target)).st_mode & 0o777 == 0o640
  assert sorted(os.listdir(str(tmp_path))) == ['latest.json', 'results.json',
                                               'ship.png']


def test_output_json_failing_to_write_keeps_the_old_file(tmp_path,
                                                         monkeypatch):
  old = tmp_path / 'out.json'
  old.write_text('{"old": true}\n')

  def full_disk(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
  monkeypatch.setattr(cifar10_predict.os, 'fsync', full_disk)
  for path in (old, tmp_path / 'new.json'):
    assert _refused_write(path) == (
        'cannot write --output_json=%s (No space left on device); an old '
        'file of that name is left as it was.' % path)
  assert old.read_text() == '{"old": true}\n'
  assert os.listdir(str(tmp_path)) == ['out.json']
  monkeypatch.undo()
  # Not a regular file: written to, never replaced.
  cifar10_predict.write_output(os.devnull, '{}\n')
  assert not os.path.isfile(os.devnull)
  new = tmp_path / 'new.json'
  cifar10_predict.write_output(str(new), '{"new": true}\n')
  assert new.read_text() == '{"new": true}\n'
  umask = os.umask(0)
  os.umask(umask)
  assert os.stat(str(new)).st_mode & 0o777 == 0o666 & ~umask


def test_output_json_in_a_missing_directory_or_a_directory(tmp_path):
  image = str(_image(tmp_path))
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.check_output_json(str(tmp_path / 'no' / 'out.json'),
                                      [image])
  assert str(error.value) == (
      '--output_json=%s: there is no directory %s; create it first or pass '
      'another file name.' % (tmp_path / 'no' / 'out.json', tmp_path / 'no'))
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.check_output_json(str(tmp_path), [image])
  assert str(error.value) == ('--output_json=%s is a directory; pass a file '
                              'name.' % tmp_path)
  cifar10_predict.check_output_json('-', [image, '-'])
  cifar10_predict.check_output_json(str(tmp_path / 'out.json'), [image])


# Damaged checkpoints.


def _damage(prefix):
  """Truncates every data shard of the checkpoint at prefix."""
  directory, name = os.path.split(prefix)
  for file_name in os.listdir(directory):
    if file_name.startswith(name + '.data-'):
      with open(os.path.join(directory, file_name), 'r+b') as f:
        f.truncate(max(0, os.path.getsize(f.name) // 2))


def test_a_damaged_newest_checkpoint_is_skipped_and_named(
    untrained_dir, tmp_path, capsys):
  train_dir = str(tmp_path / 'train')
  shutil.copytree(untrained_dir, train_dir)
  _damage(os.path.join(train_dir, 'model.ckpt-20'))
  image = str(_image(tmp_path))
  result = cifar10_predict.classify([image], train_dir, use_fp16=False)
  assert result['checkpoint'] == os.path.join(train_dir, 'model.ckpt-10')
  assert result['global_step'] == 10
  lines = capsys.readouterr().err.splitlines()
  skipped = [l for l in lines if l.startswith('Skipping')]
  assert len(skipped) == 1, lines
  assert skipped[0].startswith(
      'Skipping the checkpoints that cannot be read in %s: model.ckpt-20 ('
      % train_dir)
  assert skipped[0].endswith(').')

  # None reads: the error names them all, and says that none reads.
  _damage(os.path.join(train_dir, 'model.ckpt-10'))
  files = sorted(os.listdir(train_dir))
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.classify([image], train_dir, use_fp16=False)
  message = str(error.value)
  assert message.startswith('None of the 2 checkpoint(s) in %s can be read: '
                            'model.ckpt-20 (' % train_dir), message
  assert '; model.ckpt-10 (' in message
  assert message.endswith('). Restore the directory from a backup, or pass '
                          'another --checkpoint_dir.')
  assert '\n' not in message
  assert sorted(os.listdir(train_dir)) == files  # Nothing moved.

  proc = run_module('cifar10_predict', '--checkpoint_dir=' + train_dir,
                    image, check=False)
  assert proc.returncode == 1
  assert _errors(proc.stderr) == ['cifar10_predict: error: ' + message]
  assert 'Traceback' not in proc.stderr


def test_no_checkpoint_at_all(tmp_path):
  with pytest.raises(cifar10_predict.PredictError) as error:
    cifar10_predict.newest_checkpoint(str(tmp_path))
  assert str(error.value) == (
      'No checkpoint file found in %s; train a model there first '
      '(cifar10_train.py --train_dir=%s) or pass --checkpoint_dir.'
      % (tmp_path, tmp_path))


# File names that are not UTF-8.


def test_names_that_are_not_utf8_print_on_a_strict_utf8_stdout(
    untrained_dir, tmp_path):
  directory = os.fsencode(str(tmp_path))
  image = os.fsdecode(os.path.join(directory, b'bad\xffname.png'))
  notes = os.fsdecode(os.path.join(directory, b'bad\xfenotes.txt'))
  with open(image, 'wb') as f:
    f.write(_image(tmp_path).read_bytes())
  with open(notes, 'wb') as f:
    f.write(b'not an image\n')
  env = script_env()
  env['PYTHONIOENCODING'] = 'utf-8'  # Strict: surrogates cannot be printed.
  proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                    image, notes, env=env, check=False)
  assert proc.returncode == 1, proc.stderr
  assert 'Traceback' not in proc.stderr
  shown = str(tmp_path) + '/bad\\xffname.png: '
  assert [l[:len(shown)] for l in proc.stdout.splitlines()] == [shown]
  assert _errors(proc.stderr) == [
      'cifar10_predict: error: %s/bad\\xfenotes.txt: neither an image (PNG, '
      'JPEG, GIF, BMP) nor a CIFAR-10 binary file (it has 13 bytes, not a '
      'whole number of 3073-byte records)' % tmp_path]


def test_printable_for_a_strict_stream():
  class Stream(object):
    encoding = 'ascii'
  assert cifar10_predict.printable('caf\udce9/\u00e9t\u00e9.png',
                                   Stream()) == 'caf\\xe9/\\xe9t\\xe9.png'
  assert cifar10_predict.printable('plain.png: cat 0.5') == (
      'plain.png: cat 0.5')


# FIFOs, devices, directories and huge files.


def test_fifos_devices_and_directories_are_refused_unopened(untrained_dir,
                                                            tmp_path):
  fifo = tmp_path / 'f.png'
  os.mkfifo(str(fifo))
  image = _image(tmp_path)
  # Opening the FIFO would wait for a writer: the run would never end.
  proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                    fifo, '/dev/zero', tmp_path, image, timeout=120,
                    check=False)
  assert proc.returncode == 1
  assert [l.split(': ')[0] for l in proc.stdout.splitlines()] == [str(image)]
  assert _errors(proc.stderr) == [
      'cifar10_predict: error: %s: %s, not a file; pass image or CIFAR-10 '
      'binary files' % (path, kind) for path, kind in (
          (fifo, 'a FIFO (named pipe)'), ('/dev/zero', 'a character device'),
          (tmp_path, 'a directory'))]
  assert 'Traceback' not in proc.stderr


def test_files_too_large_are_refused_unread(tmp_path, monkeypatch):
  huge = tmp_path / 'disk.img'
  with open(str(huge), 'wb') as f:
    f.truncate(cifar10_predict.MAX_FILE_BYTES + 1)  # Sparse: no disk used.
  image = str(_image(tmp_path))
  items = cifar10_predict.read_inputs([str(huge), image])
  assert items[0] == {'file': str(huge), 'error': (
      'too large (%d bytes); files of more than 1024 MiB are not read, as no '
      'image the predictor decodes, nor any CIFAR-10 or SVHN binary file, is '
      'that large' % (cifar10_predict.MAX_FILE_BYTES + 1))}
  assert items[1]['image'].shape == (32, 32, 3)
  # A file that grows past the limit while it is read is refused too.
  monkeypatch.setattr(cifar10_predict, 'MAX_FILE_BYTES', 20)
  real_stat = os.stat

  def stat_before_it_grew(path, *args, **kwargs):
    info = real_stat(path, *args, **kwargs)
    if path == image:
      return os.stat_result(info[:6] + (10,) + info[7:])
    return info
  monkeypatch.setattr(cifar10_predict.os, 'stat', stat_before_it_grew)
  items = cifar10_predict.read_inputs([image])
  assert items == [{'file': image, 'error': (
      'too large (over 20 bytes); files of more than 0 MiB are not read, as '
      'no image the predictor decodes, nor any CIFAR-10 or SVHN binary file, '
      'is that large')}]


# Images too large to decode.

TOO_LARGE = ('too large to decode: 20000x20000 pixels, more than the 100 '
             'megapixels the predictor decodes; scale it down first')


def _jpeg(width, height):
  """A 16x16 JPEG whose header says width x height."""
  with tf.Graph().as_default(), tf.Session() as sess:
    data = bytearray(sess.run(tf.io.encode_jpeg(tf.zeros([16, 16, 3],
                                                         tf.uint8))))
  sof = data.index(b'\xff\xc0')  # Baseline: length, precision, height, width.
  data[sof + 5:sof + 9] = struct.pack('>HH', height, width)
  return bytes(data)


def test_images_above_the_pixel_limit_are_refused_from_their_header(
    untrained_dir, tmp_path):
  headers = {
      'huge.png': _png(20000, 20000),
      'huge.jpg': _jpeg(20000, 20000),
      'huge.gif': b'GIF89a' + struct.pack('<HH', 20000, 20000) + b'\0' * 20,
      # BITMAPINFOHEADER, stored top-down (negative height).
      'huge.bmp': (b'BM' + struct.pack('<IHHI', 0, 0, 0, 54) +
                   struct.pack('<IiiHH', 40, 20000, -20000, 1, 24) +
                   b'\0' * 40),
      'os2.bmp': (b'BM' + struct.pack('<IHHI', 0, 0, 0, 26) +
                  struct.pack('<IHHHH', 12, 20000, 20000, 1, 24) + b'\0' * 8),
  }
  paths = []
  for name, data in sorted(headers.items()):
    paths.append(str(tmp_path / name))
    with open(paths[-1], 'wb') as f:
      f.write(data)
  image = str(_image(tmp_path))
  result = cifar10_predict.classify(paths + [image], untrained_dir,
                                    use_fp16=False)
  items = result['images']
  assert items[:-1] == [{'file': path, 'error': TOO_LARGE} for path in paths]
  assert items[-1]['file'] == image and 'probabilities' in items[-1]

  # At the limit, the decoder is asked (this one's pixels are not there).
  # pylint: disable=protected-access
  decoder = cifar10_predict._Decoder()
  try:
    assert decoder._dimensions(_jpeg(321, 123)) == (321, 123)
    with pytest.raises(ValueError) as error:
      decoder.decode(_png(10000, 10000))
    assert str(error.value).startswith('not a decodable image (')
  finally:
    decoder.close()


def test_running_out_of_memory_while_decoding_is_that_files_error(
    untrained_dir, tmp_path, monkeypatch):
  big = tmp_path / 'big.png'
  big.write_bytes(_png(40, 40, np.zeros([40, 40, 3], np.uint8)))
  image = str(_image(tmp_path))
  decoder_class = cifar10_predict._Decoder  # pylint: disable=protected-access
  init = decoder_class.__init__

  class OutOfMemory(object):
    """Decodes all but big.png, which runs out of memory."""

    def __init__(self, session):
      self.session = session

    def run(self, fetches, feed_dict):
      if big.read_bytes() in feed_dict.values():
        raise tf.errors.ResourceExhaustedError(
            None, None, 'OOM when allocating tensor with shape[40,40,3] and '
            'type float on /job:localhost/replica:0/task:0/device:CPU:0 by '
            'allocator mklcpu')
      return self.session.run(fetches, feed_dict)

    def close(self):
      self.session.close()

  def out_of_memory_init(self):
    init(self)
    self._sess = OutOfMemory(self._sess)  # pylint: disable=protected-access
  monkeypatch.setattr(decoder_class, '__init__', out_of_memory_init)
  result = cifar10_predict.classify([str(big), image], untrained_dir,
                                    use_fp16=False)
  items = result['images']
  assert items[0] == {'file': str(big), 'error': (
      'too large to decode in the memory available (OOM when allocating '
      'tensor with shape[40,40,3] and type float on '
      '/job:localhost/replica:0/task:0/device:CPU:0 by allocator mklcpu); '
      'scale it down first')}
  assert items[1]['file'] == image and 'probabilities' in items[1]


def test_output_json_never_replaces_a_read_only_file(tmp_path, monkeypatch):
  old = tmp_path / 'out.json'
  old.write_text('{"old": true}\n')
  # As a user other than root sees a file they may not write.
  monkeypatch.setattr(cifar10_predict.os, 'access',
                      lambda path, mode: path != str(old))
  assert _refused_write(old) == (
      'cannot write --output_json=%s (Permission denied); an old file of that '
      'name is left as it was.' % old)
  assert old.read_text() == '{"old": true}\n'
  assert os.listdir(str(tmp_path)) == ['out.json']


def test_a_truncated_jpeg_is_one_error_line_of_the_predictor(
    untrained_dir, tmp_path):
  with tf.Graph().as_default(), tf.Session() as sess:
    whole = sess.run(tf.io.encode_jpeg(np.random.RandomState(0).randint(
        0, 256, [64, 64, 3]).astype(np.uint8)))
  cut = tmp_path / 'cut.jpg'
  cut.write_bytes(whole[:len(whole) // 2])
  good = tmp_path / 'good.jpg'
  good.write_bytes(whole)
  proc = run_module('cifar10_predict', '--checkpoint_dir=' + untrained_dir,
                    str(good), str(cut), check=False)
  assert proc.returncode == 1
  assert proc.stdout.startswith('%s: ' % good)
  assert _errors(proc.stderr) == [
      'cifar10_predict: error: %s: not a decodable image (a truncated JPEG: '
      'it has no end-of-image marker)' % cut]
  # TensorFlow's decoder never saw it, so logged nothing about it.
  assert 'JPEG' not in proc.stderr.replace(_errors(proc.stderr)[0], '')


def test_mixed_precision_predicts_from_the_same_checkpoint(untrained_dir,
                                                           tmp_path):
  """--mixed_precision computes in bfloat16 on the CPU from the float32
  checkpoint: the same probabilities to bfloat16 rounding, not the same
  bits."""
  rgb = np.random.RandomState(1).randint(0, 256, [32, 32, 3]).astype(np.uint8)
  path = tmp_path / 'noise.png'
  path.write_bytes(_png(32, 32, rgb))
  probabilities = [
      cifar10_predict.classify([str(path)], untrained_dir, use_fp16=False,
                               mixed_precision=mixed)['images'][0][
                                   'probabilities']
      for mixed in (False, True)]
  assert not np.array_equal(*probabilities)
  np.testing.assert_allclose(probabilities[1], probabilities[0], atol=0.01)
