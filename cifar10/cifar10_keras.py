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

"""The tutorial's network as a tf.keras model, timed by cifar10_benchmark.

What a user would write today: the same layers, initializers and weight
decay as cifar10.inference (Keras has no LRN layer: a Lambda calls
tf.nn.local_response_normalization), trained by model.fit with SGD(0.1) on a
tf.data pipeline with the same files, distortions, threads and shuffle size.
Keras 3 needs TensorFlow 2 behaviour, which the benchmark's process has
turned off, so this runs in a child process:

  python -c 'from cifar10 import cifar10_keras; cifar10_keras.main()' SPEC

prints RESULT_PREFIX and a JSON dict.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import os
import resource
import sys
import time

import numpy as np

from cifar10 import cifar10
from cifar10 import cifar10_download
from cifar10 import cifar10_input
from cifar10 import cifar10_lrn

RESULT_PREFIX = 'CIFAR10_KERAS_RESULT '


def build_keras_model(keras, tf2):
  """inference()'s network as a compiled tf.keras model (SGD 0.1)."""
  layers, init = keras.layers, keras.initializers

  def conv(name, bias):
    return layers.Conv2D(64, 5, padding='same', activation='relu', name=name,
                         kernel_initializer=init.TruncatedNormal(stddev=5e-2),
                         bias_initializer=init.Constant(bias))

  def dense(name, units, stddev, bias, wd=None, activation='relu'):
    # The tutorial's wd * l2_loss(w) = wd * sum(w**2) / 2 is Keras's L2(wd/2).
    return layers.Dense(units, activation=activation, name=name,
                        kernel_initializer=init.TruncatedNormal(stddev=stddev),
                        bias_initializer=init.Constant(bias),
                        kernel_regularizer=wd and keras.regularizers.L2(wd / 2))

  def lrn(name):
    return layers.Lambda(lambda x: tf2.nn.local_response_normalization(
        x, cifar10_lrn.LRN_DEPTH_RADIUS, cifar10_lrn.LRN_BIAS,
        cifar10_lrn.LRN_ALPHA, cifar10_lrn.LRN_BETA), name=name)

  model = keras.Sequential([
      keras.Input((24, 24, 3)), conv('conv1', 0.0),
      layers.MaxPooling2D(3, 2, padding='same', name='pool1'), lrn('norm1'),
      conv('conv2', 0.1), lrn('norm2'),
      layers.MaxPooling2D(3, 2, padding='same', name='pool2'),
      layers.Flatten(), dense('local3', 384, 0.04, 0.1, 0.004),
      dense('local4', 192, 0.04, 0.1, 0.004),
      dense('softmax_linear', 10, 1 / 192.0, 0.0, activation=None)])
  model.compile(keras.optimizers.SGD(cifar10.INITIAL_LEARNING_RATE),
                keras.losses.SparseCategoricalCrossentropy(from_logits=True))
  return model


def keras_child(spec):
  """model.fit on tf.data with the tutorial's distortions; child process."""
  import tensorflow as tf2  # pylint: disable=g-import-not-at-top
  keras = tf2.keras
  keras.utils.set_random_seed(0)
  model = build_keras_model(keras, tf2)

  def distort(record):
    record = tf2.io.decode_raw(record, tf2.uint8)
    image = tf2.transpose(tf2.reshape(record[1:], [3, 32, 32]), [1, 2, 0])
    image = tf2.image.random_crop(tf2.cast(image, tf2.float32), [24, 24, 3])
    image = tf2.image.random_flip_left_right(image)
    image = tf2.image.random_brightness(image, max_delta=63)
    image = tf2.image.random_contrast(image, lower=0.2, upper=1.8)
    return (tf2.image.per_image_standardization(image),
            tf2.cast(record[0], tf2.int32))

  files = [os.path.join(spec['data_dir'], cifar10_download.EXTRACTED_DIR, f)
           for f in cifar10_input.TRAIN_FILES]
  ds = tf2.data.Dataset.from_tensor_slices(files).shuffle(5).repeat()
  ds = ds.flat_map(lambda f: tf2.data.FixedLengthRecordDataset(
      f, cifar10_input.RECORD_BYTES)).map(distort, spec['num_threads'])
  ds = ds.shuffle(max(spec['shuffle'], spec['batch_size']))
  ds = ds.batch(spec['batch_size'], drop_remainder=True).prefetch(2)
  times = []

  class Timer(keras.callbacks.Callback):

    def on_train_batch_end(self, batch, logs=None):
      times.append(time.perf_counter())

  steps = spec['warmup_steps'] + spec['steps'] * spec['repeats']
  model.fit(ds, epochs=1, steps_per_epoch=steps + 1, callbacks=[Timer()],
            verbose=0)
  rates = [spec['batch_size'] * spec['steps'] / (times[s + spec['steps']] -
                                                 times[s])
           for s in range(spec['warmup_steps'], steps, spec['steps'])]
  return {'images_per_sec': float(np.median(rates)), 'windows': rates,
          'params': int(model.count_params()), 'available': True,
          'keras_version': keras.__version__, 'peak_rss_mib':
          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
          'process': 'child'}


def main():
  spec = json.loads(sys.argv[1])
  print(RESULT_PREFIX + json.dumps(keras_child(spec)))
