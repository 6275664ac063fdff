// ResNet-18 built from TensorFlow.js ops (TF.js has no ResNet of its own), for the peer rows of
// the training benches in Node (bench/train.ts) and in Chromium (bench/browser/page.ts).

type Tf = typeof import('@tensorflow/tfjs-core');
type T = import('@tensorflow/tfjs-core').Tensor;

export /** ResNet-18 from TF.js ops, NHWC, BatchNorm in training mode (batch statistics). */
function tfResnet18(tf: Tf, numClasses: number) {
  const vars: import('@tensorflow/tfjs-core').Variable[] = [];
  const conv = (k: number, cin: number, cout: number) => {
    const v = tf.variable(tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cout))));
    vars.push(v);
    return v;
  };
  const bn = (c: number) => {
    const g = tf.variable(tf.ones([c]));
    const b = tf.variable(tf.zeros([c]));
    vars.push(g, b);
    return (x: T) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, b, g, 1e-5);
    };
  };
  const same = (k: number, s: number) => [[0, 0], [(k - 1) >> 1, (k - 1) >> 1], [(k - 1) >> 1, (k - 1) >> 1], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
  const c1 = conv(7, 3, 64);
  const b1 = bn(64);
  type Block = (x: T) => T;
  const blocks: Block[] = [];
  let cin = 64;
  for (const [planes, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]] as const) {
    for (let i = 0; i < 2; i++) {
      const s = i === 0 ? stride : 1;
      const w1 = conv(3, cin, planes), n1 = bn(planes), w2 = conv(3, planes, planes), n2 = bn(planes);
      const down = s !== 1 || cin !== planes ? { w: conv(1, cin, planes), n: bn(planes) } : null;
      blocks.push((x) => {
        const h = tf.relu(n1(tf.conv2d(x as never, w1 as never, s, same(3, s)))) as T;
        const o = n2(tf.conv2d(h as never, w2 as never, 1, same(3, 1)));
        const id = down ? down.n(tf.conv2d(x as never, down.w as never, s, 0)) : x;
        return tf.relu(tf.add(o, id));
      });
      cin = planes;
    }
  }
  const fc = tf.variable(tf.randomNormal([512, numClasses], 0, 1 / Math.sqrt(512)));
  const fcb = tf.variable(tf.zeros([numClasses]));
  vars.push(fc, fcb);
  const forward = (x: T) => {
    let h = tf.relu(b1(tf.conv2d(x as never, c1 as never, 2, same(7, 2)))) as T;
    h = tf.maxPool(h as never, 3, 2, same(3, 2));
    for (const b of blocks) h = b(h);
    return tf.add(tf.matMul(tf.mean(h, [1, 2]), fc), fcb);
  };
  return { vars, forward };
}

